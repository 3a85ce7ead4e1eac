"""Fixtures shared by the whole suite."""

import os
import socket
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


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`make test` runs two xdist workers with `--dist loadgroup`: a folder's tests (or a top-level
    file's) stay on one worker, since they share session fixtures (a pipeline run, a server)."""
    if not config.pluginmanager.hasplugin("xdist"):  # `-p no:xdist`: one process, no groups
        return
    tests_dir = Path(__file__).resolve().parent
    for item in items:
        relative = item.path.resolve().relative_to(tests_dir)
        group = relative.parts[0] if len(relative.parts) > 1 else relative.stem
        item.add_marker(pytest.mark.xdist_group(group))
