"""The Hub's fixed-window rate limit: headers on every response, 429 past the quota."""

import httpx2
from huggingface_hub import HfApi
from huggingface_hub.utils import parse_ratelimit_headers

from simulated_hub.server import FixedWindowRateLimiter, SimulatedHub
from simulated_hub.world import SyntheticWorld
from tests.simulated_hub.conftest import TODAY


def test_every_response_carries_the_rate_limit_headers(world: SyntheticWorld):
    with SimulatedHub(world, rate_limit_quota=50, rate_limit_window_s=300) as hub, httpx2.Client() as client:
        seen = []
        for path in ("/api/models?limit=2", "/api/models/nobody/nothing", "/as-of/1999-01-01/api/models"):
            response = client.get(hub.base_url + path)
            assert response.headers["RateLimit-Policy"] == '"fixed window";"api";q=50;w=300'
            info = parse_ratelimit_headers(response.headers)
            assert info.limit == 50 and info.window_seconds == 300 and 0 < info.reset_in_seconds <= 300
            seen.append(info.remaining)
        assert seen == [49, 48, 47]


def test_past_the_quota_the_hub_answers_429_until_the_window_resets(world: SyntheticWorld):
    with SimulatedHub(world, rate_limit_quota=3, rate_limit_window_s=60) as hub, httpx2.Client() as client:
        statuses = [client.get(hub.base_url + "/api/models?limit=1").status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
        refused = client.get(hub.base_url + "/api/models?limit=1")
        assert refused.status_code == 429
        assert refused.json()["error"].startswith("You have exceeded our rate limit")
        info = parse_ratelimit_headers(refused.headers)
        assert info.remaining == 0 and int(refused.headers["Retry-After"]) == info.reset_in_seconds <= 60
        assert hub.request_count(status=429) == 3


def test_the_client_waits_out_the_window_and_completes_its_crawl(world: SyntheticWorld):
    with SimulatedHub(world, page_size_cap=10, rate_limit_quota=1, rate_limit_window_s=1) as hub:
        models = list(HfApi(endpoint=hub.endpoint_for(TODAY)).list_models(sort="downloads", limit=20))
        assert [m.id for m in models] == [str(world.model_ids[i]) for i in world.listing(TODAY)[:20]]
        statuses = [r.status for r in hub.requests]
        assert statuses.count(429) >= 1 and statuses.count(200) == 2


def test_fixed_windows_reset_on_their_boundaries():
    now = [100.0]
    limiter = FixedWindowRateLimiter(quota=2, window_s=10, clock=lambda: now[0])
    assert [limiter.hit() for _ in range(3)] == [(True, 1, 10), (True, 0, 10), (False, 0, 10)]
    now[0] = 107.2
    assert limiter.hit() == (False, 0, 3)
    now[0] = 110.0
    assert limiter.hit() == (True, 1, 10)


def test_the_first_window_opens_with_the_first_request_not_with_the_server():
    now = [100.0]
    limiter = FixedWindowRateLimiter(quota=2, window_s=10, clock=lambda: now[0])
    now[0] = 133.0  # a client that starts long after the server still gets a whole window
    assert [limiter.hit() for _ in range(3)] == [(True, 1, 10), (True, 0, 10), (False, 0, 10)]
    now[0] = 142.9
    assert limiter.hit() == (False, 0, 1)
    now[0] = 143.0
    assert limiter.hit() == (True, 1, 10)
