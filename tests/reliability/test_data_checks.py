"""The Dagster asset checks of the daily snapshot, on crafted raw data in a real DuckDB warehouse.

Days are written the way ingestion writes them (spool -> Parquet archive -> one transaction), then
each check is invoked with the project's resources and its outcome read.
"""

from datetime import UTC, date, datetime, timedelta

import dagster as dg
import pytest

from orchestration.defs.hub.checks import (
    MAX_PARAMETER_COVERAGE_DROP,
    duplicate_rate,
    listing_completeness,
    parameter_coverage,
    rejected_record_rate,
    snapshot_freshness,
)
from orchestration.defs.hub.hub_client import HubClientResource
from orchestration.defs.hub.raw_store import (
    ListingRun,
    SnapshotSpool,
    archive_spool,
    load_partition_from_archive,
)
from orchestration.warehouse import WarehouseResource

DAY = date(2025, 1, 8)
SIMULATED = HubClientResource(endpoint="http://127.0.0.1:9/as-of/{snapshot_date}")


def record(i: int, with_parameters: bool = True, valid: bool = True) -> dict:
    item = {"_id": f"{i:024x}", "id": f"org/model-{i}", "downloads": 1_000 - i, "tags": []}
    if with_parameters:
        item["safetensors" if i % 2 else "gguf"] = {"total": 10**9 * (1 + i % 9)}
    if not valid:
        item["downloads"] = "many"
    return item


def write_day(warehouse: WarehouseResource, day: date, items: list, requested_n: int | None = None) -> None:
    """One `top` listing holding `items` as received, written through the real raw layer."""
    now = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    spool = SnapshotSpool(warehouse.root / ".spool" / day.isoformat(), day)
    run = ListingRun(day, "top", "downloads", requested_n or len(items), "http://127.0.0.1:9", now)
    spool.add_page(run, items, now)
    run.finished_at = now
    spool.runs.append(run)
    archive_spool(spool, warehouse.archive_dir)
    with warehouse.connect() as conn:
        load_partition_from_archive(conn, warehouse.archive_dir, day)
    spool.discard()


@pytest.fixture
def warehouse(tmp_path) -> WarehouseResource:
    return WarehouseResource(directory=str(tmp_path))


def coverage_items(n: int, covered: int) -> list[dict]:
    return [record(i, with_parameters=i < covered) for i in range(n)]


def test_parameter_coverage_passes_without_a_previous_day(warehouse):
    write_day(warehouse, DAY, coverage_items(200, 100))
    result = parameter_coverage(warehouse=warehouse)
    assert result.passed
    assert result.metadata["coverage_pct"].value == 50.0
    assert result.metadata["previous_snapshot"].value == "none"


@pytest.mark.parametrize(
    ("covered_today", "passed"),
    [(190, True), (170, True), (169, False), (100, False)],
)
def test_parameter_coverage_fails_past_a_drop_of_five_points(warehouse, covered_today, passed):
    write_day(warehouse, DAY - timedelta(days=1), coverage_items(200, 180))  # 90 %
    write_day(warehouse, DAY, coverage_items(200, covered_today))
    result = parameter_coverage(warehouse=warehouse)
    drop = 90.0 - 100 * covered_today / 200
    assert result.passed is passed
    assert result.metadata["drop_points"].value == pytest.approx(drop)
    assert result.metadata["bound_points"].value == MAX_PARAMETER_COVERAGE_DROP
    assert result.metadata["previous_snapshot"].value == str(DAY - timedelta(days=1))


def test_parameter_coverage_counts_each_model_once(warehouse):
    # a model served twice (cursor drift) weighs once, as in the deduplicated staging model
    items = coverage_items(100, 50) + [record(0)] * 100
    write_day(warehouse, DAY, items, requested_n=100)
    assert parameter_coverage(warehouse=warehouse).metadata["coverage_pct"].value == 50.0


def test_completeness_duplicates_and_rejections_pass_on_a_clean_day(warehouse):
    write_day(warehouse, DAY, [record(i) for i in range(500)])
    for check in (
        listing_completeness(warehouse=warehouse, hub=SIMULATED),
        duplicate_rate(warehouse=warehouse),
    ):
        assert check.passed
    assert rejected_record_rate(warehouse=warehouse).passed


def test_completeness_fails_under_the_bound(warehouse):
    write_day(warehouse, DAY, [record(i) for i in range(489)], requested_n=500)  # 97.8 %
    result = listing_completeness(warehouse=warehouse, hub=SIMULATED)
    assert not result.passed
    assert result.metadata["worst_listing"].value == "top"


def test_duplicate_rate_warns_past_one_percent(warehouse):
    write_day(warehouse, DAY, [record(i) for i in range(490)] + [record(i) for i in range(10)])  # 2 %
    result = duplicate_rate(warehouse=warehouse)
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN
    assert result.metadata["duplicates"].value == 10


def test_rejected_record_rate_warns_past_one_percent(warehouse):
    write_day(warehouse, DAY, [record(i, valid=i >= 10) for i in range(500)])  # 2 %
    result = rejected_record_rate(warehouse=warehouse)
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN
    assert result.metadata["rejected"].value == 10


def test_freshness_fails_on_a_stale_live_snapshot_and_ignores_a_simulated_one(warehouse):
    write_day(warehouse, DAY, [record(i) for i in range(10)])
    assert not snapshot_freshness(warehouse=warehouse, hub=HubClientResource()).passed
    assert snapshot_freshness(warehouse=warehouse, hub=SIMULATED).passed


def test_every_check_is_in_the_warehouse_pool():
    from orchestration.defs.hub import checks

    definitions = [value for value in vars(checks).values() if isinstance(value, dg.AssetChecksDefinition)]
    assert len(definitions) == 5
    assert {definition.op.pool for definition in definitions} == {"warehouse"}
