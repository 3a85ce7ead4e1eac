"""Fixtures of the simulated Hub's tests: one default world and one server over it per session."""

import os
from datetime import date
from pathlib import Path

import pytest

from simulated_hub.server import SimulatedHub
from simulated_hub.world import SyntheticWorld, WorldConfig
from tests.conftest import environment_missing

os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

TODAY = date(2025, 1, 8)
REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DIR = REPO_ROOT.parent / "shared"
RECORDING = SHARED_DIR / "data" / "hub-listing-2025-01-08.json"


def recording_path() -> Path:
    """The real listing recorded on 2025-01-08, or a clean skip where ../shared is absent."""
    if not RECORDING.exists():
        environment_missing(
            f"{RECORDING} is absent: ../shared only sits beside the repository in CI and dev sessions"
        )
    return RECORDING


@pytest.fixture(scope="session")
def world() -> SyntheticWorld:
    return SyntheticWorld(WorldConfig())


@pytest.fixture(scope="session")
def hub(world: SyntheticWorld):
    with SimulatedHub(world, page_size_cap=1000) as running:
        yield running
