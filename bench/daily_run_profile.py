"""Where a daily run's time goes on a small simulated Hub: the figures behind the test suite's
duration (a pipeline test runs the daily job once per simulated day).

Runs the real `daily_snapshot` job for a few consecutive days over a simulated world (the size
the pipeline tests use), then prints, per day: the run's wall time, each step's time from the
Dagster instance's step stats, and for each dbt step the time dbt itself reports for running its
nodes (`elapsed_time` of the invocation's run_results.json), so that what is left is dbt's start
(imports, the partial parse) and Dagster's handling of its events. Also the time of a bare
`dbt --version` (dbt's imports alone). It sets the pipeline up with the tests' own harness
(tests/pipeline_harness.py) on purpose: what it measures is what a pipeline test runs.

    .venv/bin/python -m bench.daily_run_profile [--days 3] [--models 2000] [--top-n 1000]

Not a target (the targets are `make bench`'s): a measurement to rerun before and after a change
to the daily run's cost.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import dagster as dg

from orchestration.date_range_runs import materialize_date_range
from orchestration.defs.transform.assets import dbt_daily_models, dbt_models
from orchestration.defs.transform.invocation_targets import invocation_folders, target_root
from simulated_hub.world import SyntheticWorld, WorldConfig
from tests.pipeline_harness import ListingSizes, simulated_pipeline

FIRST_DAY = date(2025, 1, 1)
DBT_STEPS = {dbt_models.op.name, dbt_daily_models.op.name}


def dbt_elapsed(targets: Path, step_key: str, run_id: str) -> float:
    """dbt's own time for the step's invocation, from its target folder: a step without one stops
    the profile (its figures would print blank, a wrong folder rather than a measurement)."""
    folders = invocation_folders(targets, step_key, run_id)
    if not folders:
        raise SystemExit(f"no dbt target folder of step {step_key} of run {run_id} in {targets}")
    (folder,) = folders
    return float(json.loads((folder / "run_results.json").read_text())["elapsed_time"])


PLANNED = (
    dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
    dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED,
)


def run_creation(instance: dg.DagsterInstance, run_id: str) -> tuple[float, int]:
    """Seconds from the run's first event to its start, which Dagster spends storing the execution
    plan's planned materialisations and asset check evaluations (one event each), and how many."""
    events = [(r.timestamp, r.dagster_event.event_type) for r in instance.all_logs(run_id) if r.dagster_event]
    started = next(at for at, kind in events if kind == dg.DagsterEventType.RUN_START)
    return started - events[0][0], sum(1 for _, kind in events if kind in PLANNED)


def dbt_import_s() -> float:
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "dbt"), "--version"], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--models", type=int, default=2000)
    parser.add_argument("--top-n", type=int, default=1000)
    args = parser.parse_args()
    days = [FIRST_DAY + timedelta(days=i) for i in range(args.days)]
    world = SyntheticWorld(WorldConfig(today=days[-1], n_models=args.models))
    sizes = ListingSizes(top_n=args.top_n, per_tag_n=200, n_tags=2, page_size=500)
    with tempfile.TemporaryDirectory(prefix="daily_run_profile_") as scratch:
        warehouse = Path(scratch) / "warehouse"
        print(f"daily_snapshot over {args.models:,} models, top {args.top_n:,}, {args.days} days")
        print(f"dbt --version (dbt's imports alone): {dbt_import_s():.1f} s\n")
        print("| day | run | step | step time | dbt's own time | rest of the step |")
        print("| --- | --- | --- | --- | --- | --- |")
        with simulated_pipeline(world, warehouse, sizes) as (_, definitions, instance):
            targets = target_root()  # where the assets put dbt's folders, in the harness's settings
            for day in days:
                started = time.perf_counter()
                result = materialize_date_range(definitions, instance, day, day)
                wall = time.perf_counter() - started
                assert result.success, f"the run of {day} failed"
                stats = sorted(instance.get_run_step_stats(result.run_id), key=lambda s: s.start_time or 0)
                in_steps = sum((s.end_time or 0) - (s.start_time or 0) for s in stats)
                created, planned = run_creation(instance, result.run_id)
                print(f"| {day} | {wall:.1f} s | (outside the steps) | {wall - in_steps:.1f} s | | |")
                print(
                    f"| | | (of which the run's creation: {planned} planned events) | {created:.1f} s | | |"
                )
                for s in stats:
                    took = (s.end_time or 0) - (s.start_time or 0)
                    if took < 0.3:
                        continue
                    cells = " | "
                    if s.step_key in DBT_STEPS:
                        own = dbt_elapsed(targets, s.step_key, result.run_id)
                        cells = f"{own:.1f} s | {took - own:.1f} s"
                    print(f"| | | {s.step_key} | {took:.1f} s | {cells} |")


if __name__ == "__main__":
    main()
