"""`make rebuild`: recreate the DuckDB warehouse from the Parquet archive alone.

Every archived snapshot is loaded into a new DuckDB file, then the `rebuild_marts` job rebuilds
every dbt model (incremental ones with a full refresh) and the figures. The previous file is kept
beside the new one until the rebuild succeeds.
"""

import argparse
import os
from pathlib import Path

import dagster as dg

from orchestration.date_range_runs import materialize_date_range
from orchestration.defs.hub.raw_store import archived_dates, load_partition_from_archive
from orchestration.instance import prepare_dagster_home
from orchestration.warehouse import WAREHOUSE_DIR_ENV, WarehouseResource

FULL_REFRESH = {"ops": {"dbt_daily_models": {"config": {"full_refresh": True}}}}


def rebuild(warehouse_dir: Path) -> int:
    warehouse = WarehouseResource(directory=str(warehouse_dir))
    dates = archived_dates(warehouse.archive_dir)
    if not dates:
        raise SystemExit(f"nothing to rebuild: no archived snapshot under {warehouse.archive_dir}")
    previous = warehouse.duckdb_path.with_suffix(".duckdb.before-rebuild")
    if warehouse.duckdb_path.exists():
        os.replace(warehouse.duckdb_path, previous)
    with warehouse.connect() as conn:
        for day in dates:
            load_partition_from_archive(conn, warehouse.archive_dir, day)
    os.environ[WAREHOUSE_DIR_ENV] = str(warehouse.root)
    os.environ.setdefault("DAGSTER_HOME", str(prepare_dagster_home(warehouse.root / "dagster_home")))
    from orchestration.definitions import defs

    with dg.DagsterInstance.get() as instance:
        result = materialize_date_range(
            defs(), instance, dates[0], dates[-1], job_name="rebuild_marts", run_config=FULL_REFRESH
        )
    if not result.success:
        raise SystemExit(f"rebuild failed; the previous warehouse is kept at {previous}")
    previous.unlink(missing_ok=True)
    print(f"rebuilt {warehouse.duckdb_path} from {len(dates)} archived snapshots ({dates[0]} .. {dates[-1]})")
    return len(dates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse-dir", default=os.environ.get(WAREHOUSE_DIR_ENV, "warehouse"))
    rebuild(Path(parser.parse_args().warehouse_dir).resolve())


if __name__ == "__main__":
    main()
