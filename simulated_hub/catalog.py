"""The interface the HTTP server serves: a catalogue of models as of a day.

Two catalogues implement it: `SyntheticWorld` (a generated Hub with a clock) and
`RecordedCatalog` (a real recorded listing, one day, served verbatim).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class ListingQuery:
    """What `GET /api/models` selects and how it orders it (`sort=None`: ascending `_id`)."""

    sort: str | None = None
    pipeline_tag: str | None = None
    filters: tuple[str, ...] = ()
    author: str | None = None
    search: str | None = None


@dataclass(frozen=True)
class SortedListing:
    """A listing in served order, with the integer keys its cursor resumes on.

    Items are ordered by sort value descending, then `_id` ascending, as the Hub's cursor query
    (`{"$or": [{v: V, "_id": {"$gt": ID}}, {v: {"$lt": V}}]}`) implies. `neg_keys` holds minus the
    sort value as a float (counts are exact below 2^53; recorded trending scores can be fractional;
    timestamps in ms; -1 where a recorded item lacks the field; 0 for every item when unsorted),
    so it is ascending; `id_ranks` is each item's rank among the catalogue's `_id`s.
    """

    order: np.ndarray
    neg_keys: np.ndarray
    id_ranks: np.ndarray

    def __len__(self) -> int:
        return len(self.order)

    def position_after(self, key: float, id_rank: int) -> int:
        """Index of the first item after a cursor on (sort value `key`, an `_id` that `id_rank`
        catalogue ids are at most): a smaller value, or the same value and a greater `_id`."""
        lo = int(np.searchsorted(self.neg_keys, -key, side="left"))
        hi = int(np.searchsorted(self.neg_keys, -key, side="right"))
        return lo + int(np.searchsorted(self.id_ranks[lo:hi], id_rank, side="left"))


def sorted_listing(indices: np.ndarray, values: np.ndarray | None, id_ranks: np.ndarray) -> SortedListing:
    """Order `indices` by `values` descending then `id_ranks` ascending (`values=None`: by id only)."""
    if values is None:
        order = np.argsort(id_ranks, kind="stable")
        return SortedListing(indices[order], np.zeros(len(order)), id_ranks[order])
    neg = -np.asarray(values, dtype=np.float64)
    order = np.lexsort((id_ranks, neg))
    return SortedListing(indices[order], neg[order], id_ranks[order])


class Catalog(Protocol):
    """What the server needs from a catalogue. Days outside [first_day, last_day] are refused."""

    @property
    def first_day(self) -> date: ...

    @property
    def last_day(self) -> date: ...

    @property
    def today(self) -> date:
        """The day served without an `/as-of/` prefix."""
        ...

    def sorted_listing(self, day: date, query: ListingQuery) -> SortedListing: ...

    def listing_items(
        self, indices: Sequence[int], day: date, expand: tuple[str, ...] | None, full: bool
    ) -> list[dict]:
        """Listing items as served: default fields, `full` fields, or `_id`, `id` + `expand`."""
        ...

    def model_info(self, model_id: str, day: date, expand: tuple[str, ...] | None) -> dict | None:
        """`GET /api/models/{id}`'s body, or None when no such model exists on `day`."""
        ...

    def object_id(self, index: int) -> str: ...

    def id_rank(self, object_id: str) -> int:
        """How many of the catalogue's `_id`s are <= `object_id` (any 24-hex string)."""
        ...
