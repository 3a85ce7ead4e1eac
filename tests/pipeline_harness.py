"""Helpers to run the project's real Definitions against a simulated Hub in a test."""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.environment import environment
from orchestration.instance import prepare_dagster_home
from simulated_hub.server import SimulatedHub
from simulated_hub.world import SyntheticWorld, WorldConfig


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


# dbt's per-invocation target folders of a test's runs, inside its warehouse (DBT_TARGET_PATH):
# a test reads its own runs' artifacts, and the repository's dbt_project/target gathers none.
DBT_TARGET_DIRNAME = "dbt_target"


def pipeline_env(hub: SimulatedHub, warehouse_dir: Path, sizes: ListingSizes) -> dict[str, str]:
    """The settings of a pipeline run over `hub` into `warehouse_dir` (a Dagster home and dbt's
    target folders inside it)."""
    return {
        "SLM_OBS_HUB_ENDPOINT": hub.endpoint_template,
        "SLM_OBS_WAREHOUSE_DIR": str(warehouse_dir),
        "SLM_OBS_TOP_N": str(sizes.top_n),
        "SLM_OBS_PER_TAG_N": str(sizes.per_tag_n),
        "SLM_OBS_N_TAGS": str(sizes.n_tags),
        "SLM_OBS_PAGE_SIZE": str(sizes.page_size),
        "DAGSTER_HOME": str(prepare_dagster_home(warehouse_dir / "dagster_home")),
        "DBT_TARGET_PATH": str(warehouse_dir / DBT_TARGET_DIRNAME),
    }


@contextmanager
def simulated_pipeline(
    world: SyntheticWorld, warehouse_dir: Path, sizes: ListingSizes
) -> Iterator[tuple[SimulatedHub, dg.Definitions, dg.DagsterInstance]]:
    """A simulated Hub serving `world`, and the project's Definitions and a Dagster instance set up
    to snapshot it into `warehouse_dir`, for the block."""
    with SimulatedHub(world, page_size_cap=1000) as hub:
        env = pipeline_env(hub, warehouse_dir, sizes)
        with environment(env), dg.DagsterInstance.get() as instance:
            yield hub, load_definitions(), instance


# The whole pipeline over the default simulated world, three consecutive days, the daily job as
# the schedule runs it (snapshot -> base model details -> dbt -> figures): the world that
# tests/test_pipeline_end_to_end.py and tests/sizes read. Built once per session (one xdist group,
# tests/conftest.py) and read-only: a test that writes works on a copy (`PipelineRun.copy_to`).
WHOLE_PIPELINE_DAYS = (date(2025, 1, 6), date(2025, 1, 7), date(2025, 1, 8))
WHOLE_PIPELINE_SIZES = ListingSizes(top_n=3000, per_tag_n=400, n_tags=4, page_size=500)


@dataclass
class PipelineRun:
    """A finished run of the project's Definitions against a simulated Hub that is still serving."""

    world: SyntheticWorld
    hub: SimulatedHub
    warehouse_dir: Path
    env: dict[str, str]  # the run's settings: enter them (`environment`) to run it again
    definitions: dg.Definitions
    instance: dg.DagsterInstance
    result: dg.ExecuteInProcessResult
    build_requests: tuple  # what the Hub served during the run, before any test ran

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse_dir / "observatory.duckdb"), read_only=True) as conn:
            return conn.execute(sql, params or []).fetchall()

    def copy_to(self, directory: Path) -> tuple[Path, dict[str, str]]:
        """A private copy of the warehouse (DuckDB file, archive, figures) and the settings that
        run the pipeline on it, against the same Hub and Dagster instance."""
        copy = directory / "warehouse"
        shutil.copytree(
            self.warehouse_dir, copy, ignore=shutil.ignore_patterns("dagster_home", DBT_TARGET_DIRNAME)
        )
        return copy, {
            **self.env,
            "SLM_OBS_WAREHOUSE_DIR": str(copy),
            "DBT_TARGET_PATH": str(copy / DBT_TARGET_DIRNAME),
        }


@contextmanager
def whole_pipeline_run(warehouse_dir: Path) -> Iterator[PipelineRun]:
    """The run of WHOLE_PIPELINE_DAYS; the Hub serves until the block ends. The settings are in
    the environment only while the run loads and runs, so tests after it see none of them."""
    from orchestration.date_range_runs import materialize_date_range

    world = SyntheticWorld(WorldConfig(today=WHOLE_PIPELINE_DAYS[-1]))
    sizes = WHOLE_PIPELINE_SIZES
    with SimulatedHub(world, page_size_cap=1000) as hub:
        env = pipeline_env(hub, warehouse_dir, sizes)
        with environment(env):
            instance = dg.DagsterInstance.get()  # DAGSTER_HOME is read here only
        with instance:
            with environment(env):
                definitions = load_definitions()
                first, last = WHOLE_PIPELINE_DAYS[0], WHOLE_PIPELINE_DAYS[-1]
                result = materialize_date_range(definitions, instance, first, last)
            yield PipelineRun(
                world, hub, warehouse_dir, env, definitions, instance, result, tuple(hub.requests)
            )
