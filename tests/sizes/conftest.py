"""Fixtures of the size-resolution tests: the real pipeline over the simulated Hub, small listings.

One module-scoped run (two daily partitions, the `daily_snapshot` job as the schedule runs it:
snapshot -> base model details -> dbt -> figures) serves every test of test_size_pipeline.py.
Listing sizes follow the issue: SLM_OBS_TOP_N=2000, SLM_OBS_PER_TAG_N=300, SLM_OBS_N_TAGS=3,
SLM_OBS_PAGE_SIZE=500.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.date_range_runs import materialize_date_range
from orchestration.simulated_hub.server import SimulatedHub
from orchestration.simulated_hub.world import SyntheticWorld, WorldConfig
from tests.pipeline_harness import ListingSizes, simulated_pipeline

DAYS = [date(2025, 1, 7), date(2025, 1, 8)]
TOP_N, PER_TAG_N, N_TAGS, PAGE_SIZE = 2000, 300, 3, 500


@dataclass
class SizePipeline:
    world: SyntheticWorld
    hub: SimulatedHub
    warehouse_dir: Path
    definitions: dg.Definitions
    instance: dg.DagsterInstance
    result: dg.ExecuteInProcessResult

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse_dir / "observatory.duckdb"), read_only=True) as conn:
            return conn.execute(sql, params or []).fetchall()

    def model_info_requests(self) -> int:
        return sum(1 for r in self.hub.requests if "/api/models/" in r.path)


@pytest.fixture(scope="module")
def size_pipeline(tmp_path_factory: pytest.TempPathFactory):
    world = SyntheticWorld(WorldConfig(today=DAYS[-1]))
    warehouse_dir = tmp_path_factory.mktemp("sizes_warehouse")
    sizes = ListingSizes(TOP_N, PER_TAG_N, N_TAGS, PAGE_SIZE)
    with simulated_pipeline(world, warehouse_dir, sizes) as (hub, definitions, instance):
        result = materialize_date_range(definitions, instance, DAYS[0], DAYS[-1])
        yield SizePipeline(world, hub, warehouse_dir, definitions, instance, result)
