"""A catalogue serving a recorded Hub listing verbatim, on the one day it was recorded.

Items are the recorded JSON objects themselves: same keys in the same order, same values. Sorting
uses the recorded values (an item lacking the sorted field comes last), ties and the unsorted order
follow `_id`, pagination and filters behave as on the synthetic world. `expand` keeps `_id`, `id`
and the requested keys the record has; `full` adds nothing (the recording has nothing more).
"""

import bisect
import json
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

from simulated_hub.api import MISSING_KEY
from simulated_hub.catalog import ListingQuery, SortedListing, sorted_listing
from simulated_hub.hub_json import SORT_FIELDS, TIMESTAMP_SORTS, parse_timestamp_ms


class RecordedCatalog:
    def __init__(self, records: list[dict], day: date):
        self._records = records
        self._day = day
        object_ids = [record["_id"] for record in records]
        self._sorted_object_ids = sorted(object_ids)
        order = np.argsort(np.array(object_ids))
        self._id_ranks = np.empty(len(records), dtype=np.int64)
        self._id_ranks[order] = np.arange(len(records))
        self._index = {record["id"]: i for i, record in enumerate(records)}
        self._keys = {sort: self._sort_keys(sort) for sort in SORT_FIELDS}
        self._cache: dict[ListingQuery, SortedListing] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: Path | str, day: date | None = None) -> "RecordedCatalog":
        """Load a recorded JSON array; `day` defaults to the date of the newest `createdAt`."""
        records = json.loads(Path(path).read_text(encoding="utf-8"))
        if day is None:
            day = date.fromisoformat(max(r["createdAt"] for r in records if "createdAt" in r)[:10])
        return cls(records, day)

    def _sort_keys(self, sort: str) -> np.ndarray:
        def key(record: dict) -> float:
            value = record.get(sort)
            if value is None:
                return MISSING_KEY
            return parse_timestamp_ms(value) if sort in TIMESTAMP_SORTS else float(value)

        return np.array([key(record) for record in self._records], dtype=np.float64)

    @property
    def first_day(self) -> date:
        return self._day

    @property
    def last_day(self) -> date:
        return self._day

    @property
    def today(self) -> date:
        return self._day

    def __len__(self) -> int:
        return len(self._records)

    def sorted_listing(self, day: date, query: ListingQuery) -> SortedListing:
        with self._lock:
            if query in self._cache:
                return self._cache[query]
        keep = np.array([self._selected(record, query) for record in self._records], dtype=bool)
        indices = np.flatnonzero(keep)
        values = self._keys[query.sort][indices] if query.sort else None
        result = sorted_listing(indices, values, self._id_ranks[indices])
        with self._lock:
            self._cache[query] = result
        return result

    @staticmethod
    def _selected(record: dict, query: ListingQuery) -> bool:
        model_id = record.get("id", "")
        tags = record.get("tags") or []
        return (
            (query.pipeline_tag is None or record.get("pipeline_tag") == query.pipeline_tag)
            and all(tag in tags for tag in query.filters)
            and (query.author is None or model_id.split("/", 1)[0] == query.author)
            and (not query.search or query.search.lower() in model_id.lower())
        )

    def _item(self, index: int, expand: tuple[str, ...] | None) -> dict:
        record = self._records[index]
        if expand is None:
            return dict(record)
        return {key: value for key, value in record.items() if key in ("_id", "id") or key in expand}

    def listing_items(
        self, indices: Sequence[int], day: date, expand: tuple[str, ...] | None, full: bool
    ) -> list[dict]:
        return [self._item(i, expand) for i in indices]

    def model_info(self, model_id: str, day: date, expand: tuple[str, ...] | None) -> dict | None:
        index = self._index.get(model_id)
        return None if index is None else self._item(index, expand)

    def object_id(self, index: int) -> str:
        return self._records[index]["_id"]

    def id_rank(self, object_id: str) -> int:
        return bisect.bisect_right(self._sorted_object_ids, object_id)
