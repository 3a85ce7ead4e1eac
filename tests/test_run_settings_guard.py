"""A fixture that leaves a pipeline run's settings in the environment makes the next module error.

Each case runs a real pytest in a child process over small test modules that use this suite's
conftest hooks (`pytest_sessionstart`, `pytest_runtest_setup`). The leak is the one a session
fixture had: yielding its world from inside the `environment()` block that set its runs' settings,
so that every later test of the worker ran against that fixture's warehouse and Dagster home.
"""

import os
import subprocess
from pathlib import Path

from tests.child_pytest import run_child_pytest
from tests.conftest import RUN_SETTINGS_PREFIXES

CONFTEST = """
import pytest

from orchestration.environment import environment
from tests.conftest import pytest_runtest_setup, pytest_sessionstart  # noqa: F401

RUN = {"SLM_OBS_WAREHOUSE_DIR": "/a/fixtures/warehouse", "DAGSTER_HOME": "/a/fixtures/dagster_home"}


@pytest.fixture(scope="session")
def world_yielded_inside_its_settings():
    with environment(RUN):
        yield "world"


@pytest.fixture(scope="session")
def world_returned_after_its_settings():
    with environment(RUN):
        built = "world"
    return built
"""

FIRST_MODULE = """
def test_reads_the_world({fixture}):
    assert {fixture} == "world"
"""

LATER_MODULE = """
def test_first_of_a_later_module():
    pass


def test_second_of_a_later_module():
    pass
"""

MODULE_SCOPED_SETTINGS = """
import os

import pytest

from orchestration.environment import environment


@pytest.fixture(scope="module", autouse=True)
def this_modules_runs():
    with environment({"SLM_OBS_WAREHOUSE_DIR": "/this/modules/warehouse"}):
        yield


def test_one():
    assert os.environ["SLM_OBS_WAREHOUSE_DIR"] == "/this/modules/warehouse"


def test_two():
    assert os.environ["SLM_OBS_WAREHOUSE_DIR"] == "/this/modules/warehouse"
"""


def run_pytest(tmp_path: Path, modules: dict[str, str], **env: str) -> subprocess.CompletedProcess:
    """The modules run in name order, in one process, over a session that starts with `env` as its
    only run settings."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(RUN_SETTINGS_PREFIXES)}
    return run_child_pytest(tmp_path, {"conftest.py": CONFTEST, **modules}, {**base, **env})


def world_then_later_module(fixture: str) -> dict[str, str]:
    return {"test_a_world.py": FIRST_MODULE.format(fixture=fixture), "test_b_later.py": LATER_MODULE}


def test_a_session_fixture_yielding_inside_its_settings_errors_the_next_module_naming_them(tmp_path):
    completed = run_pytest(tmp_path, world_then_later_module("world_yielded_inside_its_settings"))
    assert completed.returncode == 1, completed.stdout
    assert "2 passed, 1 error" in completed.stdout
    assert "ERROR test_b_later.py::test_first_of_a_later_module" in completed.stdout
    assert "['DAGSTER_HOME', 'SLM_OBS_WAREHOUSE_DIR'] set, [] unset" in completed.stdout


def test_the_same_world_returned_after_its_settings_passes(tmp_path):
    completed = run_pytest(tmp_path, world_then_later_module("world_returned_after_its_settings"))
    assert completed.returncode == 0, completed.stdout
    assert "3 passed" in completed.stdout


def test_a_setting_the_session_started_with_and_a_fixture_removed_is_named_unset(tmp_path):
    removes = """
import os

import pytest


@pytest.fixture(scope="session")
def removed():
    os.environ.pop("SLM_OBS_PAGE_SIZE")
    return "world"


def test_removes(removed):
    pass
"""
    completed = run_pytest(
        tmp_path, {"test_a_removes.py": removes, "test_b_later.py": LATER_MODULE}, SLM_OBS_PAGE_SIZE="500"
    )
    assert completed.returncode == 1, completed.stdout
    assert "[] set, ['SLM_OBS_PAGE_SIZE'] unset" in completed.stdout


def test_settings_a_module_holds_for_its_own_tests_are_no_leak(tmp_path):
    completed = run_pytest(
        tmp_path, {"test_a_module_scoped.py": MODULE_SCOPED_SETTINGS, "test_b_later.py": LATER_MODULE}
    )
    assert completed.returncode == 0, completed.stdout
    assert "4 passed" in completed.stdout
