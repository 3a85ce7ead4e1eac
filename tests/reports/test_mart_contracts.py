"""The marts are the report's contract: what it reads is checked against dbt's contracts.

The columns the report reads (orchestration/defs/reports/marts.py) must each be in an enforced
dbt contract with a data type. A mismatch stops the code location from loading, with a message
naming the mart and the column, rather than a figure failing at run time.
"""

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.defs.reports.marts import (
    MART_COLUMNS,
    MartContractError,
    check_contracts,
    contract_problems,
    load_manifest,
    read,
)
from tests.conftest import REPO_ROOT

DAGSTER = str(Path(sys.executable).parent / "dagster")


@pytest.fixture(scope="module")
def manifest() -> dict:
    from orchestration.defs.transform.project import dbt_project

    return load_manifest(dbt_project.manifest_path)


def test_every_column_the_report_reads_is_in_an_enforced_contract(manifest):
    assert contract_problems(manifest) == []
    check_contracts(manifest)


def test_a_dropped_column_is_named_with_its_mart(manifest):
    changed = copy.deepcopy(manifest)
    del changed["nodes"]["model.slm_observatory.class_split"]["columns"]["pct"]
    with pytest.raises(MartContractError) as raised:
        check_contracts(changed)
    assert "mart marts.class_split: column 'pct' is not in its dbt contract" in str(raised.value)
    assert "models/marts/class_split.yml" in str(raised.value)


def test_an_unenforced_contract_and_a_missing_type_are_refused(manifest):
    changed = copy.deepcopy(manifest)
    changed["nodes"]["model.slm_observatory.report_rules"]["config"]["contract"]["enforced"] = False
    changed["nodes"]["model.slm_observatory.survival_by_class"]["columns"]["n_at_risk"]["data_type"] = None
    del changed["nodes"]["model.slm_observatory.report_tag_shares"]
    problems = contract_problems(changed)
    assert any(p.startswith("mart marts.report_rules: its contract is not enforced") for p in problems)
    assert any(
        p.startswith("mart marts.survival_by_class: column 'n_at_risk' has no data_type") for p in problems
    )
    assert "mart marts.report_tag_shares: no such dbt model" in problems
    assert len(problems) == 3


def test_a_query_of_an_undeclared_column_is_refused():
    # No connection is needed: the column list is checked before any SQL is written.
    with pytest.raises(MartContractError, match=r"class_split.*'model_id'"):
        read(None, "class_split", ("snapshot_date", "model_id"))  # type: ignore[arg-type]
    assert "model_id" not in MART_COLUMNS["class_split"]


def test_the_definitions_refuse_to_load_over_a_changed_contract(tmp_path):
    # A copy of the dbt project whose class_split contract renames `pct`, which the report reads.
    project = tmp_path / "dbt_project"
    shutil.copytree(
        REPO_ROOT / "dbt_project", project, ignore=shutil.ignore_patterns("target", "dbt_packages", "logs")
    )
    contract = project / "models" / "marts" / "class_split.yml"
    text = contract.read_text(encoding="utf-8")
    assert text.count("      - name: pct\n") == 1
    contract.write_text(text.replace("      - name: pct\n", "      - name: share_pct\n"), encoding="utf-8")
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {
        **os.environ,
        "SLM_OBS_DBT_PROJECT_DIR": str(project),
        "DAGSTER_HOME": str(tmp_path),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    result = subprocess.run(
        [DAGSTER, "definitions", "validate", "-m", "orchestration.definitions"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    assert "MartContractError" in output
    assert "mart marts.class_split: column 'pct' is not in its dbt contract" in output
    # The copy was parsed, not the repository's project.
    assert (project / "target" / "manifest.json").is_file()
