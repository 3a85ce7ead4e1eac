"""A pipeline run in a process of its own, for tests that kill it or run several at once.

    python -m tests.reliability.job_process --job daily_snapshot --first 2025-01-07 --last 2025-01-07
    python -m tests.reliability.job_process --schedule-tick 2025-01-08T02:00:00+00:00

Loads the project's real Definitions from the environment (SLM_OBS_*, DAGSTER_HOME), recovers runs
that a killed process left behind on the instance (as a script launching runs must), and runs
`materialize_date_range` on the persistent instance (a single-run backfill, as the UI launches one),
or, with `--schedule-tick`, evaluates `daily_snapshot_schedule` at that time and runs its request
as the daemon would. Exit code 0 when the run succeeded, 1 when it
failed. The result is printed as one JSON line.

`--stall-at` makes the process stop at one precise point of the write path and wait there (bounded)
for the test to kill it, after touching `<marker>`: `archive-rename` (every Parquet file of the day
is written under its temporary name and the first one renamed into place; the next one is synced,
not renamed), `commit` (the DuckDB transaction has replaced the partition and not yet committed).
Production code is unchanged: the stall wraps two of its functions.

`--lock-load` makes every warehouse load of a snapshot fail as when another process holds the
DuckDB file past the connection's wait (DuckDB's lock error); the archive is written first.
"""

import argparse
import json
import os
import sys
import time
from datetime import date, datetime
from pathlib import Path

STALL_LIMIT_S = 120.0


def _stall(marker: Path) -> None:
    marker.touch()
    deadline = time.monotonic() + STALL_LIMIT_S
    while time.monotonic() < deadline:  # the test kills us long before
        time.sleep(0.05)
    sys.exit(3)


def _install_stall(point: str, marker: Path) -> None:
    from orchestration.defs.hub import assets, raw_store

    if point == "archive-rename":
        original_rename = raw_store.fsync_and_rename
        renamed = []

        def rename_once_then_stall(tmp_path: Path, final_path: Path) -> None:
            if renamed:
                with tmp_path.open("rb") as handle:
                    os.fsync(handle.fileno())
                _stall(marker)
            original_rename(tmp_path, final_path)
            renamed.append(final_path)

        raw_store.fsync_and_rename = rename_once_then_stall
    elif point == "commit":
        original_load = raw_store.load_partition_from_archive

        class StallBeforeCommit:
            def __init__(self, conn):
                self._conn = conn

            def execute(self, sql, *args, **kwargs):
                if sql.strip().lower() == "commit":
                    _stall(marker)
                return self._conn.execute(sql, *args, **kwargs)

            def __getattr__(self, name):
                return getattr(self._conn, name)

        def load_then_stall(conn, archive_dir, snapshot_date):
            return original_load(StallBeforeCommit(conn), archive_dir, snapshot_date)

        assets.load_partition_from_archive = load_then_stall
    else:
        raise SystemExit(f"unknown stall point {point!r}")


def _install_lock_on_load() -> None:
    import duckdb

    from orchestration.defs.hub import assets

    def locked(conn, archive_dir, snapshot_date):
        raise duckdb.IOException(
            f'IO Error: Could not set lock on file "{archive_dir.parent / "observatory.duckdb"}": '
            f"Conflicting lock is held in {sys.executable} (PID {os.getpid()})"
        )

    assets.load_partition_from_archive = locked


def _run_schedule_tick(definitions, instance, tick: datetime):
    import dagster as dg

    schedule = definitions.resolve_schedule_def("daily_snapshot_schedule")
    context = dg.build_schedule_context(instance=instance, scheduled_execution_time=tick)
    (request,) = schedule.evaluate_tick(context).run_requests
    job = definitions.resolve_job_def(schedule.job_name)
    return job.execute_in_process(instance=instance, partition_key=request.partition_key, tags=request.tags)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--job", default="daily_snapshot")
    parser.add_argument("--first", type=date.fromisoformat)
    parser.add_argument("--last", type=date.fromisoformat)
    parser.add_argument("--schedule-tick", type=datetime.fromisoformat)
    parser.add_argument("--stall-at", choices=["archive-rename", "commit"])
    parser.add_argument("--marker", type=Path)
    parser.add_argument("--lock-load", action="store_true")
    args = parser.parse_args(argv)

    import dagster as dg

    from orchestration.date_range_runs import materialize_date_range
    from orchestration.instance import fail_abandoned_runs
    from tests.pipeline_harness import load_definitions

    if args.stall_at:
        _install_stall(args.stall_at, args.marker)
    if args.lock_load:
        _install_lock_on_load()
    definitions = load_definitions()
    with dg.DagsterInstance.get() as instance:
        recovered = fail_abandoned_runs(instance)
        if args.schedule_tick:
            result = _run_schedule_tick(definitions, instance, args.schedule_tick)
        else:
            result = materialize_date_range(definitions, instance, args.first, args.last, job_name=args.job)
        print(json.dumps({"run_id": result.run_id, "success": result.success, "recovered": recovered}))
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
