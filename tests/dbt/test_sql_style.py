"""The project's SQL passes sqlfluff (config: .sqlfluff at the repository root)."""

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SQLFLUFF = Path(sys.executable).parent / "sqlfluff"


def test_sqlfluff_lint_passes():
    completed = subprocess.run(
        [
            str(SQLFLUFF),
            "lint",
            "dbt_project/models",
            "dbt_project/macros",
            "dbt_project/tests",
            "--processes",
            "2",
            "--disable-progress-bar",
            "--nocolor",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
