"""`make rebuild`: recreate the DuckDB warehouse from the Parquet archive alone.

Every archived snapshot, every base model fetched apart from them and every archived census are
loaded into a new DuckDB file, then the `rebuild_marts` job rebuilds every dbt model (incremental
ones with a full refresh) and the figures, and `rebuild_census_marts` the census models. The
previous file is kept beside the new one until the rebuild succeeds.

The new file is claimed for the kind of Hub the archive came from (a simulated Hub's endpoint
carries the snapshot date, `/as-of/YYYY-MM-DD`; the live Hub's does not), so a rebuilt demo
warehouse still refuses live data. Dates whose archive is incomplete are reported, not loaded.
"""

import argparse
import os
from pathlib import Path

import dagster as dg

from orchestration.date_range_runs import materialize_date_range
from orchestration.defs.hub.base_model_details import load_details_from_archive
from orchestration.defs.hub.census import archived_census_dates, load_census_from_archive
from orchestration.defs.hub.raw_store import (
    archived_dates,
    claim_warehouse,
    incomplete_archive_dates,
    load_partition_from_archive,
)
from orchestration.instance import fail_abandoned_runs, prepare_dagster_home
from orchestration.warehouse import WAREHOUSE_DIR_ENV, WarehouseResource

FULL_REFRESH = {"ops": {"dbt_daily_models": {"config": {"full_refresh": True}}}}
CENSUS_FULL_REFRESH = {"ops": {"dbt_census_models": {"config": {"full_refresh": True}}}}


def rebuild(warehouse_dir: Path) -> int:
    warehouse = WarehouseResource(directory=str(warehouse_dir))
    dates = archived_dates(warehouse.archive_dir)
    if not dates:
        raise SystemExit(f"nothing to rebuild: no archived snapshot under {warehouse.archive_dir}")
    for day in incomplete_archive_dates(warehouse.archive_dir):
        print(f"skipping {day}: its archive is incomplete (run that partition again)")
    previous = warehouse.duckdb_path.with_suffix(".duckdb.before-rebuild")
    if warehouse.duckdb_path.exists():
        os.replace(warehouse.duckdb_path, previous)
    with warehouse.connect() as conn:
        for day in dates:
            load_partition_from_archive(conn, warehouse.archive_dir, day)
        load_details_from_archive(conn, warehouse.archive_dir)
        census_dates = archived_census_dates(warehouse.archive_dir)
        for day in census_dates:
            load_census_from_archive(conn, warehouse.archive_dir, day)
        claim_warehouse(conn, hub_kind=_archived_hub_kind(conn))
    os.environ[WAREHOUSE_DIR_ENV] = str(warehouse.root)
    os.environ.setdefault("DAGSTER_HOME", str(prepare_dagster_home(warehouse.root / "dagster_home")))
    from orchestration.definitions import defs

    with dg.DagsterInstance.get() as instance:
        fail_abandoned_runs(instance)  # a killed run's pool slot would block the rebuild forever
        result = materialize_date_range(
            defs(), instance, dates[0], dates[-1], job_name="rebuild_marts", run_config=FULL_REFRESH
        )
        if result.success and census_dates:
            result = materialize_date_range(
                defs(),
                instance,
                census_dates[0],
                census_dates[-1],
                job_name="rebuild_census_marts",
                run_config=CENSUS_FULL_REFRESH,
            )
    if not result.success:
        raise SystemExit(f"rebuild failed; the previous warehouse is kept at {previous}")
    previous.unlink(missing_ok=True)
    print(f"rebuilt {warehouse.duckdb_path} from {len(dates)} archived snapshots ({dates[0]} .. {dates[-1]})")
    if census_dates:
        print(f"and {len(census_dates)} archived censuses ({census_dates[0]} .. {census_dates[-1]})")
    return len(dates)


def _archived_hub_kind(conn) -> str:
    kinds = {
        "simulated" if simulated else "live"
        for (simulated,) in conn.execute(
            "select distinct contains(endpoint, strftime(snapshot_date, '/as-of/%Y-%m-%d')) "
            "from raw.hub_listing_runs"
        ).fetchall()
    }
    if len(kinds) != 1:
        raise SystemExit(f"the archive mixes live and simulated snapshots ({sorted(kinds)}): not rebuilt")
    return kinds.pop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse-dir", default=os.environ.get(WAREHOUSE_DIR_ENV, "warehouse"))
    rebuild(Path(parser.parse_args().warehouse_dir).resolve())


if __name__ == "__main__":
    main()
