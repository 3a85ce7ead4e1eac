"""The suite's hand-out order (tests/conftest.py) names groups that exist, and `make test` keeps it."""

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import (
    GROUPS_HEAVIEST_FIRST,
    ONE_GROUP_PER_TEST,
    OWN_GROUP_FILES,
    REPO_ROOT,
    SHARED_WORLD_GROUPS,
)

TESTS_DIR = REPO_ROOT / "tests"


def test_every_ranked_group_is_a_folder_or_a_shared_world():
    folders = {path.name for path in TESTS_DIR.iterdir() if path.is_dir() and any(path.glob("test_*.py"))}
    groups = folders | set(SHARED_WORLD_GROUPS.values())
    assert set(GROUPS_HEAVIEST_FIRST) <= groups, set(GROUPS_HEAVIEST_FIRST) - groups
    assert len(set(GROUPS_HEAVIEST_FIRST)) == len(GROUPS_HEAVIEST_FIRST)
    assert set(ONE_GROUP_PER_TEST) <= folders


def test_a_folder_split_per_test_has_no_shared_fixture():
    """A test of such a folder may run on either worker: a fixture it shared would be built twice."""
    for folder in ONE_GROUP_PER_TEST:
        for path in (TESTS_DIR / folder).glob("*.py"):
            assert not re.search(r"scope\s*=\s*[\"'](session|module|package)", path.read_text()), path


def _fixtures(path: Path) -> dict[str, tuple[str, list[str]]]:
    """A file's pytest fixtures: name -> (scope, the fixtures it requests)."""
    found = {}
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call else decorator
            if ast.unparse(target) == "pytest.fixture":
                scopes = [k.value.value for k in (call.keywords if call else []) if k.arg == "scope"]
                found[node.name] = (scopes[0] if scopes else "function", [a.arg for a in node.args.args])
    return found


def test_a_file_grouped_alone_uses_none_of_its_folders_shared_fixtures():
    """Such a file may run on the other worker: a session fixture of its folder's conftest that
    it requested, even through another fixture, would be built there a second time."""
    folders = {path.name for path in TESTS_DIR.iterdir() if path.is_dir()}
    for relative, group in OWN_GROUP_FILES.items():
        path = TESTS_DIR / relative
        assert path.is_file(), relative
        assert group not in folders, group
        conftest = _fixtures(path.parent / "conftest.py")
        assert any(scope == "session" for scope, _ in conftest.values()), "nothing to hold apart"
        tree = ast.parse(path.read_text())
        wanted = [a.arg for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) for a in f.args.args]
        reached: set[str] = set()
        while wanted:
            name = wanted.pop()
            if name in conftest and name not in reached:
                reached.add(name)
                wanted.extend(conftest[name][1])
        assert not {name for name in reached if conftest[name][0] in ("session", "package")}, relative


def test_make_test_keeps_the_order():
    recipe = re.search(r"^test:.*\n\t(.+)$", (REPO_ROOT / "Makefile").read_text(), re.MULTILINE)
    assert recipe, "no `test` target in the Makefile"
    assert "--dist loadgroup" in recipe.group(1) and "--no-loadscope-reorder" in recipe.group(1)


# Lines as `pytest -n 2 --dist loadgroup -v --durations=0` prints them (a split folder's test is
# the group `findings-<test>`); the sums below are by hand.
SUITE_LOG = """\
[gw0] [ 10%] PASSED tests/dbt/test_a.py::test_one@dbt
[gw1] [ 20%] PASSED tests/findings/test_h4.py::test_rising@findings-test_rising
[gw1] [ 30%] FAILED tests/findings/test_h4.py::test_flat@findings-test_flat
[gw0] [ 40%] PASSED tests/dbt/test_a.py::test_two@dbt
============================= slowest durations ==============================
40.50s setup    tests/dbt/test_a.py::test_one@dbt
2.25s call     tests/dbt/test_a.py::test_one@dbt
10.00s call     tests/dbt/test_a.py::test_two@dbt
30.00s call     tests/findings/test_h4.py::test_rising@findings-test_rising
0.75s teardown tests/findings/test_h4.py::test_rising@findings-test_rising
20.00s call     tests/findings/test_h4.py::test_flat@findings-test_flat
"""


def test_suite_balance_sums_each_folder_and_each_worker():
    from bench.suite_balance import balance

    by_group, by_worker = balance(SUITE_LOG)
    assert by_group == {"dbt": 52.75, "findings": 50.75}
    assert by_worker == {"gw0": 52.75, "gw1": 50.75}


# The end of a log written by `( time .venv/bin/pytest ... ) > suite.log 2>&1` (bash's format).
TIMED_TAIL = """
============ 644 passed in 1084.21s (0:18:04) ============

real\t18m6.600s
user\t29m48.700s
sys\t3m13.900s
"""


def test_suite_balance_reads_the_cpu_the_suite_used_and_the_wall_it_allows():
    from bench.suite_balance import cpu_time

    spent = cpu_time(SUITE_LOG + TIMED_TAIL)
    # By hand: wall 18*60 + 6.6 = 1086.6 s; CPU (29*60 + 48.7) + (3*60 + 13.9) = 1788.7 + 193.9.
    assert spent.wall_s == pytest.approx(1086.6)
    assert spent.cpu_s == pytest.approx(1982.6)
    assert spent.busy_cores() == pytest.approx(1982.6 / 1086.6)
    assert spent.shortest_wall_s(2) == pytest.approx(991.3)
    assert cpu_time(SUITE_LOG) is None  # no `time` lines: nothing made up
    assert cpu_time(SUITE_LOG + "real\t18m6.600s\n") is None  # a partial `time` output
