"""Fixtures shared by the whole suite."""

import os
import socket
from pathlib import Path
from typing import NoReturn

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"

# No test may reach the network or report usage: the suite runs on machines without internet.
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")


# Set by `.ci/run` (and CI=true, which CI services set): a test that needs a piece of the machine
# (../shared, Chromium, PostgreSQL, Compose) fails where it is missing instead of skipping, so a
# green CI run has run every test. Without it, a developer's machine skips with the reason.
STRICT_ENV = "SLM_OBS_STRICT_ENV"


def strict_environment() -> bool:
    return os.environ.get(STRICT_ENV, "") not in ("", "0") or os.environ.get("CI", "").lower() == "true"


def environment_missing(reason: str) -> NoReturn:
    """Skip for a missing piece of the environment, or fail in a strict environment (CI)."""
    if strict_environment():
        pytest.fail(f"{reason} [{STRICT_ENV}=1 or CI=true: every test must run here]", pytrace=False)
    pytest.skip(reason)


def shared_file(relative: str) -> Path:
    """A file of ../shared, or a clean skip where that folder is absent (a user's fresh clone)."""
    path = SHARED_DIR / relative
    if not path.exists():
        environment_missing(
            f"{path} is absent: ../shared is only beside the repository in CI and dev sessions"
        )
    return path


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The fast tier (`make check`, `pytest -m check`): pure Python, the dbt project's unit tests and
# the simulated Hub's API; no whole-pipeline run, no server of the deployment. Paths under tests/.
CHECK_TIER = (
    "hub/",
    "simulated_hub/",
    "dbt/test_unit_tests.py",
    "dbt/test_dbt_cli_resource.py",
    "transform/",
    "reports/test_safe_names.py",
    "test_strict_environment.py",
    "test_run_settings_guard.py",
    "test_suite_schedule.py",
)


# First: xdist's worker hook turns each test's `xdist_group` mark into its node id's `@group`
# suffix, and a mark added after it would group nothing.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the fast tier's tests `check`. Under xdist (`make test`: two workers with
    `--dist loadgroup`), a folder's tests (or a top-level file's) stay on one worker, since they
    share session fixtures (a pipeline run, a server), and the groups are handed out heaviest
    first (`GROUPS_HEAVIEST_FIRST`)."""
    tests_dir = Path(__file__).resolve().parent
    grouped = config.pluginmanager.hasplugin("xdist")  # `-p no:xdist`: one process, no groups
    rank: dict[str, int] = {}
    for item in items:
        relative = item.path.resolve().relative_to(tests_dir)
        if any(relative.as_posix().startswith(prefix) for prefix in CHECK_TIER):
            item.add_marker(pytest.mark.check)
        if grouped:
            group = relative.parts[0] if len(relative.parts) > 1 else relative.stem
            group = SHARED_WORLD_GROUPS.get(group, group)
            group = OWN_GROUP_FILES.get(relative.as_posix(), group)
            rank[item.nodeid] = _cost_rank(group)
            if group in ONE_GROUP_PER_TEST:
                group = f"{group}-{item.name}"
            item.add_marker(pytest.mark.xdist_group(group))
    if grouped:
        items.sort(key=lambda item: rank[item.nodeid])  # stable: a group's own order is kept


# Folders (or top-level files) that read one session-wide world run on one worker, so the world
# is built once per run of the suite, not once per worker.
SHARED_WORLD_GROUPS = {
    "test_pipeline_end_to_end": "whole_pipeline",
    "sizes": "whole_pipeline",
    "test_contract_constraints": "whole_pipeline",
}

# Files that share no fixture with the rest of their folder: a group of their own, so the fast
# tier's two dbt files (dbt's CLI resource, and the unit tests' builds) run on both workers side by
# side instead of one after the other on one.
OWN_GROUP_FILES = {
    "dbt/test_dbt_cli_resource.py": "dbt_cli_resource",
}

# Folders whose tests share no fixture that costs anything: each test is a group of its own, so
# the two workers can split them.
ONE_GROUP_PER_TEST = ("findings",)

# The groups' order of hand-out, heaviest first, from a whole suite's `--durations=0` (the sum of
# each group's setup, call and teardown): a worker that becomes free takes the heaviest group
# left, so both end at about the same time instead of one waiting for the other's last long
# group. The Makefile passes `--no-loadscope-reorder`, without which xdist hands groups out by
# their number of tests. A group missing here goes after these, in collection order; a stale
# order costs balance, never a test.
GROUPS_HEAVIEST_FIRST = (
    "reliability",
    "dbt",
    "census",
    "whole_pipeline",
    "identity",
    "findings",
    "history",
    "reports",
    "bench",
    "populations",
    "deploy",
    "browser",
)


def _cost_rank(group: str) -> int:
    ranked = GROUPS_HEAVIEST_FIRST
    return ranked.index(group) if group in ranked else len(ranked)


@pytest.fixture(scope="session")
def whole_pipeline(tmp_path_factory: pytest.TempPathFactory):
    """The whole pipeline over the simulated Hub (tests/pipeline_harness.py: WHOLE_PIPELINE_*),
    once per session, read-only: tests/test_pipeline_end_to_end.py, tests/sizes and
    tests/test_contract_constraints.py read it."""
    from tests.pipeline_harness import whole_pipeline_run

    with whole_pipeline_run(tmp_path_factory.mktemp("whole_pipeline")) as run:
        yield run


# What a pipeline run reads from this process's environment (tests/pipeline_harness.py:
# pipeline_env). A fixture sets them for its runs and puts them back; one left set would point
# every later test of its worker at that fixture's warehouse, Dagster home and dbt target folder.
RUN_SETTINGS_PREFIXES = ("SLM_OBS_", "DAGSTER_HOME", "DBT_TARGET_PATH", "DBT_PROJECT_DIR", "DBT_PROFILES_DIR")


def _run_settings() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith(RUN_SETTINGS_PREFIXES)}


_SETTINGS_AT_START = pytest.StashKey[dict[str, str]]()
_LAST_MODULE = pytest.StashKey[object]()


def pytest_sessionstart(session: pytest.Session) -> None:
    session.stash[_SETTINGS_AT_START] = _run_settings()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before a module's first test, when only session fixtures are alive: the run settings are
    those the session started with, or the test errors naming what was left set."""
    previous = item.session.stash.get(_LAST_MODULE, None)
    item.session.stash[_LAST_MODULE] = item.module
    if previous is item.module:
        return
    at_start, now = item.session.stash[_SETTINGS_AT_START], _run_settings()
    left = sorted(name for name, value in now.items() if at_start.get(name) != value)
    gone = sorted(at_start.keys() - now.keys())
    if left or gone:
        raise RuntimeError(
            f"a fixture left run settings in the environment: {left} set, {gone} unset "
            "(set them with orchestration.environment.environment() around the runs, not around a yield)"
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """In a strict environment no test may skip, whatever skipped it (a new `pytest.skip`, an
    `importorskip`, a `skipif`): the skip is reported as a failure with its reason."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail") and strict_environment():
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in a strict environment ({STRICT_ENV}=1 or CI=true): {reason}"
