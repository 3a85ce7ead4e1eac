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
