"""Fixtures shared by the whole suite."""

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"

# No test may reach the network or report usage: the suite runs on machines without internet.
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")


def shared_file(relative: str) -> Path:
    """A file of ../shared, or a clean skip where that folder is absent (a user's fresh clone)."""
    path = SHARED_DIR / relative
    if not path.exists():
        pytest.skip(f"{path} is absent: ../shared is only beside the repository in CI and dev sessions")
    return path
