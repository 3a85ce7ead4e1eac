"""Users query a serving copy that never blocks a run; a day whose load failed is caught up.

One story on one warehouse, every run the real daily job in a process of its own (the real
huggingface_hub client over HTTP to the simulated Hub, DuckDB files, dbt):

1. DAY - 2 runs normally and publishes the serving copy;
2. a user's process opens the serving copy read-only and keeps it open until the end;
3. DAY - 1: every load of the snapshot into the warehouse fails on DuckDB's lock error (injected:
   `job_process --lock-load`); the step is retried with backoff, then the run gives up with a
   message naming the day and the cause; the archive holds the day, the warehouse does not;
4. DAY, as `daily_snapshot_schedule` runs it for its 02:00 tick: it loads DAY - 1 from the archive,
   builds both days, and publishes a new serving copy, while the user's session is still open.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.defs.hub.raw_store import ARCHIVE_FILENAME, SNAPSHOTS_TABLE, partition_dir
from orchestration.step_retries import RETRY_DELAY_ENV, STEP_RETRIES
from tests.conftest import REPO_ROOT
from tests.reliability.runs import (
    DAY,
    RUN_TIMEOUT_S,
    JobProcess,
    pipeline_env,
    rows_for_day,
    start_job,
    wait_for,
)

pytestmark = pytest.mark.slow

FIRST, LOCKED = DAY - timedelta(days=2), DAY - timedelta(days=1)
TICK = datetime.fromisoformat(f"{DAY.isoformat()}T02:00:00+00:00")


@dataclass
class Story:
    warehouse: Path
    locked_run: JobProcess
    locked_code: int
    scheduled_code: int
    scheduled_output: str
    reads: list[dict]
    reader_pid: int
    reader_fds_after: list[str]
    runs_started: float
    runs_ended: float

    @property
    def pipeline_file(self) -> Path:
        return self.warehouse / "observatory.duckdb"

    @property
    def serving_file(self) -> Path:
        return self.warehouse / "observatory-serving.duckdb"


@pytest.fixture(scope="module")
def story(hub, tmp_path_factory) -> Story:
    base = tmp_path_factory.mktemp("serving")
    warehouse, logs = base / "warehouse", base / "logs"
    env = {**pipeline_env(hub.endpoint_template, warehouse), RETRY_DELAY_ENV: "0.2"}
    first = start_job(env, FIRST, FIRST, logs, "first")
    assert first.wait(RUN_TIMEOUT_S) == 0, first.output()[-5000:]
    serving = warehouse / "observatory-serving.duckdb"
    assert serving.exists(), "the first run published no serving copy"

    stop = base / "stop-reading"
    reader_log = (logs / "reader.out").open("w")
    reader = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.serving_reader", str(serving), str(stop)],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdout=reader_log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: '"published"' in (logs / "reader.out").read_text(), 60, "the reader's first read")
        started = time.time()
        locked = start_job(env, LOCKED, LOCKED, logs, "locked", "--lock-load")
        locked_code = locked.wait(RUN_TIMEOUT_S)
        scheduled = start_job(env, DAY, DAY, logs, "scheduled", "--schedule-tick", TICK.isoformat())
        scheduled_code = scheduled.wait(RUN_TIMEOUT_S)
        ended = time.time()
        fds = [os.readlink(fd) for fd in Path(f"/proc/{reader.pid}/fd").iterdir()]
        assert reader.poll() is None, "the reader died during the runs"
        wait_for(lambda: _last_read_at(logs / "reader.out") > ended, 60, "a read after the runs")
    finally:
        stop.touch()
        try:
            reader.wait(timeout=30)
        except subprocess.TimeoutExpired:
            reader.kill()
            reader.wait()
        reader_log.close()
    reads = [
        json.loads(line) for line in (logs / "reader.out").read_text().splitlines() if line.startswith("{")
    ]
    return Story(
        warehouse=warehouse,
        locked_run=locked,
        locked_code=locked_code,
        scheduled_code=scheduled_code,
        scheduled_output=scheduled.output(),
        reads=reads,
        reader_pid=reader.pid,
        reader_fds_after=fds,
        runs_started=started,
        runs_ended=ended,
    )


def _last_read_at(path: Path) -> float:
    reads = [json.loads(line) for line in path.read_text().splitlines() if line.startswith('{"at"')]
    return max((read["at"] for read in reads), default=0.0)


def full_refresh_copy(pipeline_file: Path, directory: Path) -> Path:
    """A copy of the pipeline's file with every dbt model of the daily path rebuilt from all of raw
    (dbt's own CLI); the census's models (tag `census`) are the weekly census job's, which this
    pipeline never ran."""
    directory.mkdir()
    copy = directory / "observatory.duckdb"
    shutil.copyfile(pipeline_file, copy)
    dbt = Path(sys.executable).parent / "dbt"
    project = REPO_ROOT / "dbt_project"
    result = subprocess.run(
        [
            *(
                str(dbt),
                "run",
                "--full-refresh",
                "--exclude",
                "tag:census",
                "--project-dir",
                str(project),
                "--profiles-dir",
                str(project),
            ),
            *("--target-path", str(directory / "target"), "--log-path", str(directory / "logs")),
        ],
        env={
            **os.environ,
            "SLM_OBS_WAREHOUSE_DIR": str(directory),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        },
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    return copy


def dates_of(conn: duckdb.DuckDBPyConnection, schema: str, table: str, column: str = "snapshot_date") -> set:
    return {
        day for (day,) in conn.execute(f'select distinct "{column}" from "{schema}"."{table}"').fetchall()
    }


def marts_with_dates(conn: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        table
        for (table,) in conn.execute(
            "select table_name from information_schema.columns "
            "where table_schema = 'marts' and column_name = 'snapshot_date' order by 1"
        ).fetchall()
    ]


def test_a_reader_holding_the_serving_copy_for_a_whole_run_neither_fails_nor_blocks_it(story):
    assert story.scheduled_code == 0, story.scheduled_output[-5000:]
    assert not [
        error
        for error in ("could not set lock", "conflicting lock")
        if error in story.scheduled_output.lower()
    ]
    # One connection, open before the two runs began and until after they ended, every read fine.
    connected = next(read["connected"] for read in story.reads if "connected" in read)
    closed = next(read["closed"] for read in story.reads if "closed" in read)
    assert connected < story.runs_started and closed > story.runs_ended
    reads = [read for read in story.reads if "at" in read]
    assert [read for read in reads if "error" in read] == []
    assert any(read["at"] > story.runs_ended for read in reads)
    # It kept the copy it opened, whole: the first day only, its marts and raw of one state.
    assert {read["published"] for read in reads} == {FIRST.isoformat()}
    assert all(read["marts"] == read["raw"] == [FIRST.isoformat()] for read in reads)
    # The run replaced the copy by rename: the reader's file is the old, now unlinked, inode.
    assert f"{story.serving_file} (deleted)" in story.reader_fds_after
    # A new connection sees the new day, and the day caught up.
    with duckdb.connect(str(story.serving_file), read_only=True) as conn:
        (published,) = conn.execute("select latest_snapshot_date from meta.publication").fetchone()
        assert published == DAY
        assert dates_of(conn, "marts", "class_split") == {FIRST, LOCKED, DAY}
        # verbatim Hub records and the working tables stay in the pipeline's file (and the archive)
        tables = {
            f"{s}.{t}"
            for s, t in conn.execute("select schema_name, table_name from duckdb_tables()").fetchall()
        }
        assert "raw.hub_model_snapshots" not in tables and "marts.model_daily_downloads" in tables
        assert not [table for table in tables if table.startswith(("intermediate.", "pipeline."))]


def test_a_day_whose_load_keeps_failing_gives_up_after_retries_naming_the_day_and_the_cause(story):
    assert story.locked_code == 1
    output = story.locked_run.output()
    attempts = STEP_RETRIES + 1
    assert output.count("to be retried with backoff: another process holds the warehouse") == STEP_RETRIES
    assert (
        f"daily_snapshot for {LOCKED}, step raw__hub_model_snapshots: gave up after {attempts} attempts "
        "with backoff: another process holds the warehouse's DuckDB file (lock)"
    ) in output
    assert (partition_dir(story.warehouse / "archive", SNAPSHOTS_TABLE, LOCKED) / ARCHIVE_FILENAME).is_file()


def test_a_day_whose_load_failed_is_in_raw_and_every_mart_after_the_next_scheduled_run(story, tmp_path):
    assert story.scheduled_code == 0, story.scheduled_output[-5000:]
    assert f"catching up {LOCKED}" in story.scheduled_output
    archived = partition_dir(story.warehouse / "archive", SNAPSHOTS_TABLE, LOCKED) / ARCHIVE_FILENAME
    with duckdb.connect(str(story.pipeline_file), read_only=True) as conn:
        stored = conn.execute(
            "select listing, rank, model_id, record::varchar from raw.hub_model_snapshots "
            "where snapshot_date = ? order by all",
            [LOCKED],
        ).fetchall()
        expected = conn.execute(
            "select listing, rank, model_id, record::varchar from read_parquet(?) order by all",
            [str(archived)],
        ).fetchall()
        assert stored == expected and len(stored) > 500
        marts = marts_with_dates(conn)
        assert len(marts) >= 8
        assert {"class_split", "tags_by_class", "daily_downloads_by_class"} <= {
            table for table in marts if LOCKED in dates_of(conn, "marts", table)
        }
        # the day's exact downloads: one-day intervals ending on it and on the day after
        intervals = dict(
            conn.execute(
                "select interval_end, count(*) from marts.model_daily_downloads "
                "where interval_status = 'one_day' group by 1"
            ).fetchall()
        )
        assert intervals.get(LOCKED, 0) > 0 and intervals.get(DAY, 0) > 0
        assert dates_of(conn, "pipeline", "built_snapshot_dates") == {FIRST, LOCKED, DAY}
    # Every mart's rows of the caught-up day and after are those a full rebuild from raw gives.
    rebuilt = full_refresh_copy(story.pipeline_file, tmp_path / "rebuilt")
    for day in (LOCKED, DAY):
        assert rows_for_day(story.pipeline_file, day) == rows_for_day(rebuilt, day), day


def test_make_sql_opens_the_serving_copy_read_only(story):
    def shell(statement: str) -> str:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "orchestration.sql_shell",
                "--warehouse-dir",
                str(story.warehouse),
                "--python",
            ],
            input=statement,
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert DAY.isoformat() in shell("select latest_snapshot_date from meta.publication;\n")
    refused = shell("create table marts.scratch (x int);\n")
    assert "read-only" in refused
    with duckdb.connect(str(story.serving_file), read_only=True) as conn:
        assert not conn.execute("select * from duckdb_tables() where table_name = 'scratch'").fetchall()
