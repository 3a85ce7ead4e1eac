"""Hypothesis 4's verdict through the real pipeline (simulated Hub -> huggingface_hub -> DuckDB ->
dbt -> report) over worlds whose SLM share of new models has a known trend.

The expectation comes from the world's setting, not from our SQL: a world whose share of SLMs
among the models created each month rises by 25 points a year must read `supported`, one where it
falls by as much `not supported`, a flat one `inconclusive`, and a world too small to fill the
months the trend needs `inconclusive`. The top listing holds every model of these small worlds, so
the pipeline sees the whole population.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from orchestration.date_range_runs import materialize_date_range
from simulated_hub.generation import SlmShareTrend
from simulated_hub.world import SyntheticWorld, WorldConfig
from tests.pipeline_harness import ListingSizes, simulated_pipeline

pytestmark = pytest.mark.slow

DAY = date(2025, 1, 8)
# After the first large text-generation release: every month of the trend's two-year window
# can draw either class (tests/simulated_hub/test_slm_share_trend.py).
FIRST_DAY = date(2022, 12, 1)
N_MODELS = 2000
SIZES = ListingSizes(top_n=N_MODELS, per_tag_n=50, n_tags=1, page_size=1000)


@dataclass(frozen=True)
class H4Finding:
    value: float | None
    low: float | None
    high: float | None
    sample_size: int
    verdict: str
    months: str


def h4_of_world(warehouse_dir: Path, config: WorldConfig) -> H4Finding:
    world = SyntheticWorld(config)
    with simulated_pipeline(world, warehouse_dir, SIZES) as (_hub, definitions, instance):
        result = materialize_date_range(definitions, instance, DAY, DAY)
        assert result.success
    import duckdb

    with duckdb.connect(str(warehouse_dir / "observatory.duckdb"), read_only=True) as conn:
        rows = conn.execute(
            """
            select metric_value, interval_low, interval_high, sample_size, verdict, detail
            from marts.hypothesis_findings
            where snapshot_date = ? and hypothesis = 'H4' and tag is null
            """,
            [DAY],
        ).fetchall()
    assert len(rows) == 1
    return H4Finding(*rows[0])


def trend_world(pp_per_year: float, share_on_today: float, n_models: int = N_MODELS) -> WorldConfig:
    return WorldConfig(
        n_models=n_models,
        first_day=FIRST_DAY,
        today=DAY,
        horizon_days=30,
        slm_share_trend=SlmShareTrend(pp_per_year, share_on_today),
    )


def test_a_rising_share_is_supported(tmp_path: Path):
    finding = h4_of_world(tmp_path / "warehouse", trend_world(25.0, 65.0))
    assert finding.verdict == "supported", finding
    assert finding.low <= 25.0 <= finding.high, finding


def test_a_falling_share_is_not_supported(tmp_path: Path):
    finding = h4_of_world(tmp_path / "warehouse", trend_world(-25.0, 35.0))
    assert finding.verdict == "not supported", finding
    assert finding.low <= -25.0 <= finding.high, finding


def test_a_flat_share_is_inconclusive(tmp_path: Path):
    finding = h4_of_world(tmp_path / "warehouse", trend_world(0.0, 50.0))
    assert finding.verdict == "inconclusive", finding
    assert finding.low <= 0.0 <= finding.high, finding


def test_a_world_too_small_is_inconclusive(tmp_path: Path):
    # 120 models over two years: no month reaches the sample rule's 20 models of known size,
    # so a steep rise leaves no trend to read
    finding = h4_of_world(tmp_path / "warehouse", trend_world(25.0, 65.0, n_models=120))
    assert finding.verdict == "inconclusive", finding
    assert finding.value is None and finding.low is None, finding
    assert finding.sample_size < 20 * 6, finding
