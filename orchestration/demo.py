"""`make demo`: a simulated Hub, weeks of daily snapshots, the marts and the figures, in minutes.

The demo runs the production code path: the real Definitions' `hub_snapshot` job for each run of
consecutive days, then `rebuild_marts` once over the whole window (a single-run backfill, as the
UI launches it), on a persistent Dagster instance, through the real huggingface_hub client, against
a simulated Hub serving each day's state under `/as-of/<date>`. One day is deliberately skipped,
as a missed run would be, so the history shows a gap. Then one census of the whole simulated Hub
on the last day (the `hub_census` job, paced as for the live Hub), beside its top-N snapshot,
and the last day's marts and report once more so that they show the census.
"""

import argparse
import os
import time
from datetime import date, timedelta
from pathlib import Path

import dagster as dg

from orchestration.date_range_runs import contiguous_ranges, materialize_date_range
from orchestration.instance import prepare_dagster_home
from orchestration.warehouse import WAREHOUSE_DIR_ENV, WarehouseResource
from simulated_hub.process import simulated_hub_process

DEMO_END = date(2025, 1, 8)  # the day the real recorded listing in ../shared was taken


def demo_days(end: date, n_days: int, missed: date | None) -> list[date]:
    days = [end - timedelta(days=offset) for offset in reversed(range(n_days))]
    return [day for day in days if day != missed]


def run_demo(warehouse_dir: Path, days: list[date], n_models: int) -> None:
    with simulated_hub_process(n_models=n_models, today=days[-1]) as endpoint_template:
        os.environ["SLM_OBS_HUB_ENDPOINT"] = endpoint_template
        os.environ[WAREHOUSE_DIR_ENV] = str(warehouse_dir)
        os.environ["DAGSTER_HOME"] = str(prepare_dagster_home(warehouse_dir / "dagster_home"))
        from orchestration.definitions import defs

        definitions = defs()
        with dg.DagsterInstance.get() as instance:
            # Snapshot each run of consecutive days, then build the models and figures once over
            # the whole window: a gap day simply has no rows.
            for first, last in contiguous_ranges(days):
                print(f"snapshotting {first} .. {last} in one run", flush=True)
                _require(materialize_date_range(definitions, instance, first, last, job_name="hub_snapshot"))
            print(f"building models and figures for {days[0]} .. {days[-1]} in one run", flush=True)
            _require(
                materialize_date_range(definitions, instance, days[0], days[-1], job_name="rebuild_marts")
            )
            print(f"census of every model on {days[-1]}, then its marts", flush=True)
            _require(materialize_date_range(definitions, instance, days[-1], days[-1], job_name="hub_census"))
            # The census runs after the day's marts (its popularity_bias reads them), as the
            # weekly schedule does; the last day's marts and report again, now with the census.
            print(f"the marts and report of {days[-1]} again, with the census", flush=True)
            _require(
                materialize_date_range(definitions, instance, days[-1], days[-1], job_name="rebuild_marts")
            )


def _require(result: dg.ExecuteInProcessResult) -> None:
    if not result.success:
        raise SystemExit(f"demo run {result.run_id} failed: see the Dagster UI (make dev-demo)")


def print_summary(warehouse_dir: Path) -> None:
    warehouse = WarehouseResource(directory=str(warehouse_dir))
    with warehouse.connect(read_only=True) as conn:
        dates = conn.execute(
            "select count(distinct snapshot_date), min(snapshot_date), max(snapshot_date) "
            "from raw.hub_model_snapshots"
        ).fetchone()
        rows = conn.execute("select count(*) from raw.hub_model_snapshots").fetchone()[0]
        marts = conn.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()
        mart_counts = {
            name: conn.execute(f'select count(*) from marts."{name}"').fetchone()[0] for (name,) in marts
        }
    latest_figures = warehouse.figures_dir / dates[2].isoformat()
    figures = sorted(latest_figures.glob("*.png"))
    print()
    print(f"Warehouse   {warehouse.duckdb_path}")
    print(f"Snapshots   {dates[0]} dates, {dates[1]} .. {dates[2]}, {rows:,} raw rows")
    for name, count in mart_counts.items():
        print(f"  marts.{name:<40} {count:>9,} rows")
    print(f"Figures     {len(figures)} PNGs in {latest_figures}")
    print(f"Archive     {warehouse.archive_dir}")
    print(f"Query it    make sql WAREHOUSE={warehouse_dir} (the serving copy {warehouse.serving_path})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse-dir", default="warehouse/demo")
    parser.add_argument("--end-date", type=date.fromisoformat, default=DEMO_END)
    parser.add_argument("--days", type=int, default=46, help="calendar days, missed day included")
    parser.add_argument("--missed-day-offset", type=int, default=35, help="days before the end; -1: none")
    parser.add_argument("--n-models", type=int, default=20_000)
    args = parser.parse_args()

    warehouse_dir = Path(args.warehouse_dir).resolve()
    missed = args.end_date - timedelta(days=args.missed_day_offset) if args.missed_day_offset >= 0 else None
    days = demo_days(args.end_date, args.days, missed)
    started = time.monotonic()
    run_demo(warehouse_dir, days, args.n_models)
    print_summary(warehouse_dir)
    print(f"Done in {time.monotonic() - started:.0f} s; missed day on purpose: {missed}")


if __name__ == "__main__":
    main()
