"""A listing holds the number of distinct models it asks for, whatever models its pages repeat.

A rank shift between two page requests moves the previous page's last model onto the next page:
the simulated Hub's `repeat_edge` fault does it at every page boundary. The real ingestion asset
crawls it through the real huggingface_hub client over HTTP into a real DuckDB file; its `top`
listing must hold exactly N distinct models, the same as a fault-free crawl's, and both the top N
of the world's ground truth (downloads descending, `_id` ascending).
"""

import json
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.hub.assets import hub_model_snapshots
from orchestration.defs.hub.hub_client import HubClientResource
from orchestration.warehouse import WarehouseResource
from simulated_hub.faults import FaultPlan
from simulated_hub.recorded import RecordedCatalog
from simulated_hub.server import SimulatedHub
from simulated_hub.world import SyntheticWorld
from tests.conftest import shared_file
from tests.reliability.runs import DAY

TOP_N = 500
PAGE_SIZE = 100
SIZES = {"top_n": TOP_N, "per_tag_n": 100, "n_tags": 2, "page_size": PAGE_SIZE, "new_models_max": 200}


def ingest(hub: SimulatedHub, warehouse_dir: Path) -> dg.ExecuteInProcessResult:
    resource = HubClientResource(endpoint=hub.endpoint_template, max_retries=1, retry_base_s=0.05, **SIZES)
    return dg.materialize(
        [hub_model_snapshots],
        resources={"hub": resource, "warehouse": WarehouseResource(directory=str(warehouse_dir))},
        partition_key=DAY.isoformat(),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def top_listing(warehouse_dir: Path) -> dict:
    """The day's `top` listing as stored: models in order of first reception, and its run row."""
    with duckdb.connect(str(warehouse_dir / "observatory.duckdb"), read_only=True) as conn:
        ranked = conn.execute(
            "select model_id from raw.hub_model_snapshots where snapshot_date = ? and listing = 'top' "
            "group by model_id order by min(rank)",
            [DAY],
        ).fetchall()
        received, unique, exhausted = conn.execute(
            "select received_n, unique_n, exhausted from raw.hub_listing_runs "
            "where snapshot_date = ? and listing = 'top'",
            [DAY],
        ).fetchone()
    return {"models": [m for (m,) in ranked], "received": received, "unique": unique, "exhausted": exhausted}


def true_top(world: SyntheticWorld, day: date, n: int) -> list[str]:
    """The world's top n by 30-day downloads, recomputed from its ground-truth counters."""
    downloads = world.downloads_30d(day)
    indices = sorted(range(world.n_visible(day)), key=lambda i: (-downloads[i], world.object_id(i)))
    return [str(world.model_ids[i]) for i in indices[:n]]


@pytest.fixture(scope="module")
def fault_free(world, tmp_path_factory) -> dict:
    warehouse = tmp_path_factory.mktemp("fault_free")
    with SimulatedHub(world, page_size_cap=1000) as hub:
        assert ingest(hub, warehouse).success
    return top_listing(warehouse)


def test_a_model_repeated_at_every_page_edge_leaves_the_top_listing_with_n_distinct_models(
    world, fault_free, tmp_path
):
    with SimulatedHub(world, page_size_cap=1000, faults=FaultPlan(repeat_edge_every=1)) as hub:
        result = ingest(hub, tmp_path)
        repeated_pages = hub.fault_hits.get("repeat_edge", [])
    assert result.success
    stored = top_listing(tmp_path)
    # The Hub did repeat: each of top's pages after the first began with the previous page's
    # last model, so 5 pages of 100 held 496 distinct models and a sixth page was needed.
    assert len(repeated_pages) >= TOP_N // PAGE_SIZE
    assert stored["received"] - stored["unique"] == TOP_N // PAGE_SIZE
    assert stored["unique"] == len(stored["models"]) == TOP_N
    assert not stored["exhausted"]
    assert stored["models"] == fault_free["models"] == true_top(world, DAY, TOP_N)
    assert fault_free["received"] == fault_free["unique"] == TOP_N


def test_real_records_repeated_at_every_page_edge_leave_the_top_listing_with_the_recordings_top_n(tmp_path):
    """The same rank shift over what the live Hub served on 2025-01-08 (3,180 real records, ties,
    missing fields and all), not over a world of ours: the top N by downloads, each model once."""
    recorded = json.loads(shared_file("data/hub-listing-2025-01-08.json").read_text())
    by_downloads = sorted(recorded, key=lambda record: -(record.get("downloads") or 0))
    # the N-th and (N+1)-th differ, so the recording's top N is one set whatever the tie order
    assert by_downloads[TOP_N - 1]["downloads"] > by_downloads[TOP_N]["downloads"]
    expected = {record["id"] for record in by_downloads[:TOP_N]}

    crawls = {}
    for name, faults in (("fault_free", FaultPlan()), ("repeated", FaultPlan(repeat_edge_every=1))):
        warehouse = tmp_path / name
        with SimulatedHub(RecordedCatalog(recorded, DAY), page_size_cap=1000, faults=faults) as hub:
            assert ingest(hub, warehouse).success
            crawls[name] = top_listing(warehouse) | {"hits": len(hub.fault_hits.get("repeat_edge", []))}
    repeated, fault_free = crawls["repeated"], crawls["fault_free"]
    assert repeated["hits"] >= TOP_N // PAGE_SIZE and fault_free["hits"] == 0
    assert repeated["received"] - repeated["unique"] == TOP_N // PAGE_SIZE
    assert repeated["unique"] == len(repeated["models"]) == TOP_N
    assert repeated["models"] == fault_free["models"]
    assert set(repeated["models"]) == expected
