"""A missing piece of the machine skips a test on a developer's machine and fails it in CI.

Each case runs a real pytest in a child process over a small test file that uses this suite's
conftest (its `environment_missing` and its report hook), with and without the switch.
"""

import os
import subprocess
from pathlib import Path

import pytest

from tests.child_pytest import run_child_pytest
from tests.conftest import STRICT_ENV

TESTS = """
import pytest

from tests.conftest import environment_missing


def test_needs_a_missing_server():
    environment_missing("no such server here: install it")


def test_needs_a_missing_module():
    pytest.importorskip("a_module_nobody_installed", reason="a_module_nobody_installed is absent")


def test_needs_nothing():
    assert True
"""


CONFTEST = "from tests.conftest import environment_missing, pytest_runtest_makereport  # noqa: F401\n"


def run_pytest(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("CI", STRICT_ENV)}
    return run_child_pytest(tmp_path, {"conftest.py": CONFTEST, "test_pieces.py": TESTS}, {**base, **env})


def test_without_the_switch_a_missing_piece_skips_with_its_reason(tmp_path):
    completed = run_pytest(tmp_path)
    assert completed.returncode == 0, completed.stdout
    assert "1 passed, 2 skipped" in completed.stdout
    assert "no such server here: install it" in completed.stdout
    assert "a_module_nobody_installed is absent" in completed.stdout


@pytest.mark.parametrize("switch", [{STRICT_ENV: "1"}, {"CI": "true"}])
def test_with_the_switch_every_skip_fails_and_says_why(tmp_path, switch):
    completed = run_pytest(tmp_path, **switch)
    assert completed.returncode == 1, completed.stdout
    assert "2 failed, 1 passed" in completed.stdout
    assert "no such server here: install it" in completed.stdout
    assert "a_module_nobody_installed is absent" in completed.stdout
    assert "skipped" not in completed.stdout.splitlines()[-1]
