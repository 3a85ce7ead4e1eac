"""SIGKILL a real pipeline run at three points; nothing partial is ever visible, the rerun is exact.

One warehouse goes through every kill in turn, each kill a `os.killpg(SIGKILL)` of a child process
running the real job (tests/reliability/job_process.py), detected from the outside:

1. while fetching: the simulated Hub holds the 3rd page back, the spool already holds two;
2. while writing the archive: the Parquet files are written and synced under temporary names and the
   first of them renamed (the child stops there and waits to be killed);
3. while dbt builds the marts: the dbt process of the incremental marts has the DuckDB file open;
4. while replacing an existing partition: the DuckDB transaction has deleted and re-inserted the
   day's rows but not committed (the child stops there).

After each kill: no partial partition (the day's rows are absent or equal to the complete version of
an uninterrupted run, table by table), no temporary file counts as archived data, and the next run
removes the leftovers. The last rerun must equal an uninterrupted reference run row for row (raw
tables without their wall-clock columns, and every mart).
"""

from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.hub.raw_store import (
    RAW_TABLE_COLUMNS,
    SPOOL_DIRNAME,
    archive_batch,
    archived_dates,
    partition_dir,
)
from simulated_hub.world import SyntheticWorld
from tests.reliability.runs import (
    DAY,
    GatedCatalog,
    RecordingHub,
    cmdline,
    group_members,
    has_open,
    pipeline_env,
    rows_for_day,
    start_job,
    wait_for,
    warehouse_contents,
)

pytestmark = pytest.mark.slow


def spool_entries(warehouse_dir):
    spool = warehouse_dir / SPOOL_DIRNAME
    return sorted(spool.iterdir()) if spool.is_dir() else []


def tmp_files(warehouse_dir):
    return sorted((warehouse_dir / "archive").glob("*/snapshot_date=*/.*.tmp"))


def assert_partition_absent_or_equal(duckdb_path, expected: dict[str, list]):
    """Table by table, the day's rows are either absent or exactly those of a complete run."""
    for table, rows in rows_for_day(duckdb_path, DAY).items():
        assert rows in ([], expected[table]), f"{table}: a partial partition is visible"


def run_statuses(warehouse_dir) -> dict[str, dg.DagsterRunStatus]:
    with dg.DagsterInstance.from_config(str(warehouse_dir / "dagster_home")) as instance:
        return {record.dagster_run.run_id: record.dagster_run.status for record in instance.get_run_records()}


def dbt_target_path(pid: int) -> str:
    """The DBT_TARGET_PATH dagster-dbt gave a dbt process: named after the asset's op."""
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return ""
    return next((entry.partition("=")[2] for entry in environ if entry.startswith("DBT_TARGET_PATH=")), "")


def dbt_marts_process(pgid: int, duckdb_path):
    """The dbt process building the incremental marts (op `dbt_daily_models`), once it holds the file."""
    for pid in group_members(pgid):
        args = cmdline(pid)
        if (
            any(arg.endswith("dbt") for arg in args[:2])
            and Path(dbt_target_path(pid)).name.startswith("dbt_daily_models-")
            and has_open(pid, duckdb_path)
        ):
            return pid
    return None


def test_a_run_killed_at_any_point_leaves_no_partial_partition_and_reruns_exactly(
    world: SyntheticWorld, reference, tmp_path
):
    warehouse = tmp_path / "warehouse"
    duckdb_path = (warehouse / "observatory.duckdb").resolve()
    logs = tmp_path / "logs"
    gated = GatedCatalog(world)
    with RecordingHub(gated, page_size_cap=1000) as hub:
        env = pipeline_env(hub.endpoint_template, warehouse)

        # 1. Killed while fetching: two pages spooled, the third held back by the Hub.
        gated.arm(block_at=3)
        fetching = start_job(env, DAY, DAY, logs, "kill-fetching")
        wait_for(gated.reached.is_set, 120, "the crawl to reach its third page")
        assert len(spool_entries(warehouse)) == 1
        fetching.kill()
        gated.release()
        assert archived_dates(warehouse / "archive") == []
        assert not tmp_files(warehouse)
        assert not any(rows_for_day(duckdb_path, DAY).values())
        (fetch_spool,) = spool_entries(warehouse)  # the orphan, until the next run

        # 2. Killed while publishing the archive: every file written, the first renamed.
        marker = tmp_path / "stalled-archive"
        writing = start_job(
            env, DAY, DAY, logs, "kill-archiving", "--stall-at", "archive-rename", "--marker", str(marker)
        )
        wait_for(marker.exists, 120, "the archive to be written under temporary names")
        writing.kill()
        assert not fetch_spool.exists(), "the next run removes a dead run's spool"
        assert len(tmp_files(warehouse)) == len(RAW_TABLE_COLUMNS) - 1
        assert (partition_dir(warehouse / "archive", "rejected_records", DAY) / "data.parquet").exists()
        assert archived_dates(warehouse / "archive") == []  # one table renamed is not an archive
        assert archive_batch(warehouse / "archive", DAY) is None
        assert not any(rows_for_day(duckdb_path, DAY).values())

        # 3. Killed while dbt builds the marts: raw is committed, each mart old or new, never half.
        building = start_job(env, DAY, DAY, logs, "kill-dbt")
        wait_for(lambda: dbt_marts_process(building.pgid, duckdb_path), 180, "dbt to build the marts")
        building.kill()
        assert not tmp_files(warehouse) and not spool_entries(warehouse), "leftovers removed"
        complete = rows_for_day(reference.completed().duckdb_path, DAY)
        after_dbt_kill = rows_for_day(duckdb_path, DAY)
        for table in RAW_TABLE_COLUMNS:
            assert after_dbt_kill[f"raw.{table}"] == complete[f"raw.{table}"], table
        assert_partition_absent_or_equal(duckdb_path, complete)
        assert archived_dates(warehouse / "archive") == [DAY]

        # 4. Killed inside the transaction that replaces the (now existing) partition.
        marker = tmp_path / "stalled-commit"
        replacing = start_job(
            env, DAY, DAY, logs, "kill-commit", "--stall-at", "commit", "--marker", str(marker)
        )
        wait_for(marker.exists, 120, "the partition's replacement to await its commit")
        replacing.kill()
        assert rows_for_day(duckdb_path, DAY) == after_dbt_kill  # the previous complete version
        assert archived_dates(warehouse / "archive") == [DAY]

        # 5. The rerun: recovers the killed runs and ends exactly where an uninterrupted run does.
        rerun = start_job(env, DAY, DAY, logs, "rerun")
        assert rerun.wait() == 0, rerun.output()[-5000:]
    killed = [job.result() for job in (fetching, writing, building, replacing)]
    assert killed == [{}, {}, {}, {}]  # none of them got to report
    assert len(rerun.result()["recovered"]) == 1  # the run killed at step 4; earlier ones before
    statuses = run_statuses(warehouse)
    assert list(statuses.values()).count(dg.DagsterRunStatus.FAILURE) == 4
    assert list(statuses.values()).count(dg.DagsterRunStatus.SUCCESS) == 1
    assert not tmp_files(warehouse) and not spool_entries(warehouse)
    assert warehouse_contents(duckdb_path) == warehouse_contents(reference.duckdb_path)
