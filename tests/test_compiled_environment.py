"""The environment `make env` builds holds the compiled bytecode of what the pipeline's processes
import.

Where PYTHONDONTWRITEBYTECODE is set (the machines this project is developed on set it), Python
compiles each module it imports from source and never caches the result: every dbt invocation and
every run worker would compile dbt's and Dagster's modules again. The Makefile has uv compile them
once, at install (`uv sync --compile-bytecode`, as the Dockerfile does); this test fails when that
is lost.
"""

import subprocess
import sys

from tests.conftest import REPO_ROOT

# Run in a new interpreter with bytecode writing off: the modules it loaded from the environment
# (sys.prefix, the virtual environment; not the standard library) and those of them without their
# compiled file where this interpreter looks for it.
PROBE = """
import sys
from importlib.machinery import SourceFileLoader
from importlib.util import cache_from_source
from pathlib import Path

import dagster
import dbt.cli.main

loaded = [
    module.__spec__.origin
    for module in list(sys.modules.values())
    if getattr(module, "__spec__", None) is not None
    and isinstance(module.__spec__.loader, SourceFileLoader)
    and module.__spec__.origin.startswith(sys.prefix)
]
missing = [origin for origin in loaded if not Path(cache_from_source(origin)).is_file()]
print(len(loaded), len(missing), *missing[:5])
"""


def test_a_new_process_imports_dagster_and_dbt_from_compiled_bytecode(tmp_path):
    """What a run worker and a dbt invocation import first, Dagster and dbt: every module loaded
    from the environment has its compiled file, so none is compiled at import."""
    completed = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded, missing, *examples = completed.stdout.split()
    assert int(loaded) > 1000, completed.stdout  # Dagster and dbt load thousands of modules
    assert int(missing) == 0, (
        f"{missing} of {loaded} modules are compiled at every import, e.g. {examples}: "
        "rebuild the environment (`rm -rf .venv && make env`)"
    )
