"""The census asset (orchestration/defs/hub/census.py) against a small simulated Hub: every model
once, in creation order, in bounded Parquet parts; a failed crawl publishes nothing; a re-run
replaces its partition whole. Its pacing and rate limit: tests/census."""

import math
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.hub import census
from orchestration.defs.hub.hub_client import HubClientResource
from orchestration.warehouse import WarehouseResource
from simulated_hub.faults import FaultPlan
from simulated_hub.server import SimulatedHub
from simulated_hub.world import SyntheticWorld, WorldConfig

DAY = date(2025, 1, 8)
N_MODELS, PAGE_SIZE, PAGES_PER_PART = 2_500, 200, 4


@pytest.fixture(scope="module")
def world() -> SyntheticWorld:
    return SyntheticWorld(WorldConfig(n_models=N_MODELS, today=DAY))


def materialise(hub: SimulatedHub, warehouse_dir: Path, **hub_settings) -> dg.ExecuteInProcessResult:
    resources = {
        "hub": HubClientResource(endpoint=hub.endpoint_template, page_size=PAGE_SIZE, **hub_settings),
        "warehouse": WarehouseResource(directory=str(warehouse_dir)),
    }
    return dg.materialize(
        [census.hub_model_census],
        partition_key=DAY.isoformat(),
        resources=resources,
        run_config={"ops": {"raw__hub_model_census": {"config": {"pages_per_part": PAGES_PER_PART}}}},
        raise_on_error=False,
    )


def query(warehouse_dir: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse_dir / "observatory.duckdb"), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def part_files(warehouse_dir: Path, table: str = census.CENSUS_TABLE) -> list[str]:
    directory = warehouse_dir / "archive" / table / f"snapshot_date={DAY.isoformat()}"
    return sorted(path.name for path in directory.glob("*.parquet"))


def test_every_model_once_in_creation_order_in_bounded_parts(world, tmp_path):
    with SimulatedHub(world) as hub:
        result = materialise(hub, tmp_path)
        listing_requests = hub.request_count("/api/models")
    assert result.success
    stored = query(tmp_path, "select model_id, rank from raw.hub_model_census order by rank")
    expected = [str(world.model_ids[i]) for i in world.listing(DAY, sort="createdAt")]
    assert [row[0] for row in stored] == expected
    assert [row[1] for row in stored] == list(range(1, N_MODELS + 1))
    pages = math.ceil(N_MODELS / PAGE_SIZE)
    assert listing_requests == pages
    assert part_files(tmp_path) == [
        f"part-{k:05d}.parquet" for k in range(1, math.ceil(pages / PAGES_PER_PART) + 1)
    ]
    run = query(
        tmp_path, "select received_n, unique_n, rejected_n, exhausted, pages, parts from raw.hub_census_runs"
    )
    assert run == [(N_MODELS, N_MODELS, 0, True, pages, len(part_files(tmp_path)))]
    metadata = result.asset_materializations_for_node("raw__hub_model_census")[0].metadata
    assert metadata["models"].value == N_MODELS and metadata["complete"].value is True
    assert not any((tmp_path / ".spool").iterdir()), "the spool is removed"


def test_invalid_records_are_quarantined_and_the_rest_kept(world, tmp_path):
    with SimulatedHub(world, faults=FaultPlan(invalid_record_every=3)) as hub:
        assert materialise(hub, tmp_path).success
    rejected = query(tmp_path, "select count(*) from raw.hub_model_census_rejected")[0][0]
    kept = query(tmp_path, "select count(*) from raw.hub_model_census")[0][0]
    assert rejected > 0 and kept + rejected == N_MODELS
    assert query(tmp_path, "select rejected_n from raw.hub_census_runs") == [(rejected,)]


def test_a_failed_crawl_publishes_nothing_and_a_rerun_replaces_the_partition(world, tmp_path):
    with SimulatedHub(world) as hub:
        assert materialise(hub, tmp_path).success
    first_parts = part_files(tmp_path)
    # deep pages time out: the crawl fails after several parts were written
    faults = FaultPlan(gateway_timeout_from_item=PAGE_SIZE * PAGES_PER_PART * 2)
    with SimulatedHub(world, faults=faults) as hub:
        failed = materialise(hub, tmp_path, max_retries=1, retry_base_s=0.01, retry_max_s=0.02)
    assert not failed.success
    assert part_files(tmp_path) == first_parts
    assert query(tmp_path, "select count(*) from raw.hub_model_census")[0][0] == N_MODELS
    assert not any((tmp_path / ".spool").iterdir()), "a failed crawl leaves no spool"
    # a successful re-run replaces the partition whole: same parts, same rows, no duplicates
    with SimulatedHub(world) as hub:
        assert materialise(hub, tmp_path).success
    assert part_files(tmp_path) == first_parts
    assert query(tmp_path, "select count(*), count(distinct model_id) from raw.hub_model_census") == [
        (N_MODELS, N_MODELS)
    ]
    assert query(tmp_path, "select count(*) from raw.hub_census_runs") == [(1,)]


def test_read_ahead_hands_errors_to_the_consumer():
    def pages():
        yield "first"
        raise RuntimeError("the Hub went away")

    received = []
    with pytest.raises(RuntimeError, match="went away"):
        for page in census.read_ahead(pages(), depth=2):
            received.append(page)
    assert received == ["first"]


def test_the_census_is_in_its_own_job_only():
    from tests.pipeline_harness import load_definitions

    definitions = load_definitions()
    key = dg.AssetKey(["raw", "hub_model_census"])
    assert definitions.resolve_asset_graph().get(key).group_name == "ingestion"
    for job_name in ("daily_snapshot", "hub_snapshot", "rebuild_marts"):
        job = definitions.resolve_job_def(job_name)
        assert key not in job.asset_layer.selected_asset_keys, job_name
    assert key in definitions.resolve_job_def("hub_census").asset_layer.selected_asset_keys
