"""docs/reliability.md's table of faults cannot drift from the tests nor from `FaultPlan`."""

import ast
import dataclasses
import re

from simulated_hub.faults import FaultPlan
from tests.conftest import REPO_ROOT

DOC = REPO_ROOT / "docs" / "reliability.md"
TESTS_DIR = REPO_ROOT / "tests" / "reliability"
# FaultPlan fields that switch a fault on, and the fault each one names.
TRIGGER_SUFFIXES = ("_every", "_from_item", "_days_per_page")
REFERENCE = re.compile(r"`(test_[a-z_]+\.py)::(test_[a-z0-9_]+)(?:\[([^\]]+)\])?`")


def fault_rows() -> list[list[str]]:
    section = DOC.read_text().split("## Faults tried", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    assert rows[0].startswith("| fault |")
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[1:]]


def defined_tests(path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }


def test_every_test_named_in_the_table_exists():
    references = [ref for _, how, _ in fault_rows() for ref in REFERENCE.findall(how)]
    assert len(references) >= 20
    for filename, function, case in references:
        path = TESTS_DIR / filename
        assert path.is_file(), filename
        assert function in defined_tests(path), f"{filename}::{function}"
        if case:
            assert f'id="{case}"' in path.read_text(), f"{filename}::{function}[{case}]"


def test_every_row_names_a_test_and_an_outcome():
    for fault, how, outcome in fault_rows():
        assert REFERENCE.search(how), fault
        assert len(outcome) > 10, fault


def test_every_fault_of_the_fault_plan_is_in_the_table():
    faults = {
        field.name.removesuffix(suffix)
        for field in dataclasses.fields(FaultPlan)
        for suffix in TRIGGER_SUFFIXES
        if field.name.endswith(suffix)
    }
    assert faults >= {
        "rate_limit",
        "server_error",
        "drop",
        "truncate",
        "non_json",
        "bad_link",
        "invalid_record",
    }
    assert {"gateway_timeout", "slow", "drift"} <= faults
    listed = {name for fault, _, _ in fault_rows() for name in re.findall(r"`([a-z_]+)`", fault)}
    assert faults <= listed, faults - listed


def test_the_three_kill_points_are_in_the_table():
    kills = [fault for fault, _, _ in fault_rows() if fault.startswith("SIGKILL")]
    assert [kill.split()[2] for kill in kills] == ["fetching", "writing", "dbt"]
