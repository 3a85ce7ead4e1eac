"""The dbt project, located once and its manifest parsed whenever it is missing or stale."""

import fcntl
import os
import sys
from pathlib import Path

import yaml
from dagster_dbt import DbtProject

# SLM_OBS_DBT_PROJECT_DIR points the code location at another copy of the project (the contract
# tests load the definitions over a changed copy); unset, the repository's own.
DBT_PROJECT_DIR = Path(
    os.environ.get("SLM_OBS_DBT_PROJECT_DIR") or Path(__file__).resolve().parents[3] / "dbt_project"
)
_SOURCE_DIRS = ("models", "macros", "seeds", "tests")
_PROJECT_FILES = ("dbt_project.yml", "selectors.yml")

# dagster-dbt runs `dbt` from PATH. Put this interpreter's scripts first, as activating the
# virtual environment would: `.venv/bin/pytest` or `make demo` then find the locked dbt.
_SCRIPTS_DIR = str(Path(sys.executable).parent)
if os.environ.get("PATH", "").split(os.pathsep)[0] != _SCRIPTS_DIR:
    os.environ["PATH"] = os.pathsep.join([_SCRIPTS_DIR, os.environ.get("PATH", "")])

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def dbt_var(name: str):
    """A project var's default from dbt_project.yml: the one place a rule dbt applies is written,
    for the Python that must apply it before dbt runs (ingestion)."""
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    variables = project.get("vars") or {}
    if name not in variables:
        raise KeyError(f"dbt_project.yml defines no var {name!r} ({DBT_PROJECT_DIR})")
    return variables[name]


def _manifest_is_stale() -> bool:
    """True without a manifest, or when a dbt source file changed after it was parsed."""
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    sources = [DBT_PROJECT_DIR / name for name in _PROJECT_FILES]
    sources += [
        path for folder in _SOURCE_DIRS for path in (DBT_PROJECT_DIR / folder).rglob("*") if path.is_file()
    ]
    parsed_at = manifest.stat().st_mtime
    return any(path.stat().st_mtime > parsed_at for path in sources)


def _parse_if_stale() -> None:
    """Parse under an exclusive file lock: the webserver, the daemon, run workers and parallel test
    workers load this module at the same moment, and must never read a half-written manifest."""
    dbt_project.manifest_path.parent.mkdir(parents=True, exist_ok=True)
    with (dbt_project.manifest_path.parent / ".parse.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _manifest_is_stale():  # again under the lock: another process may just have parsed
            dbt_project.preparer.prepare(dbt_project)


# `dagster dev` re-parses on every load; elsewhere (tests, the demo, a fresh clone running
# `dagster definitions validate`) the manifest is parsed when it is missing or older than the
# project, so the assets never describe a dbt project that no longer exists.
dbt_project.prepare_if_dev()
if _manifest_is_stale():
    _parse_if_stale()
