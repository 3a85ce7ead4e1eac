"""Every dbt unit test of the project (the SQL macros' and models' hand-computed cases) passes.

The fast tier's check of the SQL: dbt builds every relation empty (`--empty`) over the raw tables
as the ingestion creates them, which the unit tests need for their inputs' columns, and runs every
unit test; no data test, no data. Its parse of the project also shows every mart documented: a
`.yml` entry with a description, an enforced contract, a description per column, data tests.
"""

import json

import pytest

from tests.dbt.conftest import DbtResult, Warehouse


@pytest.fixture(scope="module")
def empty_build(tmp_path_factory) -> tuple[Warehouse, DbtResult]:
    warehouse = Warehouse(tmp_path_factory.mktemp("unit_tests") / "warehouse")
    return warehouse, warehouse.dbt("build", "--empty", "--exclude", "test_type:data", unit_tests=True)


@pytest.fixture(scope="module")
def manifest(empty_build) -> dict:
    """dbt's parse of the project as it is now: the manifest the build above wrote."""
    warehouse, _ = empty_build
    return json.loads((warehouse.target_path / "manifest.json").read_text())


def test_every_unit_test_of_the_project_runs_and_passes(empty_build, manifest):
    declared = set(manifest["unit_tests"])
    assert declared, "the project declares unit tests"
    _, result = empty_build
    assert result.returncode == 0, result.output[-5000:]
    ran = {r["unique_id"]: r["status"] for r in result.run_results["results"]}
    unit_results = {uid: status for uid, status in ran.items() if uid.startswith("unit_test.")}
    assert set(unit_results) == declared
    assert set(unit_results.values()) == {"pass"}


def test_every_mart_has_a_description_a_contract_and_data_tests(manifest):
    tested = {
        dep
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test"
        for dep in node["depends_on"]["nodes"]
    }
    marts = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["original_file_path"].startswith("models/marts/")
    }
    assert len(marts) >= 40
    missing = {
        name: [
            what
            for what, ok in (
                ("yml", node["patch_path"]),
                ("description", node["description"]),
                ("enforced contract", node["config"].get("contract", {}).get("enforced")),
                ("column descriptions", all(c.get("description") for c in node["columns"].values())),
                ("data tests", node["unique_id"] in tested),
            )
            if not ok
        ]
        for name, node in marts.items()
    }
    assert {name: what for name, what in missing.items() if what} == {}
