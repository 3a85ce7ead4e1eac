"""A persistent Dagster instance directory (DAGSTER_HOME) with the project's settings."""

from pathlib import Path

import dagster as dg

from orchestration.warehouse import process_alive

# Run retries relaunch a run whose process died (not a step that failed: the jobs' retry policy,
# orchestration/step_retries.py, retries those), for runs the daemon launches.
# Telemetry off; runs wait in a queue, and every asset writing the DuckDB file shares the
# "warehouse" pool with one slot: DuckDB admits a single writing process at a time.
# The pool is enforced per step ("op" granularity, Dagster's default) through the instance's
# storage, so it holds across processes sharing this DAGSTER_HOME, `execute_in_process` included;
# orchestration/pool_slots.py makes the storage's claim of a slot strict.
DAGSTER_YAML = """\
telemetry:
  enabled: false
run_coordinator:
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator
concurrency:
  pools:
    default_limit: 1
run_retries:
  enabled: true
  max_retries: 2
  retry_on_asset_or_op_failure: false
"""

# Runs that may still have a live process, and so may hold a pool slot.
_UNFINISHED = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]


def prepare_dagster_home(directory: Path) -> Path:
    """Write dagster.yaml if absent, and create the instance's storage once, now.

    Creating the sqlite storage runs its migrations; two processes doing it at the same time on a
    new DAGSTER_HOME (the UI and a run, or two runs) fail with an alembic error, so it is done here,
    before any of them starts.
    """
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    if not (directory / "history").exists():  # where the sqlite run and event storage live
        with dg.DagsterInstance.from_config(str(directory)):
            pass
    return directory


def fail_abandoned_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark failed the unfinished script runs whose every process is gone, and free their pool slots.

    A run whose process is killed (SIGKILL, OOM, a reboot) stays STARTED forever and keeps the
    "warehouse" slot it held: every later run would wait for that slot without end. A run records
    the pid of each process executing its steps (Dagster's "Executing steps in process (pid: N)"
    engine events); when none of them is alive on this machine any more, nothing can finish it.

    Only runs a script started in its own process (`execute_in_process`: no remote origin) are
    considered, and this must be called on the machine that ran them, before launching new ones.
    Runs launched by the daemon or the UI run elsewhere (a code server, maybe another container):
    Dagster's run monitoring handles those (docs/reliability.md). Runs without a recorded pid have
    not started a step, hold no slot, and are left alone.
    """
    abandoned = []
    for record in instance.get_run_records(dg.RunsFilter(statuses=_UNFINISHED)):
        run = record.dagster_run
        if run.remote_job_origin is not None:
            continue
        pids = _step_process_ids(instance, run.run_id)
        if not pids or any(process_alive(pid) for pid in pids):
            continue
        instance.report_run_failed(
            run, message=f"the run's processes ({', '.join(map(str, sorted(pids)))}) are gone: abandoned"
        )
        if instance.event_log_storage.supports_global_concurrency_limits:
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        abandoned.append(run.run_id)
    return abandoned


def _step_process_ids(instance: dg.DagsterInstance, run_id: str) -> set[int]:
    pids = set()
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        data = entry.dagster_event.engine_event_data if entry.dagster_event else None
        pid = data.metadata.get("pid") if data is not None and data.metadata else None
        if pid is not None and str(pid.value).isdigit():
            pids.add(int(pid.value))
    return pids
