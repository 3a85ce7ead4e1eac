"""The real pipeline over a small simulated Hub: one daily snapshot (the `daily_snapshot` job),
then one census of the same date (the `hub_census` job: the census asset, then the dbt census
models with their data tests), then the day's marts and report again (`rebuild_marts`, as the
next daily run would), over HTTP into a real DuckDB file."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.date_range_runs import materialize_date_range
from simulated_hub.world import SyntheticWorld, WorldConfig
from tests.pipeline_harness import ListingSizes, simulated_pipeline

DAY = date(2025, 1, 8)
SIZES = ListingSizes(top_n=300, per_tag_n=100, n_tags=3, page_size=500)
N_MODELS = 3000
# The census asks one page every 10 ms: the test's simulated Hub has no quota worth pacing for.
CENSUS_CONFIG = {"ops": {"raw__hub_model_census": {"config": {"min_request_interval_s": 0.01}}}}


@dataclass
class CensusPipelineRun:
    world: SyntheticWorld
    warehouse_dir: Path
    results: dict[str, dg.ExecuteInProcessResult]

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse_dir / "observatory.duckdb"), read_only=True) as conn:
            return conn.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def census_run(tmp_path_factory: pytest.TempPathFactory) -> CensusPipelineRun:
    world = SyntheticWorld(WorldConfig(today=DAY, n_models=N_MODELS))
    warehouse_dir = tmp_path_factory.mktemp("census_warehouse")
    with simulated_pipeline(world, warehouse_dir, SIZES) as (_, definitions, instance):
        results = {
            "daily_snapshot": materialize_date_range(definitions, instance, DAY, DAY),
            "hub_census": materialize_date_range(
                definitions, instance, DAY, DAY, job_name="hub_census", run_config=CENSUS_CONFIG
            ),
        }
        # built before the census, the report said the whole Hub was not measured yet
        results["rebuild_marts"] = materialize_date_range(
            definitions, instance, DAY, DAY, job_name="rebuild_marts"
        )
    return CensusPipelineRun(world, warehouse_dir, results)
