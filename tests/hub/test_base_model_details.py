"""Which bases the ingestion looks up: the `base_model:` tags of the real 2025-01-08 top listing.

The Hub writes a model's lineage as `base_model:<id>` and `base_model:<relation>:<id>` tags
(relation `adapter`, `finetune`, `merge` or `quantized`; huggingface.co/docs/hub/model-cards,
"Specifying a base model"). The expected set is read from the recorded records here by splitting
the tags on `:`, independently of the dbt var's regular expression the ingestion uses.
"""

import json
from collections import Counter
from datetime import UTC, date, datetime

import duckdb
import pytest

from orchestration.defs.hub.base_model_details import ensure_details_table, missing_base_ids
from orchestration.defs.hub.raw_store import ensure_raw_tables
from tests.conftest import shared_file

DAY = date(2025, 1, 8)
RELATIONS = {"adapter", "finetune", "merge", "quantized"}
# tags that mention a base but are not the Hub's lineage tag
DECOYS = [
    "base_model",
    "base_model:",
    "base_model_relation:org/x",
    "dataset:base_model:org/y",
    "base_model:merge:",
]


def bases_named(tags: list[str]) -> set[str]:
    named = set()
    for tag in tags:
        parts = tag.split(":")
        if parts[0] != "base_model":
            continue
        if len(parts) == 2 and parts[1]:
            named.add(parts[1])
        elif len(parts) == 3 and parts[1] in RELATIONS and parts[2]:
            named.add(parts[2])
    return named


@pytest.fixture(scope="module")
def recorded() -> list[dict]:
    records = json.loads(shared_file("data/hub-listing-2025-01-08.json").read_text())
    # one record of decoys only: none of its tags names a base
    return [*records, {"id": "decoy/model", "tags": DECOYS}]


def test_the_bases_to_look_up_are_those_the_tags_name_and_no_listing_served(recorded, tmp_path):
    listed = {record["id"].lower() for record in recorded}
    referenced: Counter[str] = Counter()
    for record in recorded:
        for base in bases_named(record.get("tags", [])):
            if base.lower() not in listed:
                referenced[base] += 1
    assert len(referenced) > 100, "the recording should name many bases outside the top listing"

    with duckdb.connect(str(tmp_path / "observatory.duckdb")) as conn:
        ensure_raw_tables(conn)
        ensure_details_table(conn)
        fetched_at = datetime(2025, 1, 8, 6, tzinfo=UTC)
        conn.execute(
            "insert into raw.hub_model_snapshots "
            "select $day, 'top', generate_subscripts($ids, 1), $fetched_at, unnest($ids), unnest($records)",
            {
                "day": DAY,
                "fetched_at": fetched_at,
                "ids": [record["id"] for record in recorded],
                "records": [json.dumps(record) for record in recorded],
            },
        )
        got = missing_base_ids(conn, DAY, DAY, limit=100_000)

    assert sorted(got) == sorted(referenced)
    # most referenced first
    counts = [referenced[base] for base in got]
    assert counts == sorted(counts, reverse=True)
