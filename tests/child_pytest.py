"""A real pytest in a child process, over test files a test writes for its case: how the suite's
own conftest hooks are tested (a test file's conftest imports the hooks it exercises)."""

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.conftest import REPO_ROOT

# The child runs in one process, writes no cache, and keeps its tests in file order.
PLUGINS_OFF = ("-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly")


def run_child_pytest(
    directory: Path, files: Mapping[str, str], environ: Mapping[str, str]
) -> subprocess.CompletedProcess:
    """Write `files` (name -> text) into `directory` and run pytest there over its test files, with
    `environ` (minus PYTEST_ADDOPTS, which belongs to the parent) and the repository importable."""
    for name, text in files.items():
        (directory / name).write_text(text)
    tests = [name for name in files if name.startswith("test_")]
    child_environ = {k: v for k, v in environ.items() if k != "PYTEST_ADDOPTS"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", *PLUGINS_OFF, "--rootdir", str(directory), *tests],
        env={**child_environ, "PYTHONPATH": str(REPO_ROOT)},
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
