"""Every dbt unit test of the project (the SQL macros' and models' hand-computed cases) passes.

The fast tier's check of the SQL: dbt builds every relation empty (`--empty`) over the raw tables
as the ingestion creates them, which the unit tests need for their inputs' columns, and runs every
unit test; no data test, no data.
"""

import json

from orchestration.defs.transform.project import dbt_project
from tests.dbt.conftest import Warehouse


def test_every_unit_test_of_the_project_runs_and_passes(tmp_path):
    manifest = json.loads(dbt_project.manifest_path.read_text())
    declared = set(manifest["unit_tests"])
    assert declared, "the project declares unit tests"

    warehouse = Warehouse(tmp_path / "warehouse")
    result = warehouse.dbt("build", "--empty", "--exclude", "test_type:data", unit_tests=True)

    assert result.returncode == 0, result.output[-5000:]
    ran = {r["unique_id"]: r["status"] for r in result.run_results["results"]}
    unit_results = {uid: status for uid, status in ran.items() if uid.startswith("unit_test.")}
    assert set(unit_results) == declared
    assert set(unit_results.values()) == {"pass"}
