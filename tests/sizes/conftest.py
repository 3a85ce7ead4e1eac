"""Fixtures of the size-resolution tests: the real pipeline over the simulated Hub.

The session's whole-pipeline run (tests/pipeline_harness.py: three daily partitions of the
`daily_snapshot` job as the schedule runs it: snapshot -> base model details -> dbt -> figures,
top 3,000, 4 tags of 400, pages of 500), shared with tests/test_pipeline_end_to_end.py, serves
every test of test_size_pipeline.py.
"""

from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from simulated_hub.world import SyntheticWorld
from tests.pipeline_harness import WHOLE_PIPELINE_DAYS, WHOLE_PIPELINE_SIZES, PipelineRun

DAYS = list(WHOLE_PIPELINE_DAYS)
TOP_N = WHOLE_PIPELINE_SIZES.top_n


@dataclass
class SizePipeline:
    world: SyntheticWorld
    warehouse_dir: Path
    result: dg.ExecuteInProcessResult
    build_requests: tuple

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse_dir / "observatory.duckdb"), read_only=True) as conn:
            return conn.execute(sql, params or []).fetchall()

    def model_info_requests(self) -> int:
        """Model-info requests the Hub served during the run."""
        return sum(1 for r in self.build_requests if "/api/models/" in r.path)


@pytest.fixture(scope="module")
def size_pipeline(whole_pipeline: PipelineRun) -> SizePipeline:
    run = whole_pipeline
    return SizePipeline(run.world, run.warehouse_dir, run.result, run.build_requests)
