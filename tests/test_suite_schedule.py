"""The suite's hand-out order (tests/conftest.py) names groups that exist, and `make test` keeps it."""

import re

from tests.conftest import (
    GROUPS_HEAVIEST_FIRST,
    ONE_GROUP_PER_TEST,
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
