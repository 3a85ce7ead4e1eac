"""A real Hub payload, recorded on 2025-01-08, served by the simulated Hub and ingested whole."""

import json
import math
from collections import Counter
from datetime import date

import dagster as dg
import duckdb
import pytest

from orchestration.defs.hub.assets import hub_model_snapshots
from orchestration.defs.hub.hub_client import HubClientResource
from orchestration.defs.hub.listings import EXPANDED_FIELDS
from orchestration.warehouse import WarehouseResource
from simulated_hub.recorded import RecordedCatalog
from simulated_hub.server import SimulatedHub
from tests.conftest import shared_file

DAY = date(2025, 1, 8)
PAGE_SIZE = 1000


@pytest.fixture(scope="module")
def recorded():
    return json.loads(shared_file("data/hub-listing-2025-01-08.json").read_text())


@pytest.fixture(scope="module")
def warehouse_conn(recorded, tmp_path_factory):
    warehouse = WarehouseResource(directory=str(tmp_path_factory.mktemp("warehouse")))
    with SimulatedHub(RecordedCatalog(recorded, DAY), page_size_cap=PAGE_SIZE) as hub:
        resources = {
            "hub": HubClientResource(
                endpoint=hub.endpoint_template, top_n=5000, per_tag_n=500, n_tags=3, page_size=PAGE_SIZE
            ),
            "warehouse": warehouse,
        }
        result = dg.materialize(
            [hub_model_snapshots],
            resources=resources,
            partition_key=DAY.isoformat(),
            instance=dg.DagsterInstance.ephemeral(),
        )
        assert result.success
    with duckdb.connect(str(warehouse.duckdb_path), read_only=True) as conn:
        yield conn


def as_served(record: dict) -> dict:
    """What the Hub answers for this model to a listing with `expand`: `_id`, `id` and the fields asked."""
    return {key: value for key, value in record.items() if key in ("_id", "id", *EXPANDED_FIELDS)}


def test_every_recorded_record_is_stored_once_and_verbatim(recorded, warehouse_conn):
    rows = warehouse_conn.execute(
        "select rank, model_id, record from raw.hub_model_snapshots where listing = 'top' order by rank"
    ).fetchall()
    stored = {model_id: json.loads(record) for _, model_id, record in rows}
    assert len(rows) == len(stored) == len(recorded) == 3180
    assert stored == {record["id"]: as_served(record) for record in recorded}
    assert all(list(stored[r["id"]]) == list(as_served(r)) for r in recorded)  # key order too
    assert warehouse_conn.execute("select count(*) from raw.rejected_records").fetchone() == (0,)


def test_ranks_follow_the_hubs_download_order(warehouse_conn):
    downloads = [
        row[0]
        for row in warehouse_conn.execute(
            "select (record ->> '$.downloads')::bigint from raw.hub_model_snapshots "
            "where listing = 'top' order by rank"
        ).fetchall()
    ]
    assert downloads == sorted(downloads, reverse=True)


def test_the_listing_run_accounts_for_every_record(warehouse_conn):
    assert warehouse_conn.execute(
        "select requested_n, received_n, unique_n, rejected_n, exhausted, requests "
        "from raw.hub_listing_runs where listing = 'top'"
    ).fetchall() == [(5000, 3180, 3180, 0, True, math.ceil(3180 / PAGE_SIZE))]


def test_tag_listings_hold_every_recorded_model_of_their_tag(recorded, warehouse_conn):
    downloads = Counter()
    for record in recorded:
        if record.get("pipeline_tag"):
            downloads[record["pipeline_tag"]] += record["downloads"]
    for tag, _ in downloads.most_common(3):
        expected = {r["id"] for r in recorded if r.get("pipeline_tag") == tag}
        stored = warehouse_conn.execute(
            "select model_id from raw.hub_model_snapshots where listing = ?", [f"pipeline_tag:{tag}"]
        ).fetchall()
        assert len(stored) == min(len(expected), 500)
        assert {row[0] for row in stored} <= expected
