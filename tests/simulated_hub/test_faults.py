"""Each fault of a `FaultPlan`, deterministic, seen through huggingface_hub's own HTTP stack."""

import json
import time

import httpx2
import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.utils import hf_raise_for_status, http_backoff

from simulated_hub.faults import FaultPlan
from simulated_hub.server import SimulatedHub
from simulated_hub.world import SyntheticWorld
from tests.simulated_hub.conftest import TODAY


def top_ids(world: SyntheticWorld, n: int) -> list[str]:
    return [str(world.model_ids[i]) for i in world.listing(TODAY, sort="downloads")[:n]]


def crawl(hub: SimulatedHub, limit: int) -> list[str]:
    return [m.id for m in HfApi(endpoint=hub.endpoint_for(TODAY)).list_models(sort="downloads", limit=limit)]


@pytest.mark.parametrize(
    ("plan", "fault", "status"),
    [
        (FaultPlan(rate_limit_every=2, retry_after_s=1), "rate_limit", 429),
        (FaultPlan(server_error_every=2), "server_error", 503),
        (FaultPlan(server_error_every=2, server_error_status=502), "server_error", 502),
        (FaultPlan(drop_every=2), "drop", 0),
    ],
)
def test_the_client_retries_transient_faults_and_gets_the_whole_listing(world, plan, fault, status):
    with SimulatedHub(world, page_size_cap=10, faults=plan) as hub:
        assert crawl(hub, 20) == top_ids(world, 20)
        assert hub.fault_hits == {fault: [2]}
        assert [r.status for r in hub.requests] == [200, status, 200]


def test_a_429_fault_tells_the_client_to_retry_after_a_delay(world):
    with SimulatedHub(world, faults=FaultPlan(rate_limit_every=1, retry_after_s=7)) as hub:
        response = httpx2.get(hub.base_url + "/api/models")
        assert response.status_code == 429 and response.headers["Retry-After"] == "7"
        assert "r=0" not in response.headers["RateLimit"]  # the quota is fine: honour Retry-After


def test_deep_pages_time_out_every_time(world):
    with SimulatedHub(world, page_size_cap=10, faults=FaultPlan(gateway_timeout_from_item=20)) as hub:
        first = http_backoff("GET", hub.endpoint_for(TODAY) + "/api/models?sort=downloads")
        second = http_backoff("GET", first.links["next"]["url"])
        with pytest.raises(HfHubHTTPError, match="504"):
            hf_raise_for_status(
                http_backoff("GET", second.links["next"]["url"], max_retries=2, base_wait_time=0.01)
            )
        assert hub.fault_hits == {"gateway_timeout": [3, 4, 5]}
        assert [item["id"] for item in first.json() + second.json()] == top_ids(world, 20)


@pytest.mark.parametrize("plan", [FaultPlan(truncate_every=2), FaultPlan(non_json_every=2)])
def test_a_corrupt_body_breaks_the_crawl_after_the_good_pages(world, plan):
    with SimulatedHub(world, page_size_cap=10, faults=plan) as hub:
        received = []
        with pytest.raises(json.JSONDecodeError):
            for model in HfApi(endpoint=hub.endpoint_for(TODAY)).list_models(sort="downloads", limit=30):
                received.append(model.id)
        assert received == top_ids(world, 10)


def test_a_next_link_to_another_host(world):
    plan = FaultPlan(bad_link_every=1, bad_link="https://evil.example/api/models?cursor=x")
    with SimulatedHub(world, page_size_cap=10, faults=plan) as hub:
        response = http_backoff("GET", hub.endpoint_for(TODAY) + "/api/models")
        assert response.links["next"]["url"] == "https://evil.example/api/models?cursor=x"


def test_invalid_records_cycle_through_contract_violations(world):
    with SimulatedHub(world, page_size_cap=10, faults=FaultPlan(invalid_record_every=1)) as hub:
        url = hub.endpoint_for(TODAY) + "/api/models?sort=downloads"
        first, second, third = (http_backoff("GET", url).json()[0] for _ in range(3))
        assert "id" not in first and second["downloads"] == "many" and third["tags"] == "not-a-list"
        with pytest.raises(KeyError):  # ModelInfo(**item) needs an id
            list(HfApi(endpoint=hub.endpoint_for(TODAY)).list_models(limit=5))


def test_a_slow_response_times_out_a_short_timeout(world):
    with (
        SimulatedHub(world, faults=FaultPlan(slow_every=2, slow_s=0.5)) as hub,
        httpx2.Client(timeout=0.2) as client,
    ):
        assert client.get(hub.base_url + "/api/models?limit=1").status_code == 200
        with pytest.raises(httpx2.ReadTimeout):
            client.get(hub.base_url + "/api/models?limit=1")
        assert hub.fault_hits == {"slow": [2]}


def test_drifting_counters_make_a_cursor_crawl_skip_and_repeat(world):
    with SimulatedHub(world, page_size_cap=100, faults=FaultPlan(drift_days_per_page=60)) as hub:
        drifted = crawl(hub, 1500)
    assert len(drifted) == 1500
    expected = top_ids(world, 1500)
    assert drifted[:100] == expected[:100]  # the first page is served as of the day asked
    assert len(set(drifted)) < 1500 or set(drifted) != set(expected)


def test_a_fixed_latency_delays_every_response(world):
    with SimulatedHub(world, latency_s=0.25) as hub, httpx2.Client() as client:
        for path in ("/api/models?limit=1", "/api/models/nobody/nothing"):
            started = time.monotonic()
            client.get(hub.base_url + path)
            assert time.monotonic() - started >= 0.25
        assert all(r.duration_s >= 0.25 for r in hub.requests)
