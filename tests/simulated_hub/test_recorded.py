"""The recorded catalogue serves the real listing of 2025-01-08 verbatim."""

import json
from datetime import date

import httpx2
import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import RepositoryNotFoundError

from simulated_hub.recorded import RecordedCatalog
from simulated_hub.server import SimulatedHub
from tests.simulated_hub.conftest import recording_path

DAY = date(2025, 1, 8)


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return json.loads(recording_path().read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def recorded_hub(records):
    with SimulatedHub(RecordedCatalog(records, DAY), page_size_cap=1000) as running:
        yield running


def crawl(hub: SimulatedHub, **params) -> list[dict]:
    items, url = [], hub.endpoint_for(DAY) + "/api/models"
    with httpx2.Client() as client:
        page = client.get(url, params=params)
        while True:
            assert page.status_code == 200
            items += page.json()
            if "next" not in page.links:
                return items
            page = client.get(page.links["next"]["url"])


def by_sort(records: list[dict], field: str) -> list[dict]:
    """Recorded values descending (items lacking the field last), ties by `_id` ascending."""
    present = sorted((r for r in records if field in r), key=lambda r: r["_id"])
    present.sort(key=lambda r: r[field], reverse=True)
    return present + sorted((r for r in records if field not in r), key=lambda r: r["_id"])


def test_the_catalogue_is_dated_by_its_newest_model():
    catalog = RecordedCatalog.from_file(recording_path())
    assert catalog.today == catalog.first_day == catalog.last_day == DAY
    assert len(catalog) == 3180


def test_all_records_are_served_verbatim_in_four_pages(recorded_hub, records):
    before = recorded_hub.request_count()
    served = crawl(recorded_hub)
    assert recorded_hub.request_count() - before == 4
    assert len(served) == 3180
    verbatim = {json.dumps(r) for r in records}  # key order included
    assert {json.dumps(item) for item in served} == verbatim
    assert [item["_id"] for item in served] == sorted(r["_id"] for r in records)


@pytest.mark.parametrize("sort", ["downloads", "likes", "trendingScore", "createdAt", "lastModified"])
def test_sorts_follow_the_recorded_values(recorded_hub, records, sort):
    assert crawl(recorded_hub, sort=sort, limit=700) == by_sort(records, sort)


def test_filters_and_expand_on_the_recording(recorded_hub, records):
    text_gen_gguf = crawl(recorded_hub, sort="downloads", pipeline_tag="text-generation", filter="gguf")
    assert text_gen_gguf == by_sort(
        [r for r in records if r.get("pipeline_tag") == "text-generation" and "gguf" in r["tags"]],
        "downloads",
    )
    assert crawl(recorded_hub, author="Qwen") == sorted(
        (r for r in records if r["id"].startswith("Qwen/")), key=lambda r: r["_id"]
    )
    assert {r["id"] for r in crawl(recorded_hub, search="LLAMA")} == {
        r["id"] for r in records if "llama" in r["id"].lower()
    }
    expanded = crawl(recorded_hub, sort="likes", expand=["trendingScore", "tags", "downloadsAllTime"])
    wanted = ("_id", "id", "trendingScore", "tags")
    assert expanded == [{k: v for k, v in r.items() if k in wanted} for r in by_sort(records, "likes")]


def test_the_client_parses_every_record_and_model_info_serves_them(recorded_hub, records):
    client = HfApi(endpoint=recorded_hub.endpoint_for(DAY))
    models = list(client.list_models(sort="downloads"))
    assert [m.id for m in models] == [r["id"] for r in by_sort(records, "downloads")]
    assert client.model_info(records[1]["id"]).tags == records[1]["tags"]
    with pytest.raises(RepositoryNotFoundError):
        client.model_info("nobody/nothing")
    raw = httpx2.get(f"{recorded_hub.base_url}/api/models/{records[2]['id']}").json()
    assert json.dumps(raw) == json.dumps(records[2])


def test_only_the_recorded_day_is_served(recorded_hub):
    assert httpx2.get(recorded_hub.base_url + "/as-of/2025-01-07/api/models").status_code == 400
    assert httpx2.get(recorded_hub.base_url + "/api/models?limit=1").json()[0]["_id"] == min(
        r["_id"] for r in json.loads(recording_path().read_text(encoding="utf-8"))
    )
