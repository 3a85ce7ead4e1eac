"""The dbt models as Dagster assets: per-day incremental marts apart from the rest."""

import os
import shutil
import uuid
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.built_dates import build_window, record_built
from orchestration.defs.transform.invocation_targets import invocation_target_path, prune_invocation_targets
from orchestration.defs.transform.project import dbt_project
from orchestration.environment import environment
from orchestration.names import WAREHOUSE_POOL
from orchestration.partitions import daily_partitions, run_days
from orchestration.step_retries import retry_only_transient_failures
from orchestration.warehouse import WAREHOUSE_DIR_ENV, WarehouseResource

# What each daily dbt asset builds is a named dbt selector (dbt_project/selectors.yml), so that
# `dbt build --selector <name>` in a shell selects the same nodes: `daily_marts`, the models that keep
# one row set per snapshot date and rebuild only the dates of the run's window, with the size
# resolution they read; `daily_definitions`, the seeds and staging views, without the data tests
# whose verdict only the project's files can change (`code_only_data_tests`, run by `make check`).
DAILY_MARTS_SELECTOR = "daily_marts"
DAILY_DEFINITIONS_SELECTOR = "daily_definitions"
# The census's models (dbt tag `census`, models/*/census and stg_hub__model_census): built by the
# job hub_census over its census dates only, never by the daily jobs.
CENSUS_MODELS = "tag:census"


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


# The run's window of snapshot dates, read by macros/snapshot_window.sql. Env vars rather than
# `--vars`: dbt parses the whole project again whenever `--vars` differ from its last parse
# (about 4 s of 9 per invocation here), while env vars read only at execution keep the parse.
WINDOW_START_ENV = "SLM_OBS_SNAPSHOT_START_DATE"
WINDOW_END_ENV = "SLM_OBS_SNAPSHOT_END_DATE"
# dbt's unit tests check the SQL against fixed inputs: their verdict changes with the code only,
# never with the day's data, so the fast tier (`make check`: tests/dbt/test_unit_tests.py) and CI
# run them, and the daily builds skip them (a third of the incremental build's node time), as
# dbt's documentation recommends for production builds.
SKIP_UNIT_TESTS = ("--exclude-resource-type", "unit_test")
# dbt's partial-parse state, kept per warehouse: the profile renders the warehouse's path, and
# dbt parses everything again when the profile differs from the parse it starts from.
PARSE_STATE_DIRNAME = "dbt_parse_state"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"


def _window_env(window: tuple[date, date] | None):
    """The window in this process's environment while dbt's command is started (dagster-dbt hands
    dbt a copy of it), then the previous values back: a later run without a window must not
    inherit this one."""
    if window is None:
        return environment({WINDOW_START_ENV: "", WINDOW_END_ENV: ""})
    return environment({WINDOW_START_ENV: window[0].isoformat(), WINDOW_END_ENV: window[1].isoformat()})


def _dbt_build(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    args: list[str],
    window: tuple[date, date] | None,
):
    """`dbt build` over the warehouse, starting from the warehouse's last parse and keeping the new
    one: with an unchanged project only the changed files are parsed again."""
    # dbt runs with its project folder as working directory and a copy of this process's
    # environment: hand it the warehouse as an absolute path so both processes open one file.
    os.environ[WAREHOUSE_DIR_ENV] = str(warehouse.root)
    state = warehouse.root / PARSE_STATE_DIRNAME / PARTIAL_PARSE_FILE
    target_path = invocation_target_path(context)
    try:
        removed = prune_invocation_targets(target_path.parent, context.op_execution_context.op.name)
        if removed:
            context.log.info(f"removed {len(removed)} old dbt target folders from {target_path.parent}")
    except OSError as error:  # a full or read-only disk must not cost the day's build
        context.log.warning(f"could not remove old dbt target folders in {target_path.parent}: {error}")
    if state.exists():
        target_path.mkdir(parents=True, exist_ok=True)
        shutil.copy2(state, target_path / PARTIAL_PARSE_FILE)
    with _window_env(window):
        invocation = dbt.cli([*args, *SKIP_UNIT_TESTS], context=context, target_path=target_path)
    yield from invocation.stream()
    parsed = target_path / PARTIAL_PARSE_FILE
    if parsed.exists():
        # Replaced whole (a reader never sees half a file); a stale or foreign state costs dbt a
        # full parse, never a wrong one (it checks the project's files, vars, profile and version).
        state.parent.mkdir(parents=True, exist_ok=True)
        staged = state.with_name(f".{PARTIAL_PARSE_FILE}.{uuid.uuid4().hex}")
        shutil.copy2(parsed, staged)
        staged.replace(state)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    selector=DAILY_MARTS_SELECTOR,
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
)
def dbt_daily_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    config: DbtBuildConfig,
):
    """Incremental models and the size resolution: the run's partition window, widened to the dates
    of `raw` no build has covered yet (orchestration/built_dates.py), in one dbt build."""
    window = context.partition_time_window
    partition = (window.start.date(), (window.end - timedelta(days=1)).date())
    args = ["build", "--full-refresh"] if config.full_refresh else ["build"]
    with retry_only_transient_failures(context):
        with warehouse.connect() as conn:
            first, last = build_window(conn, *partition)
        if (first, last) != partition:
            context.log.warning(f"catching up: building {first} to {last}, dates no earlier build covered")
        yield from _dbt_build(context, dbt, warehouse, args, (first, last))
        with warehouse.connect() as conn:
            record_built(conn, first, last, context.run.run_id, everything=config.full_refresh)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    selector=DAILY_DEFINITIONS_SELECTOR,
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """Staging views and seeds: definitions and reference data, nothing computed from history."""
    # Unpartitioned, but its data tests check raw and staging rows: in a partitioned run (the
    # schedule, a backfill) only the run's days (macros/data_test_window.sql), else all of them.
    with retry_only_transient_failures(context):
        yield from _dbt_build(context, dbt, warehouse, ["build"], run_days(context.run.tags))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=CENSUS_MODELS,
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
    name="dbt_census_models",
)
def dbt_census_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    config: DbtBuildConfig,
):
    """The census models: the run's census dates only (incremental by census date: a new census
    never rescans the earlier ones), then popularity_bias over every census date."""
    window = context.partition_time_window
    days = (window.start.date(), (window.end - timedelta(days=1)).date())
    args = ["build", "--full-refresh"] if config.full_refresh else ["build"]
    with retry_only_transient_failures(context):
        yield from _dbt_build(context, dbt, warehouse, args, days)
