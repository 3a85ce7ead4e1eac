"""The raw layer's spool -> Parquet archive -> DuckDB path, on a real DuckDB file."""

import json
from datetime import UTC, date, datetime

import duckdb
import pytest

from orchestration.defs.hub.raw_store import (
    ListingRun,
    SnapshotSpool,
    WarehouseKindMismatch,
    archive_spool,
    archived_dates,
    claim_warehouse,
    load_partition_from_archive,
    partition_dir,
)

DAY = date(2025, 1, 8)
NOW = datetime(2025, 1, 8, 3, 0, tzinfo=UTC)


def spool_day(tmp_path, day, items, listing="top"):
    spool = SnapshotSpool(tmp_path / f"spool-{day}-{listing}", day)
    run = ListingRun(day, listing, "downloads", len(items), "http://127.0.0.1:1", NOW)
    spool.add_page(run, items, NOW)
    run.finished_at = NOW
    spool.runs.append(run)
    return spool, run


def records(n, prefix="org/model"):
    return [
        {"_id": f"{i:024x}", "id": f"{prefix}-{i}", "downloads": 100 - i, "tags": ["x"]} for i in range(n)
    ]


def test_valid_records_are_archived_and_loaded_verbatim_and_bad_ones_quarantined(tmp_path):
    items = [*records(3), {"id": None, "downloads": 1}, {"id": "org/ok", "downloads": -4}]
    spool, run = spool_day(tmp_path, DAY, items)
    archive_spool(spool, tmp_path / "archive")
    assert archived_dates(tmp_path / "archive") == [DAY]
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        counts = load_partition_from_archive(conn, tmp_path / "archive", DAY)
        assert counts == {"hub_model_snapshots": 3, "hub_listing_runs": 1, "rejected_records": 2}
        stored = conn.execute(
            "select rank, model_id, record from raw.hub_model_snapshots order by rank"
        ).fetchall()
        assert [(r, m, json.loads(rec)) for r, m, rec in stored] == [
            (i + 1, item["id"], item) for i, item in enumerate(items[:3])
        ]
        rejected = conn.execute(
            "select rank, reason, payload from raw.rejected_records order by rank"
        ).fetchall()
        assert [(r, reason, json.loads(p)) for r, reason, p in rejected] == [
            (4, "missing or non-string id", items[3]),
            (5, "downloads is not a non-negative integer", items[4]),
        ]
        assert conn.execute(
            "select received_n, unique_n, rejected_n from raw.hub_listing_runs"
        ).fetchall() == [(5, 3, 2)]
    assert run.completeness == pytest.approx(3 / 5)


def test_reloading_a_partition_replaces_it_and_leaves_other_dates_alone(tmp_path):
    other = date(2025, 1, 7)
    for day, n in ((other, 4), (DAY, 3)):
        spool, _ = spool_day(tmp_path, day, records(n))
        archive_spool(spool, tmp_path / "archive")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        for day in (other, DAY, DAY):
            load_partition_from_archive(conn, tmp_path / "archive", day)
        assert conn.execute(
            "select snapshot_date, count(*) from raw.hub_model_snapshots group by 1 order by 1"
        ).fetchall() == [(other, 4), (DAY, 3)]


def test_a_failed_load_rolls_back_and_keeps_the_previous_rows(tmp_path):
    spool, _ = spool_day(tmp_path, DAY, records(3))
    archive_spool(spool, tmp_path / "archive")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        load_partition_from_archive(conn, tmp_path / "archive", DAY)
        (partition_dir(tmp_path / "archive", "rejected_records", DAY) / "data.parquet").write_bytes(
            b"not parquet"
        )
        with pytest.raises(duckdb.Error):
            load_partition_from_archive(conn, tmp_path / "archive", DAY)
        assert conn.execute("select count(*) from raw.hub_model_snapshots").fetchone() == (3,)


def test_archive_files_are_swapped_in_whole(tmp_path):
    spool, _ = spool_day(tmp_path, DAY, records(3))
    archive_spool(spool, tmp_path / "archive")
    leftovers = [p.name for p in (tmp_path / "archive").rglob("*") if p.is_file() and p.suffix != ".parquet"]
    assert leftovers == []


def test_a_warehouse_never_mixes_simulated_and_live_data(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        claim_warehouse(conn, "simulated")
        claim_warehouse(conn, "simulated")
        with pytest.raises(WarehouseKindMismatch, match="holds simulated Hub data"):
            claim_warehouse(conn, "live")
