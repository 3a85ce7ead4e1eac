"""Helpers to run the project's real Definitions against a simulated Hub in a test."""

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from orchestration.instance import prepare_dagster_home
from orchestration.simulated_hub.server import SimulatedHub
from orchestration.simulated_hub.world import SyntheticWorld


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the block, restoring the previous values afterwards."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def load_definitions() -> dg.Definitions:
    """The project's Definitions, loaded now so that resources read the current environment."""
    from orchestration.definitions import defs

    return defs()


@dataclass(frozen=True)
class ListingSizes:
    """The daily listings' sizes a test runs the pipeline with (SLM_OBS_* settings)."""

    top_n: int
    per_tag_n: int
    n_tags: int
    page_size: int


@contextmanager
def simulated_pipeline(
    world: SyntheticWorld, warehouse_dir: Path, sizes: ListingSizes
) -> Iterator[tuple[SimulatedHub, dg.Definitions, dg.DagsterInstance]]:
    """A simulated Hub serving `world`, and the project's Definitions and a Dagster instance set up
    to snapshot it into `warehouse_dir`, for the block."""
    with SimulatedHub(world, page_size_cap=1000) as hub:
        env = {
            "SLM_OBS_HUB_ENDPOINT": hub.endpoint_template,
            "SLM_OBS_WAREHOUSE_DIR": str(warehouse_dir),
            "SLM_OBS_TOP_N": str(sizes.top_n),
            "SLM_OBS_PER_TAG_N": str(sizes.per_tag_n),
            "SLM_OBS_N_TAGS": str(sizes.n_tags),
            "SLM_OBS_PAGE_SIZE": str(sizes.page_size),
            "DAGSTER_HOME": str(prepare_dagster_home(warehouse_dir / "dagster_home")),
        }
        with environment(env), dg.DagsterInstance.get() as instance:
            yield hub, load_definitions(), instance
