"""The real pipeline over a small simulated Hub, for the population tests.

One run of the `daily_snapshot` job over two daily partitions (snapshot -> base model details -> dbt build
with its data tests -> figures) over HTTP into a real DuckDB file, as the schedule runs them. The
world is small (2,000 models) and the top listing short (300), so that many models, and many
family roots, are never in the top N and reach the warehouse through a tag listing, the `new`
listing or a fetch of the bases their derivatives name.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.date_range_runs import materialize_date_range
from simulated_hub.world import SyntheticWorld, WorldConfig
from tests.pipeline_harness import ListingSizes, simulated_pipeline

DAYS = (date(2025, 1, 7), date(2025, 1, 8))
SIZES = ListingSizes(top_n=300, per_tag_n=100, n_tags=3, page_size=100)
N_MODELS = 2000


@dataclass
class PopulationRun:
    world: SyntheticWorld
    warehouse_dir: Path
    results: list[dg.ExecuteInProcessResult]

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse_dir / "observatory.duckdb"), read_only=True) as conn:
            return conn.execute(sql, params or []).fetchall()


# Session-wide: every module of tests/populations reads the one run (tests/conftest.py keeps a
# folder's tests in one worker).
@pytest.fixture(scope="session")
def population_run(tmp_path_factory: pytest.TempPathFactory) -> PopulationRun:
    world = SyntheticWorld(WorldConfig(today=DAYS[-1], n_models=N_MODELS))
    warehouse_dir = tmp_path_factory.mktemp("populations_warehouse")
    with simulated_pipeline(world, warehouse_dir, SIZES) as (_, definitions, instance):
        results = [materialize_date_range(definitions, instance, DAYS[0], DAYS[-1])]
    return PopulationRun(world, warehouse_dir, results)
