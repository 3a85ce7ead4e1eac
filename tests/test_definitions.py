"""The code location loads, validates, and runs its schedule by default."""

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest

from tests.conftest import REPO_ROOT

DAGSTER = str(Path(sys.executable).parent / "dagster")


@pytest.fixture
def dagster_home(tmp_path, monkeypatch):
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    return tmp_path


def run_dagster(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [DAGSTER, *args, "-m", "orchestration.definitions"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_dagster_definitions_validate_passes(dagster_home):
    result = run_dagster("definitions", "validate")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "All code locations passed validation" in result.stderr + result.stdout


def test_the_daily_schedule_is_listed_as_running(dagster_home):
    result = run_dagster("schedule", "list")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Schedule: daily_snapshot_schedule [RUNNING]" in result.stdout
    assert "Schedule: weekly_census_schedule [RUNNING]" in result.stdout


def test_the_census_schedule_runs_the_census_job_weekly_on_the_days_partition():
    from tests.pipeline_harness import load_definitions

    schedule = load_definitions().resolve_schedule_def("weekly_census_schedule")
    assert schedule.job_name == "hub_census"
    assert schedule.cron_schedule == "0 4 * * 0" and schedule.execution_timezone == "UTC"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    when = datetime(2025, 1, 12, 4, 0, tzinfo=UTC)  # a Sunday
    with dg.build_schedule_context(scheduled_execution_time=when) as context:
        request = schedule(context)
    assert request.partition_key == "2025-01-12"


def test_assets_are_grouped_by_layer_and_described():
    from tests.pipeline_harness import load_definitions

    graph = load_definitions().resolve_asset_graph()
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups["raw/hub_model_snapshots"] == "ingestion"
    assert groups["staging/stg_hub__model_snapshots"] == "staging"
    assert groups["intermediate/int_model_snapshots__classified"] == "intermediate"
    assert groups["marts/class_split"] == "marts"
    assert groups["reports/study_figures"] == "reports"
    undescribed = [
        key.to_user_string() for key in graph.get_all_asset_keys() if not graph.get(key).description
    ]
    assert undescribed == []


def test_only_the_ingestion_jobs_reach_the_hub():
    """`rebuild_marts` (the demo's last step, `make rebuild`) must run with the Hub unreachable."""
    from tests.pipeline_harness import load_definitions

    definitions = load_definitions()
    graph = definitions.resolve_asset_graph()

    def hub_assets(job_name: str) -> set[str]:
        job = definitions.resolve_job_def(job_name)
        return {
            key.to_user_string()
            for key in job.asset_layer.executable_asset_keys
            if "hub" in graph.get(key).assets_def.required_resource_keys
        }

    ingestion = {"raw/hub_model_snapshots", "raw/hub_model_details"}
    assert hub_assets("hub_snapshot") == ingestion
    assert hub_assets("daily_snapshot") == ingestion
    assert hub_assets("rebuild_marts") == set()
    assert hub_assets("hub_census") == {"raw/hub_model_census"}


def test_the_daily_job_checks_every_dbt_test_over_data_and_leaves_the_others_to_make_check():
    """Each dbt data test reading a source (the day's raw rows, through staging) is an asset check
    of the daily job; none reading seeds only is (their verdict changes with the project's files:
    `make check` runs them, tests/dbt/test_unit_tests.py)."""
    from dagster_dbt.asset_utils import DAGSTER_DBT_UNIQUE_ID_METADATA_KEY

    from orchestration.defs.reports.marts import load_manifest
    from orchestration.defs.transform.project import dbt_project
    from tests.dbt.dbt_graph import check_constraints, data_tests_reading_no_source
    from tests.pipeline_harness import load_definitions

    definitions = load_definitions()
    graph = definitions.resolve_asset_graph()
    daily = definitions.resolve_job_def("daily_snapshot").asset_layer.executable_asset_keys
    checked = {
        spec.metadata[DAGSTER_DBT_UNIQUE_ID_METADATA_KEY]
        for key in daily
        for spec in graph.get(key).assets_def.check_specs
        if DAGSTER_DBT_UNIQUE_ID_METADATA_KEY in spec.metadata
    }
    manifest = load_manifest(dbt_project.manifest_path)
    code_only = data_tests_reading_no_source(manifest)
    built_daily = {
        spec.metadata[DAGSTER_DBT_UNIQUE_ID_METADATA_KEY]
        for key in daily
        for spec in graph.get(key).assets_def.specs
        if DAGSTER_DBT_UNIQUE_ID_METADATA_KEY in spec.metadata
    }
    over_data = {
        unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "test"
        and node.get("attached_node") in built_daily
        and unique_id not in code_only
    }
    # floors against a vacuous pass; a column's range or values on a contract table is a CHECK
    # constraint, not a test (tests/test_contract_constraints.py), so the daily job's rules count both
    models = {node for node in built_daily if node.startswith("model.")}
    assert len(code_only) > 50 and len(over_data) + check_constraints(manifest, models) > 250
    assert checked & code_only == set()
    assert checked == over_data
