"""Guards of the Hub client that need no server."""

from datetime import UTC, date, datetime

import httpx2
import pytest

from orchestration.defs.hub.hub_client import HubClientResource, HubPayloadError, _same_origin_next_link
from orchestration.defs.hub.listings import leading_pipeline_tags, top_listing


def test_the_live_hub_only_serves_today():
    hub = HubClientResource()
    today = datetime.now(UTC).date()
    assert hub.endpoint_for(today) == "https://huggingface.co"
    with pytest.raises(ValueError, match="only reports the present"):
        hub.endpoint_for(date(2025, 1, 8))


def test_a_simulated_endpoint_serves_any_day():
    hub = HubClientResource(endpoint="http://127.0.0.1:9/as-of/{snapshot_date}")
    assert hub.endpoint_for(date(2025, 1, 8)) == "http://127.0.0.1:9/as-of/2025-01-08"


@pytest.mark.parametrize(
    "link",
    [
        '<https://evil.example/api/models?cursor=x>; rel="next"',
        '<http://huggingface.co/api/models>; rel="next"',
    ],
)
def test_a_next_link_to_another_origin_is_refused(link):
    response = httpx2.Response(
        200, headers={"Link": link}, request=httpx2.Request("GET", "https://huggingface.co")
    )
    with pytest.raises(HubPayloadError, match="another host"):
        _same_origin_next_link(response, "https://huggingface.co")


def test_leading_pipeline_tags_rank_by_downloads_then_name():
    records = [
        {"pipeline_tag": "b", "downloads": 5},
        {"pipeline_tag": "a", "downloads": 5},
        {"pipeline_tag": "c", "downloads": 9},
        {"pipeline_tag": "c", "downloads": 1},
        {"downloads": 100},
        {"pipeline_tag": "d", "downloads": "many"},
    ]
    assert leading_pipeline_tags(records, 2) == ["c", "a"]


def test_the_listing_query_expands_without_base_models():
    params = top_listing(10).query_params()
    expanded = [value for key, value in params if key == "expand"]
    assert "baseModels" not in expanded
    assert {"safetensors", "gguf", "downloadsAllTime", "tags"} <= set(expanded)
    assert ("sort", "downloads") in params
