"""The project's dbt resource (orchestration/defs/transform/dbt_cli.py) against the real dbt CLI
and the dagster-dbt it overrides: the version it states is the one `dbt --version` prints (dbt
Core's line; that command also asks PyPI for the latest release), it still runs dbt, and the
members it replaces still exist upstream (an upgrade that renames them must fail here, not
silently bring back their cost)."""

import re
import subprocess
from functools import cached_property

from dagster_dbt import DbtCliResource
from packaging import version

from orchestration.defs.transform.dbt_cli import ObservatoryDbtCliResource
from orchestration.defs.transform.project import dbt_project
from orchestration.environment import environment
from tests.dbt.conftest import DBT


def test_the_overridden_members_are_dagster_dbts():
    assert isinstance(DbtCliResource.__dict__.get("_cli_version"), cached_property)
    assert callable(DbtCliResource.__dict__.get("_initialize_dbt_core_adapter"))


def test_the_version_is_the_one_dbt_prints():
    printed = subprocess.run([str(DBT), "--version"], capture_output=True, text=True, check=True).stdout
    core = re.search(r"installed:\s*(\d+\.\d+\.\d+)", printed)  # "Core:\n  - installed: 1.11.16"
    assert core, printed
    assert ObservatoryDbtCliResource(project_dir=dbt_project)._cli_version == version.parse(core.group(1))


def test_it_runs_dbt_without_an_adapter_in_process(tmp_path):
    resource = ObservatoryDbtCliResource(project_dir=dbt_project)
    with environment({"SLM_OBS_WAREHOUSE_DIR": str(tmp_path)}):
        invocation = resource.cli(["ls", "--select", "report_rules"], target_path=tmp_path / "target")
        listed = [event.raw_event["info"]["msg"] for event in invocation.stream_raw_events()]
    assert invocation.is_successful()
    assert invocation.adapter is None
    assert "slm_observatory.marts.report.report_rules" in listed
