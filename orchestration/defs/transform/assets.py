"""The dbt models as Dagster assets: per-day incremental marts apart from the rest."""

import json
import os
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.built_dates import build_window, record_built
from orchestration.defs.transform.project import dbt_project
from orchestration.partitions import daily_partitions, run_days
from orchestration.step_retries import retry_only_transient_failures
from orchestration.warehouse import WAREHOUSE_DIR_ENV, WarehouseResource

# Models that keep one row set per snapshot date and only rebuild the dates of the run's window,
# with the size resolution between them: `int_hub_models` (incremental on model_id) feeds the
# model sizes and the classification that the incremental marts read, so they build in one run.
INCREMENTAL_MODELS = "config.materialized:incremental int_hub_models+"


class ObservatoryDbtTranslator(DagsterDbtTranslator):
    """Asset keys `<schema>/<model>` and groups named after the dbt layer."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["schema"]


translator = ObservatoryDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


class DbtBuildConfig(dg.Config):
    """Set `full_refresh` to rebuild incremental models from all of `raw` instead of the run's window."""

    full_refresh: bool = False


def _window_vars(first_day: date, last_day: date) -> str:
    """dbt's `--vars` for a window of snapshot dates (dbt_project.yml: snapshot_start_date)."""
    window = {"snapshot_start_date": first_day.isoformat(), "snapshot_end_date": last_day.isoformat()}
    return json.dumps(window)


def _dbt_env(warehouse: WarehouseResource) -> None:
    # dbt runs with its project folder as working directory and a copy of this process's
    # environment: hand it the warehouse as an absolute path so both processes open one file.
    os.environ[WAREHOUSE_DIR_ENV] = str(warehouse.root)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=INCREMENTAL_MODELS,
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    dagster_dbt_translator=translator,
    pool="warehouse",
)
def dbt_daily_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    config: DbtBuildConfig,
):
    """Incremental models and the size resolution: the run's partition window, widened to the dates
    of `raw` no build has covered yet (orchestration/built_dates.py), in one dbt build."""
    _dbt_env(warehouse)
    window = context.partition_time_window
    with retry_only_transient_failures(context):
        first, last = window.start.date(), (window.end - timedelta(days=1)).date()
        with warehouse.connect() as conn:
            first, last = build_window(conn, first, last)
        if (first, last) != (window.start.date(), (window.end - timedelta(days=1)).date()):
            context.log.warning(f"catching up: building {first} to {last}, dates no earlier build covered")
        args = ["build", "--vars", _window_vars(first, last)]
        if config.full_refresh:
            args.append("--full-refresh")
        yield from dbt.cli(args, context=context).stream()
        with warehouse.connect() as conn:
            record_built(conn, first, last, context.run_id, everything=config.full_refresh)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    exclude=INCREMENTAL_MODELS,
    dagster_dbt_translator=translator,
    pool="warehouse",
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """Staging views and seeds: definitions and reference data, nothing computed from history."""
    _dbt_env(warehouse)
    args = ["build"]
    # Unpartitioned, but its data tests check raw and staging rows: in a partitioned run (the
    # schedule, a backfill) only the run's days (macros/data_test_window.sql), else all of them.
    days = run_days(context.run.tags)
    if days is not None:
        args += ["--vars", _window_vars(*days)]
    with retry_only_transient_failures(context):
        yield from dbt.cli(args, context=context).stream()
