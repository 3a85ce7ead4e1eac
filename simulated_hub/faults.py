"""Deterministic failures of the simulated Hub, to test a crawler's resilience.

A `FaultPlan` says which listing requests misbehave and how. Faults are counted over
`GET /api/models` requests in arrival order (retries included), so one plan and one request
sequence always give the same failures: `every=3` hits the 3rd, 6th, 9th... listing request.
Model-info requests are never faulted. When several faults are due on the same request, the first
in `FAULT_ORDER` wins.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class FaultPlan:
    # 429 with `Retry-After`; its `RateLimit` header keeps r>0, so clients honour Retry-After
    rate_limit_every: int = 0
    retry_after_s: int = 1
    # 5xx with the Hub's JSON error body
    server_error_every: int = 0
    server_error_status: int = 503
    # 504 Gateway Time-out, every time, for pages starting at or beyond this item (deep cursors)
    gateway_timeout_from_item: int | None = None
    # the connection closed without any response
    drop_every: int = 0
    # a 200 whose body is cut in the middle of the JSON array
    truncate_every: int = 0
    # a 200 whose body is an HTML error page instead of JSON
    non_json_every: int = 0
    # a `Link: rel="next"` to another host (clients must not send their token there)
    bad_link_every: int = 0
    bad_link: str = "https://evil.example/api/models?cursor=stolen"
    # the first record of the page violates the contract: no `id`, then `downloads` a string,
    # then `tags` not a list (cycling)
    invalid_record_every: int = 0
    # a response delayed by `slow_s` seconds (combines with any other fault)
    slow_every: int = 0
    slow_s: float = 2.0
    # page k after a cursor is served as of `k * drift_days_per_page` days later (capped at the
    # catalogue's last day): values change between pages, so a cursor crawl skips or repeats
    drift_days_per_page: int = 0
    # a page after a cursor starts with the previous page's last model (a rank shift between two
    # requests pushes it one place down): each such page repeats one model and ends one later
    repeat_edge_every: int = 0


# Faults that replace or corrupt a response, by precedence.
FAULT_ORDER: tuple[str, ...] = (
    "rate_limit",
    "server_error",
    "drop",
    "truncate",
    "non_json",
    "bad_link",
    "invalid_record",
)


def due(every: int, request_number: int) -> bool:
    """Whether a fault firing every `every` listing requests hits request `request_number` (1-based)."""
    return every > 0 and request_number % every == 0
