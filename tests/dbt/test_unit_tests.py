"""Every dbt unit test of the project (the SQL macros' and models' hand-computed cases) passes.

The fast tier's check of the SQL: dbt builds every relation empty (`--empty`) over the raw tables
as the ingestion creates them, which the unit tests need for their inputs' columns, and runs every
unit test; no data test, no data. Its parse of the project also shows every mart documented: a
`.yml` entry with a description, an enforced contract, a description per column, data tests.

Also the data tests that read no source (selector `code_only_data_tests`, dbt_project/selectors.yml):
their inputs are seeds and models over seeds only, so the files decide their verdict and the daily
builds leave them to this tier (tests/test_definitions.py holds the assets to that); here they run
over the seeds' real rows.
"""

import json

import pytest

from tests.dbt.conftest import DbtResult, Warehouse
from tests.dbt.dbt_graph import ancestors, data_tests_reading_no_source


@pytest.fixture(scope="module")
def empty_build(tmp_path_factory) -> tuple[Warehouse, DbtResult]:
    warehouse = Warehouse(tmp_path_factory.mktemp("unit_tests") / "warehouse")
    return warehouse, warehouse.dbt("build", "--empty", "--exclude", "test_type:data", unit_tests=True)


@pytest.fixture(scope="module")
def manifest(empty_build) -> dict:
    """dbt's parse of the project as it is now: the manifest the build above wrote."""
    warehouse, _ = empty_build
    return json.loads((warehouse.target_path / "manifest.json").read_text())


@pytest.fixture(scope="module")
def code_only_run(empty_build, manifest) -> tuple[set[str], DbtResult]:
    """The tests reading no source, found from dbt's graph here, run with their inputs (seeds,
    models over seeds) built with their rows, in one dbt build."""
    warehouse, _ = empty_build
    expected = data_tests_reading_no_source(manifest)
    names = sorted(manifest["nodes"][node]["name"] for node in expected | ancestors(manifest, expected))
    return expected, warehouse.dbt("build", "--select", *names, "--indirect-selection", "empty")


def test_the_data_tests_over_seeds_only_run_here_and_pass(code_only_run, manifest):
    expected, result = code_only_run
    assert result.returncode == 0, result.output[-5000:]
    results = result.run_results["results"]
    ran = {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("test.")}
    # every seed's tests and those of the tables computed from seeds (report_rules, ...)
    attached = {manifest["nodes"][unique_id]["attached_node"] for unique_id in expected}
    assert {node.split(".")[0] for node in attached} == {"seed", "model"}
    assert any(node.endswith(".report_rules") for node in attached)
    assert set(ran) == expected
    assert set(ran.values()) == {"pass"}


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
