"""The `/api/models` semantics, independent of HTTP: parameter validation, cursors, pages.

The Hub paginates listings with an opaque `cursor`: base64 of a MongoDB-style query on the last
item's sort value and `_id` (decoded from real next links, e.g. in huggingface_hub#2460). A crawl
resumes after that (value, `_id`) in the *current* order, so when values change between two page
requests, models are skipped or repeated, as on the Hub.
"""

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from simulated_hub.catalog import Catalog, ListingQuery
from simulated_hub.hub_json import (
    EXPAND_PROPERTIES,
    MODEL_INFO_ONLY_EXPAND,
    SORT_FIELDS,
    TIMESTAMP_SORTS,
    format_timestamp_ms,
    parse_timestamp_ms,
)

MISSING_KEY = -1  # sort key of a recorded item that lacks the sorted field
_TRUE = frozenset({"true", "1", "True"})


class ApiError(Exception):
    """An error answer: HTTP status, the Hub's `{"error": message}` body and extra headers."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


@dataclass(frozen=True)
class ListingRequest:
    query: ListingQuery
    limit: int | None
    expand: tuple[str, ...] | None
    full: bool
    cursor: str | None


@dataclass(frozen=True)
class ListingPage:
    start: int  # position of the page's first item in the listing
    indices: Sequence[int]
    items: list[dict]
    next_cursor: str | None


def _last(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name)
    return values[-1] if values else None


def parse_expand(params: Mapping[str, Sequence[str]], *, listing: bool) -> tuple[str, ...] | None:
    values = params.get("expand")
    if not values:
        return None
    for value in values:
        if value not in EXPAND_PROPERTIES:
            raise ApiError(400, f'"expand" must be one of [{", ".join(EXPAND_PROPERTIES)}], got "{value}"')
        if listing and value in MODEL_INFO_ONLY_EXPAND:
            raise ApiError(400, f'"expand" value "{value}" is not allowed when listing models')
    if any(_last(params, name) in _TRUE for name in ("full", "config", "cardData")):
        raise ApiError(400, '"expand" cannot be combined with "full", "config" or "cardData"')
    return tuple(dict.fromkeys(values))


def parse_listing_request(params: Mapping[str, Sequence[str]]) -> ListingRequest:
    sort = _last(params, "sort")
    if sort is not None and sort not in SORT_FIELDS:
        raise ApiError(400, f'"sort" must be one of [{", ".join(SORT_FIELDS)}], got "{sort}"')
    limit_text = _last(params, "limit")
    limit = None
    if limit_text is not None:
        try:
            limit = int(limit_text)
        except ValueError:
            raise ApiError(400, f'"limit" must be a positive integer, got "{limit_text}"') from None
        if limit <= 0:
            raise ApiError(400, f'"limit" must be a positive integer, got "{limit_text}"')
    query = ListingQuery(
        sort=sort,
        pipeline_tag=_last(params, "pipeline_tag"),
        filters=tuple(params.get("filter", ())),
        author=_last(params, "author"),
        search=_last(params, "search"),
    )
    expand = parse_expand(params, listing=True)
    return ListingRequest(query, limit, expand, _last(params, "full") in _TRUE, _last(params, "cursor"))


def _key_to_json(sort: str, key: float) -> float | int | str | None:
    if key == MISSING_KEY:
        return None
    if sort in TIMESTAMP_SORTS:
        return format_timestamp_ms(int(key))
    return int(key) if key.is_integer() else key


def encode_cursor(sort: str | None, key: float, object_id: str) -> str:
    if sort is None:
        condition: dict = {"_id": {"$gt": object_id}}
    else:
        value = _key_to_json(sort, key)
        condition = {"$or": [{sort: value, "_id": {"$gt": object_id}}, {sort: {"$lt": value}}]}
    return base64.b64encode(json.dumps(condition, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str, sort: str | None) -> tuple[float, str]:
    """(sort key, `_id`) of a cursor made by `encode_cursor` for the same sort; 400 otherwise."""
    try:
        condition = json.loads(base64.b64decode(cursor, validate=True))
        if sort is None:
            return 0.0, _object_id(condition["_id"]["$gt"])
        equal, _ = condition["$or"]
        value = equal[sort]
        object_id = _object_id(equal["_id"]["$gt"])
        if value is None:
            return MISSING_KEY, object_id
        if sort in TIMESTAMP_SORTS:
            return float(parse_timestamp_ms(value)), object_id
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise TypeError(value)
        return float(value), object_id
    except (binascii.Error, ValueError, KeyError, TypeError, AttributeError):
        raise ApiError(400, "Invalid cursor") from None


def _object_id(value: object) -> str:
    if not isinstance(value, str) or len(value) != 24 or any(c not in "0123456789abcdef" for c in value):
        raise ValueError(value)
    return value


def listing_page(
    catalog: Catalog,
    day: date,
    request: ListingRequest,
    page_size_cap: int,
    drift_days_per_page: int = 0,
    repeat_edge: bool = False,
) -> ListingPage:
    """One page of a listing: at most min(limit, cap) items after the request's cursor.

    With `drift_days_per_page`, the k-th page after the first is served as of k * drift days
    later (a fault: counters move while a crawl pages through them). With `repeat_edge`, a page
    after a cursor starts one item early, with the previous page's last model (a fault: that model
    moved one rank down between the two requests).
    """
    listing = catalog.sorted_listing(day, request.query)
    size = min(request.limit or page_size_cap, page_size_cap)
    start = 0
    if request.cursor is not None:
        key, object_id = decode_cursor(request.cursor, request.query.sort)
        rank = catalog.id_rank(object_id)
        start = listing.position_after(key, rank)
        if drift_days_per_page:
            day = min(day + timedelta(days=drift_days_per_page * round(start / size)), catalog.last_day)
            listing = catalog.sorted_listing(day, request.query)
            start = listing.position_after(key, rank)
        if repeat_edge:
            start = max(start - 1, 0)
    stop = min(start + size, len(listing))
    indices = listing.order[start:stop].tolist()
    items = catalog.listing_items(indices, day, request.expand, request.full)
    next_cursor = None
    if stop < len(listing):
        key = -float(listing.neg_keys[stop - 1])
        next_cursor = encode_cursor(request.query.sort, key, catalog.object_id(indices[-1]))
    return ListingPage(start, indices, items, next_cursor)
