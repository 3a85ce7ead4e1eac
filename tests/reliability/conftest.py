"""Fixtures of the reliability tests; the helpers they use are in `runs.py`.

The two whole-pipeline runs several tests compare against (`reference`, `hostile_run`) start in the
background when the session starts, and the cheap tests run first, so the slow ones overlap.
"""

from collections.abc import Iterator

import pytest

from simulated_hub.world import SyntheticWorld, WorldConfig
from tests.reliability.hostile import HostileRun
from tests.reliability.runs import DAY, WORLD_MODELS, RecordingHub, ReferenceRun, pipeline_env, start_job

# Cheap tests first, the whole-pipeline ones after, the heaviest last.
_ORDER = (
    "test_reliability_doc.py",
    "test_data_checks.py",
    "test_hub_faults.py",
    "test_kill_points.py",
    "test_rebuild_from_archive.py",
    "test_security.py",
    "test_concurrent_runs.py",
)
_BACKGROUND = ("reference", "hostile_run")


def pytest_collection_modifyitems(session, config, items):
    """Order this folder's tests by `_ORDER`, leaving every other test where it is."""
    positions = [i for i, item in enumerate(items) if item.path.parent.name == "reliability"]
    ranked = sorted(
        (items[i] for i in positions),
        key=lambda item: _ORDER.index(item.path.name) if item.path.name in _ORDER else len(_ORDER),
    )
    for position, item in zip(positions, ranked, strict=True):
        items[position] = item


@pytest.fixture(scope="session", autouse=True)
def _start_background_runs(request) -> None:
    """Start the shared whole-pipeline runs now if any selected test needs them."""
    needed = {name for item in request.session.items for name in getattr(item, "fixturenames", ())}
    for name in _BACKGROUND:
        if name in needed:
            request.getfixturevalue(name)


@pytest.fixture(scope="session")
def world() -> SyntheticWorld:
    return SyntheticWorld(WorldConfig(n_models=WORLD_MODELS, today=DAY))


@pytest.fixture(scope="session")
def hub(world) -> Iterator[RecordingHub]:
    with RecordingHub(world, page_size_cap=1000) as running:
        yield running


@pytest.fixture(scope="session")
def reference(hub, tmp_path_factory) -> Iterator[ReferenceRun]:
    """An uninterrupted run of DAY on a fresh warehouse, through the real job, in the background."""
    base = tmp_path_factory.mktemp("reference")
    warehouse_dir = base / "warehouse"
    job = start_job(pipeline_env(hub.endpoint_template, warehouse_dir), DAY, DAY, base / "logs", "reference")
    run = ReferenceRun(warehouse_dir, job)
    yield run
    if job.process.poll() is None:
        job.kill()


@pytest.fixture(scope="session")
def hostile_run(tmp_path_factory) -> Iterator[HostileRun]:
    run = HostileRun.start(tmp_path_factory.mktemp("hostile"))
    yield run
    run.stop()
