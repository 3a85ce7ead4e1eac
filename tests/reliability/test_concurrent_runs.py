"""The schedule, a manual backfill and the UI at once, on one warehouse: no DuckDB lock error.

Two real processes share one Dagster instance (sqlite storage under DAGSTER_HOME, the project's
dagster.yaml) and one warehouse: one evaluates `daily_snapshot_schedule` for a tick and runs its
request, the other runs a two-day single-run backfill, both through `execute_in_process`, whose
executor claims pool slots from the instance's storage like the daemon's runs do. Meanwhile the UI
(`dagster-webserver` over the project's code location) serves the same instance, and a user reads
the Parquet archive, as docs/reliability.md tells them to while the pipeline runs.

Serialisation is read from the event log afterwards: the steps of the "warehouse" pool of the two
runs never overlap in time, and at least one step waited for the other run's ("step blocked by
limit for pool warehouse"), so the pool was actually exercised.
"""

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import urllib.request
from datetime import datetime, timedelta

import dagster as dg
import duckdb
import pytest

from orchestration.warehouse import WarehouseResource
from tests.conftest import REPO_ROOT, free_port
from tests.reliability.runs import DAY, group_members, listening_addresses, pipeline_env, start_job, wait_for

pytestmark = pytest.mark.slow

POOL = "warehouse"
BLOCKED = f"Step blocked by limit for pool {POOL}"
# What DuckDB says when a second process opens a file another one holds.
LOCK_ERRORS = ("could not set lock", "conflicting lock")
TICK = datetime.fromisoformat(f"{DAY.isoformat()}T02:00:00+00:00")
BACKFILL = (DAY - timedelta(days=2), DAY - timedelta(days=1))


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - http on loopback
        return json.loads(response.read())["data"]


def ui_ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def pool_step_intervals(instance: dg.DagsterInstance, run_id: str, pool_steps: set[str]) -> list[tuple]:
    """(start, end) of every step of the pool in a run, from its event log."""
    starts, ends = {}, {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or entry.step_key not in pool_steps:
            continue
        if event.event_type == dg.DagsterEventType.STEP_START:
            starts[entry.step_key] = entry.timestamp
        elif event.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            ends[entry.step_key] = entry.timestamp
    assert starts.keys() == ends.keys() == pool_steps, (starts.keys(), pool_steps)
    return [(starts[key], ends[key], key) for key in pool_steps]


class ArchiveReader(threading.Thread):
    """A user querying the Parquet archive in a loop while runs write: never a lock, never a half day."""

    def __init__(self, archive_dir):
        super().__init__(daemon=True)
        self.archive_dir = archive_dir
        self.stop = threading.Event()
        self.seen: list[dict] = []
        self.errors: list[str] = []

    def run(self) -> None:
        pattern = str(self.archive_dir / "hub_model_snapshots" / "*" / "*.parquet")
        while not self.stop.wait(0.2):
            if not list(self.archive_dir.glob("hub_model_snapshots/*/*.parquet")):
                continue
            try:
                with duckdb.connect() as conn:
                    rows = conn.execute(
                        "select snapshot_date, count(*) from read_parquet(?, hive_partitioning = true) "
                        "group by all",
                        [pattern],
                    ).fetchall()
                self.seen.append({str(day): n for day, n in rows})
            except duckdb.Error as exc:
                self.errors.append(str(exc))


def test_schedule_backfill_and_ui_at_once_never_hit_the_duckdb_lock(hub, tmp_path):
    warehouse = tmp_path / "warehouse"
    env = pipeline_env(hub.endpoint_template, warehouse)
    logs = tmp_path / "logs"
    port = free_port()
    logs.mkdir()
    ui_log = (logs / "ui.log").open("wb")
    webserver = [
        "-m",
        "dagster_webserver",
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-m",
        "orchestration.definitions",
    ]
    ui = subprocess.Popen(
        [sys.executable, *webserver],
        env=env,
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=ui_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    reader = ArchiveReader(warehouse / "archive")
    try:
        scheduled = start_job(env, DAY, DAY, logs, "scheduled", "--schedule-tick", TICK.isoformat())
        backfill = start_job(env, *BACKFILL, logs, "backfill")
        reader.start()
        wait_for(lambda: ui_ready(port), 180, "the Dagster UI", interval_s=0.5)
        codes = (scheduled.wait(), backfill.wait())
        reader.stop.set()
        reader.join(timeout=30)
        runs = graphql(port, "{ runsOrError { ... on Runs { results { runId status } } } }")
        ui_addresses = listening_addresses(port)
    finally:
        if ui.poll() is None:
            os.killpg(ui.pid, signal.SIGINT)
            try:
                ui.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(ui.pid, signal.SIGKILL)
                ui.wait(timeout=30)
        wait_for(lambda: not group_members(ui.pid), 30, "the UI's processes to end")
        ui_log.close()

    outputs = scheduled.output() + backfill.output()
    assert codes == (0, 0), outputs[-6000:]
    assert not [error for error in LOCK_ERRORS if error in outputs.lower()], "a DuckDB lock error"
    scheduled_run, backfill_run = scheduled.result()["run_id"], backfill.result()["run_id"]
    # Each run started while the other was alive: neither took the other for an abandoned run.
    assert scheduled.result()["recovered"] == backfill.result()["recovered"] == []

    # The UI saw both runs succeed, and listens on the loopback address it was given only.
    statuses = {run["runId"]: run["status"] for run in runs["runsOrError"]["results"]}
    assert statuses[scheduled_run] == statuses[backfill_run] == "SUCCESS"
    assert ui_addresses == {"0100007F"}  # 127.0.0.1, and no other address

    # Every step of the "warehouse" pool of one run ran while no such step of the other did.
    with dg.DagsterInstance.from_config(str(warehouse / "dagster_home")) as instance:
        job = instance.get_run_by_id(scheduled_run)
        plan = instance.get_execution_plan_snapshot(job.execution_plan_snapshot_id)
        pool_steps = {step.key for step in plan.steps if step.pool == POOL}
        assert {"raw__hub_model_snapshots", "dbt_models", "dbt_daily_models"} <= pool_steps
        intervals = sorted(
            pool_step_intervals(instance, scheduled_run, pool_steps)
            + pool_step_intervals(instance, backfill_run, pool_steps)
        )
        blocked = [
            entry.step_key
            for run_id in (scheduled_run, backfill_run)
            for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)
            if BLOCKED in entry.message
        ]
        assert instance.event_log_storage.get_pool_limits()  # the pool exists, limit 1
        (limit,) = [pool.limit for pool in instance.event_log_storage.get_pool_limits() if pool.name == POOL]
        assert limit == 1
    for (_, end, first), (start, _, second) in itertools.pairwise(intervals):
        assert end <= start, f"{first} and {second} of the two runs overlapped"
    assert blocked, "no step ever waited for the pool: the runs did not contend"

    # All three days landed; the archive reader never failed nor saw a day change size.
    with WarehouseResource(directory=str(warehouse)).connect(read_only=True) as conn:
        final = dict(
            conn.execute(
                "select snapshot_date::varchar, count(*) from raw.hub_model_snapshots group by all"
            ).fetchall()
        )
        marts_dates = conn.execute("select count(distinct snapshot_date) from marts.class_split").fetchone()[
            0
        ]
    assert sorted(final) == [d.isoformat() for d in (*BACKFILL, DAY)] and marts_dates == 3
    assert reader.errors == []
    assert reader.seen, "the reader never saw the archive"
    for snapshot in reader.seen:
        assert all(final[day] == count for day, count in snapshot.items())
