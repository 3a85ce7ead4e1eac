"""The census against the simulated Hub's fixed-window quota (N requests per W seconds, 429 with
`RateLimit`/`Retry-After` past it, as shared/notes/hub-api.md describes the Hub's), scaled down so
that a census of 200,000 models needs several windows: paced, it never meets the limit; unpaced, it
waits the windows out; past its wait budget it fails and writes nothing."""

import math
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.defs.hub import census
from orchestration.defs.hub.hub_client import (
    ANONYMOUS_API_QUOTA,
    FREE_TOKEN_API_QUOTA,
    RATE_LIMIT_WINDOW_S,
    HubClientResource,
    install_http_client,
)
from orchestration.warehouse import WarehouseResource
from simulated_hub.server import SimulatedHub
from simulated_hub.world import SyntheticWorld, WorldConfig

DAY = date(2025, 1, 8)
BIG_N, BIG_PAGE = 200_000, 10_000
# 4 requests per 1-second window: the 20 requests of the big census span at least 5 windows
QUOTA, WINDOW_S = 4, 1.0


@pytest.fixture(scope="module")
def big_world() -> SyntheticWorld:
    return SyntheticWorld(WorldConfig(n_models=BIG_N, today=DAY))


@pytest.fixture(autouse=True)
def http_client():
    install_http_client(timeout_s=60.0)


def take(hub: SimulatedHub, warehouse_dir: Path, config: census.CensusConfig, page_size: int):
    client = census.census_hub(
        HubClientResource(endpoint=hub.endpoint_template, page_size=page_size, retry_base_s=0.05), config
    )
    return census.take_census(
        client, WarehouseResource(directory=str(warehouse_dir)), DAY, pages_per_part=5, log=lambda _: None
    )


def stored_ids(warehouse_dir: Path) -> list[str]:
    with duckdb.connect(str(warehouse_dir / "observatory.duckdb"), read_only=True) as conn:
        return [row[0] for row in conn.execute("select model_id from raw.hub_model_census").fetchall()]


def ground_truth_ids(world: SyntheticWorld) -> list[str]:
    return [str(model_id) for model_id in world.model_ids[world.visible(DAY)]]


def assert_every_model_once(world: SyntheticWorld, warehouse_dir: Path) -> None:
    ids = stored_ids(warehouse_dir)
    assert len(ids) == len(set(ids)), "no model twice"
    assert sorted(ids) == sorted(ground_truth_ids(world)), "every model of the world, none else"


def test_the_default_pace_stays_inside_the_published_quotas():
    """The arithmetic of docs/reliability.md: 2 M models in pages of 1,000 are 2,000 requests."""
    anonymous = census.census_hub(HubClientResource(), census.CensusConfig())
    with_token = census.census_hub(HubClientResource(token="hf_test"), census.CensusConfig())
    assert anonymous.min_request_interval_s == pytest.approx(0.75)
    assert with_token.min_request_interval_s == pytest.approx(0.375)
    for client, quota in ((anonymous, ANONYMOUS_API_QUOTA), (with_token, FREE_TOKEN_API_QUOTA)):
        # at most one request per interval: a fixed window holds at most ceil(window / interval)
        per_window = math.ceil(RATE_LIMIT_WINDOW_S / client.min_request_interval_s)
        assert per_window <= 0.8 * quota < quota
    requests = 2_000_000 // 1_000
    assert requests * anonymous.min_request_interval_s == pytest.approx(1_500)  # 25 minutes
    assert requests * with_token.min_request_interval_s == pytest.approx(750)
    # the census's own time budget covers the anonymous pace with the Hub capping pages at 500
    assert 2 * requests * anonymous.min_request_interval_s < census.CensusConfig().listing_budget_s


@pytest.mark.slow
def test_a_paced_census_of_200000_models_spans_several_windows_without_a_429(big_world, tmp_path):
    config = census.CensusConfig(min_request_interval_s=WINDOW_S / (QUOTA * 0.8))
    with SimulatedHub(
        big_world, page_size_cap=BIG_PAGE, rate_limit_quota=QUOTA, rate_limit_window_s=WINDOW_S
    ) as hub:
        run = take(hub, tmp_path, config, BIG_PAGE)
        listing_requests = hub.request_count("/api/models")
        refused = hub.request_count(status=429)
    # 20 requests at 4 a window: the census spans at least 5 windows
    assert listing_requests == math.ceil(BIG_N / BIG_PAGE) > 4 * QUOTA
    assert refused == 0 and run.rate_limited_requests == 0
    assert run.received_n == run.unique_n == BIG_N and run.exhausted
    assert_every_model_once(big_world, tmp_path)


@pytest.mark.slow
def test_an_unpaced_census_waits_the_windows_out_and_loses_no_page(tmp_path):
    """Without pacing, small fast pages meet the quota: each 429 is waited out as the Hub asks."""
    world = SyntheticWorld(WorldConfig(n_models=20_000, today=DAY))
    config = census.CensusConfig(min_request_interval_s=0.0)
    with SimulatedHub(
        world, page_size_cap=1_000, rate_limit_quota=QUOTA, rate_limit_window_s=WINDOW_S
    ) as hub:
        run = take(hub, tmp_path, config, 1_000)
        refused = hub.request_count(status=429)
        served = hub.request_count("/api/models", status=200)
    assert refused > 0, "the scaled quota was met"
    assert run.rate_limited_requests == refused
    assert served == 20 == run.pages, "every page served once, none failed"
    assert run.received_n == run.unique_n == 20_000
    assert_every_model_once(world, tmp_path)


def test_a_quota_exhausted_past_the_wait_budget_fails_and_keeps_the_previous_census(tmp_path):
    world = SyntheticWorld(WorldConfig(n_models=2_500, today=DAY))
    with SimulatedHub(world, page_size_cap=1_000) as hub:
        take(hub, tmp_path, census.CensusConfig(min_request_interval_s=0.0), 200)
    archive = tmp_path / "archive" / census.CENSUS_TABLE / f"snapshot_date={DAY.isoformat()}"
    run_row = tmp_path / "archive" / census.CENSUS_RUNS_TABLE / f"snapshot_date={DAY.isoformat()}"
    before = {path.name: path.read_bytes() for path in archive.iterdir()}
    before_run = (run_row / census.RUN_FILENAME).read_bytes()
    # 3 requests per 60 s: the 4th is refused with a wait of about a minute, past a 10 s budget
    config = census.CensusConfig(min_request_interval_s=0.0, rate_limit_wait_budget_s=10.0)
    with SimulatedHub(world, page_size_cap=1_000, rate_limit_quota=3, rate_limit_window_s=60) as hub:
        with pytest.raises(census.CensusRateLimited) as failure:
            take(hub, tmp_path, config, 200)
        assert hub.request_count(status=429) == 1, "refused at once, no sleep through the window"
    message = str(failure.value)
    assert "rate limit" in message and "budget of 10 s" in message and "previous census" in message
    assert {path.name: path.read_bytes() for path in archive.iterdir()} == before
    assert [path.name for path in run_row.iterdir()] == [census.RUN_FILENAME]
    assert (run_row / census.RUN_FILENAME).read_bytes() == before_run
    assert len(stored_ids(tmp_path)) == 2_500
    assert not any((tmp_path / ".spool").iterdir()), "nothing half-written"
