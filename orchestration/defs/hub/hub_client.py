"""The Hub client: one HTTP request per listing page, through huggingface_hub's own HTTP stack.

`HfApi.list_models` parses every item into a `ModelInfo`, which drops the raw record and raises in
the middle of a crawl on a malformed one. We keep the client's transport, retry loop
(`http_backoff`: 429-aware, waits out the `RateLimit` window), error mapping (`hf_raise_for_status`)
and headers (`build_hf_headers`), and walk the `Link: rel="next"` pages ourselves so each record is
stored exactly as the API returned it.

Retries, all bounded (docs/reliability.md):
- `http_backoff` retries a request on 408/429/5xx, timeouts and dropped connections, at most
  `max_retries` times, waiting `retry_base_s` (jittered per page) doubling up to `retry_max_s`, or
  what a 429's `RateLimit`/`Retry-After` asks; a wait asked beyond `retry_after_max_s` fails the page
  at once instead (`RetryAfterTooLong`, raised from the client's response hook).
- A 200 whose body is not a listing page (cut, not JSON, not an array) or whose next link leaves the
  endpoint's host is fetched again whole, at most `max_retries` times, before it fails: nothing of
  a page reaches the spool until the whole page parsed.
- A listing stops before a new page once `listing_budget_s` is spent.
"""

import json
import logging
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import dagster as dg
import httpx2
from huggingface_hub.utils import (
    build_hf_headers,
    hf_raise_for_status,
    http_backoff,
    parse_ratelimit_headers,
    set_client_factory,
)
from huggingface_hub.utils._http import hf_request_event_hook

from orchestration.defs.hub.listings import ListingSpec

logger = logging.getLogger(__name__)

LIVE_HUB_ENDPOINT = "https://huggingface.co"
SNAPSHOT_DATE_PLACEHOLDER = "{snapshot_date}"


class HubPayloadError(RuntimeError):
    """The Hub answered 200 with a body that is not a listing page."""


class ListingTimeBudgetExceeded(RuntimeError):
    """A listing took longer than its time budget, retries included."""


class RetryAfterTooLong(RuntimeError):
    """The Hub asked to wait longer than we allow before retrying (`retry_after_max_s`)."""


class RateLimitBudgetExceeded(RuntimeError):
    """The Hub's quota stayed exhausted: the listing's rate-limit waits ran past their budget."""


# The Hub's published API quotas (hub-docs `docs/hub/rate-limits.md`, Sept. 2025): requests per
# fixed window of `RATE_LIMIT_WINDOW_S` seconds, per IP for anonymous clients, per account with
# a token. shared/notes/hub-api.md quotes the table.
RATE_LIMIT_WINDOW_S = 300.0
ANONYMOUS_API_QUOTA = 500
FREE_TOKEN_API_QUOTA = 1_000


def paced_interval_s(has_token: bool, quota_share: float, window_s: float = RATE_LIMIT_WINDOW_S) -> float:
    """The interval between requests that spends `quota_share` of the published quota of a
    client without (anonymous) or with a token (free plan): window / (quota x share)."""
    quota = FREE_TOKEN_API_QUOTA if has_token else ANONYMOUS_API_QUOTA
    return window_s / (quota * quota_share)


@dataclass
class RateLimitWaits:
    """The rate-limit waits of one listing, counted by the HTTP client's response hook.

    A 429 makes `http_backoff` sleep what the Hub asks (+ 1 s) before it retries; when the waits
    would add up past `budget_s` the hook raises `RateLimitBudgetExceeded` instead of sleeping.
    """

    budget_s: float | None
    waited_s: float = 0.0
    limited_requests: int = 0


# The waits of the listing the current thread is crawling (the hook runs in the requesting thread).
_WAITS = threading.local()


class _RequestCounter:
    """Counts HTTP requests actually sent (retries included), whatever code path sends them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0

    def __call__(self, request: httpx2.Request) -> None:
        with self._lock:
            self._count += 1

    @property
    def count(self) -> int:
        with self._lock:
            return self._count


REQUESTS_SENT = _RequestCounter()


def requested_wait_s(response: httpx2.Response) -> float | None:
    """The wait a 429 asks for, as `http_backoff` reads it: the `RateLimit` reset when the quota is
    spent (r=0), else `Retry-After` in seconds."""
    if response.status_code != 429:
        return None
    info = parse_ratelimit_headers(response.headers)
    if info is not None and info.remaining == 0:
        return float(info.reset_in_seconds)
    retry_after = response.headers.get("Retry-After", "").strip()
    return float(retry_after) if retry_after.isdigit() else None


def install_http_client(timeout_s: float, retry_after_max_s: float = 300.0) -> None:
    """Give huggingface_hub a client with timeouts (its default client waits forever) and a cap on
    the wait a 429 may impose (`http_backoff` would sleep whatever the server asks)."""

    def refuse_long_waits(response: httpx2.Response) -> None:
        wait = requested_wait_s(response)
        if wait is not None and wait > retry_after_max_s:
            raise RetryAfterTooLong(
                f"the Hub asks to wait {wait:.0f} s before retrying, more than {retry_after_max_s:.0f} s"
            )
        waits: RateLimitWaits | None = getattr(_WAITS, "current", None)
        if response.status_code == 429 and waits is not None:
            waits.limited_requests += 1
            # http_backoff sleeps the asked wait + 1 s; without one, its own backoff (<= 8 s)
            waits.waited_s += (wait if wait is not None else 8.0) + 1.0
            if waits.budget_s is not None and waits.waited_s > waits.budget_s:
                raise RateLimitBudgetExceeded(
                    f"the Hub's rate limit stayed exhausted: {waits.limited_requests} requests "
                    f"refused (HTTP 429), {waits.waited_s:.0f} s of waits asked, more than the "
                    f"budget of {waits.budget_s:.0f} s"
                )

    def factory() -> httpx2.Client:
        return httpx2.Client(
            event_hooks={"request": [hf_request_event_hook, REQUESTS_SENT], "response": [refuse_long_waits]},
            follow_redirects=True,
            timeout=httpx2.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
        )

    set_client_factory(factory)


@dataclass(frozen=True)
class Page:
    items: list
    received_at: datetime
    # distinct models the listing holds with this page (records, with `distinct=False`)
    held: int = 0
    # the listing's 429s so far and the waits they asked (+ 1 s each, as http_backoff sleeps)
    rate_limited_requests: int = 0
    rate_limit_waited_s: float = 0.0


class HubClientResource(dg.ConfigurableResource):
    """How the pipeline reaches the Hub and how much of it a daily snapshot takes."""

    endpoint: str = LIVE_HUB_ENDPOINT
    token: str | None = None
    # Per request: huggingface_hub's default client has no timeout at all.
    timeout_s: float = 60.0
    # huggingface_hub retries each page itself (429s wait out the RateLimit window, 5xx and
    # network errors back off exponentially); these bound it. No second retry loop on top.
    max_retries: int = 5
    retry_base_s: float = 1.0
    retry_max_s: float = 8.0
    # The Hub's rate-limit window is 300 s: a 429 asking for longer fails the page at once.
    retry_after_max_s: float = 300.0
    listing_budget_s: float = 1800.0
    # Pacing: at least this many seconds between the starts of two page requests of a listing
    # (0: none; the daily listings take ~50 requests of a 500-request window). The census sets
    # it from the published quota (`paced_interval_s`).
    min_request_interval_s: float = 0.0
    # Total rate-limit waits (429s) a listing may sit through before it fails with
    # `RateLimitBudgetExceeded`; None: no bound beyond `max_retries` and `listing_budget_s`.
    rate_limit_wait_budget_s: float | None = None
    page_size: int = 1000
    top_n: int = 10_000
    per_tag_n: int = 2_000
    n_tags: int = 20
    new_models_max: int = 5_000
    # A listing with fewer distinct valid models than this share of what it should hold fails
    # the partition: a thin day would bias every share computed from it.
    min_completeness: float = 0.98

    @property
    def is_live(self) -> bool:
        return SNAPSHOT_DATE_PLACEHOLDER not in self.endpoint

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        install_http_client(self.timeout_s, self.retry_after_max_s)

    def endpoint_for(self, snapshot_date: date) -> str:
        """The endpoint that serves `snapshot_date`; the live Hub only serves today (UTC)."""
        if self.is_live:
            today = datetime.now(UTC).date()
            if snapshot_date != today:
                raise ValueError(
                    f"The live Hub only reports the present: partition {snapshot_date} cannot be "
                    f"snapshotted on {today} (UTC). Past days are lost; run today's partition only."
                )
            return self.endpoint.rstrip("/")
        return self.endpoint.replace(SNAPSHOT_DATE_PLACEHOLDER, snapshot_date.isoformat()).rstrip("/")

    def iter_listing_pages(self, endpoint: str, spec: ListingSpec, distinct: bool = True) -> Iterator[Page]:
        """Yield the pages of one listing, `page_size` models per request, until it holds
        `spec.limit` distinct models or the Hub has no further page.

        Pages may repeat models (a rank shift between two requests moves the previous page's last
        model onto the next page): repeats do not count, the crawl goes on until the listing holds
        `spec.limit` distinct models, and the page that completes it is cut after the model that
        does. With `distinct=False` (a census of millions of models, where remembering every id
        would cost memory) it stops after `spec.limit` records instead.
        """
        headers = build_hf_headers(token=self.token or False, library_name="slm-observatory")
        url: str | None = f"{endpoint}/api/models"
        params: list[tuple[str, str]] | None = [
            (key, str(min(self.page_size, spec.limit)) if key == "limit" else value)
            for key, value in spec.query_params()
        ]
        seen: set = set()
        held = 0
        deadline = time.monotonic() + self.listing_budget_s
        waits = RateLimitWaits(budget_s=self.rate_limit_wait_budget_s)
        next_request_at = 0.0
        while url is not None and held < spec.limit:
            if time.monotonic() > deadline:
                raise ListingTimeBudgetExceeded(
                    f"{spec.name}: {held} of {spec.limit} models after {self.listing_budget_s:.0f} s"
                )
            pause = next_request_at - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            next_request_at = time.monotonic() + self.min_request_interval_s
            _WAITS.current = waits
            try:
                items, url = self._fetch_page(url, params, headers, endpoint, spec, deadline)
            finally:
                _WAITS.current = None
            if distinct:
                items = until_distinct(items, seen, spec.limit)
                held = len(seen)
            else:
                items = items[: spec.limit - held]
                held += len(items)
            yield Page(
                items=items,
                received_at=datetime.now(UTC),
                held=held,
                rate_limited_requests=waits.limited_requests,
                rate_limit_waited_s=waits.waited_s,
            )
            params = None  # the next link already carries the query and the cursor

    def _fetch_page(
        self,
        url: str,
        params: list[tuple[str, str]] | None,
        headers: dict[str, str],
        endpoint: str,
        spec: ListingSpec,
        deadline: float,
    ) -> tuple[list, str | None]:
        """One page's items and next link; a 200 that is not a whole page is fetched again, bounded."""
        # Jitter: each page draws its own backoff scale, so crawls that failed together do not
        # retry in lockstep. The same scale serves http_backoff and the whole-page retry below.
        wait_s = self.retry_base_s * random.uniform(0.5, 1.5)  # noqa: S311
        attempt = 0
        while True:
            response = http_backoff(
                "GET",
                url,
                params=params,
                headers=headers,
                max_retries=self.max_retries,
                base_wait_time=wait_s,
                max_wait_time=self.retry_max_s,
            )
            hf_raise_for_status(response)
            try:
                return _page_items(response, spec.name), _same_origin_next_link(response, endpoint)
            except HubPayloadError as exc:
                attempt += 1
                if attempt > self.max_retries or time.monotonic() + wait_s > deadline:
                    raise
                logger.warning(
                    "%s; fetching the whole page again in %.2f s [retry %d/%d]",
                    exc,
                    wait_s,
                    attempt,
                    self.max_retries,
                )
                time.sleep(wait_s)
                wait_s = min(self.retry_max_s, wait_s * 2)


def until_distinct(items: list, seen: set, limit: int) -> list:
    """The items of a page up to the one that brings `seen` (the distinct models held so far,
    updated) to `limit`; all of them when the page does not get there.

    A model is its `id`. A record without a string `id` is a model the raw layer quarantines: it
    still holds its rank (the model after the N-th is not in the top N), and the completeness
    bound counts it against the day, so it counts as one model of its own.
    """
    for position, item in enumerate(items):
        model = item.get("id") if isinstance(item, dict) else None
        seen.add(model if isinstance(model, str) else object())
        if len(seen) >= limit:
            return items[: position + 1]
    return items


def _page_items(response: httpx2.Response, listing: str) -> list:
    """The JSON array of a listing page, or `HubPayloadError` (a cut body, an HTML error page...)."""
    try:
        items = json.loads(response.content)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise HubPayloadError(
            f"{listing}: the page is not valid JSON ({len(response.content)} bytes): {type(exc).__name__}"
        ) from None
    if not isinstance(items, list):
        raise HubPayloadError(f"{listing}: expected a JSON array, got {type(items).__name__}")
    return items


def _same_origin_next_link(response: httpx2.Response, endpoint: str) -> str | None:
    """The `rel="next"` URL, refused if it leaves the endpoint's host: the token must not follow."""
    next_url = response.links.get("next", {}).get("url")
    if next_url is None:
        return None
    expected, actual = urlsplit(endpoint), urlsplit(next_url)
    if (actual.scheme, actual.netloc) != (expected.scheme, expected.netloc):
        raise HubPayloadError(f"refusing a next-page link to another host: {actual.netloc!r}")
    return next_url
