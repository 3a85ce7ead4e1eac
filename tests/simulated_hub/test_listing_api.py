"""`GET /api/models` through the real huggingface_hub client, against the world's ground truth.

Expected orders are recomputed here from ground-truth counters and served values, sorted by
(value descending, `_id` ascending), never taken from the world's own `listing`.
"""

import base64
import json
import math
import socket
from datetime import date

import httpx2
import numpy as np
import pytest
from huggingface_hub import HfApi, ModelInfo

from orchestration.defs.hub.listings import EXPANDED_FIELDS
from simulated_hub.hub_json import DEFAULT_LISTING_FIELDS, FULL_LISTING_FIELDS
from simulated_hub.server import SimulatedHub
from simulated_hub.world import SyntheticWorld
from tests.simulated_hub.conftest import TODAY

# What the pipeline expands, so these tests exercise the exact request it sends.
LISTING_EXPAND = list(EXPANDED_FIELDS)


def api(hub: SimulatedHub, day: date = TODAY) -> HfApi:
    return HfApi(endpoint=hub.endpoint_for(day))


def ordered_ids(world: SyntheticWorld, day: date, values, keep=None) -> list[str]:
    n = world.n_visible(day)
    indices = [i for i in range(n) if keep is None or keep[i]]
    indices.sort(key=lambda i: (-values[i], world.object_id(i)))
    return [str(world.model_ids[i]) for i in indices]


@pytest.fixture(scope="module")
def served_today(world: SyntheticWorld) -> list[dict]:
    """Every model existing today as the listing serves it, fully expanded."""
    return world.listing_items(list(range(world.n_visible(TODAY))), TODAY, tuple(LISTING_EXPAND), False)


@pytest.fixture(scope="module")
def small_pages(world: SyntheticWorld):
    with SimulatedHub(world, page_size_cap=100) as running:
        yield running


def test_the_server_listens_on_loopback_only(hub: SimulatedHub):
    host, port = hub.address
    assert host == "127.0.0.1" and port > 0
    assert hub.base_url == f"http://127.0.0.1:{port}"
    assert hub.endpoint_template == f"http://127.0.0.1:{port}/as-of/{{snapshot_date}}"
    others = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)} - {
        "127.0.0.1"
    }
    for address in others - {a for a in others if a.startswith("127.")}:
        with pytest.raises(OSError), socket.create_connection((address, port), timeout=1):
            pass


@pytest.mark.parametrize(
    ("sort", "truth"),
    [
        ("downloads", lambda w, d: w.downloads_30d(d)),
        ("likes", lambda w, d: w.likes(d)),
        ("trendingScore", lambda w, d: w.trending_scores(d)),
    ],
)
def test_counter_sorts_list_the_top_models_in_order(hub, world, sort, truth):
    models = list(api(hub).list_models(sort=sort, limit=1500))
    assert [m.id for m in models] == ordered_ids(world, TODAY, truth(world, TODAY))[:1500]


@pytest.mark.parametrize("sort", ["createdAt", "lastModified"])
def test_date_sorts_list_the_latest_models_first(hub, world, served_today, sort):
    models = list(
        api(hub).list_models(
            sort={"createdAt": "created_at", "lastModified": "last_modified"}[sort], limit=1200
        )
    )
    values = [json.dumps(r[sort]) for r in served_today]  # ISO strings sort as dates
    ranks = {v: k for k, v in enumerate(sorted(set(values)))}
    assert [m.id for m in models] == ordered_ids(world, TODAY, [ranks[v] for v in values])[:1200]


def test_the_unsorted_listing_is_in_id_order(hub, world):
    first = list(api(hub).list_models(limit=300))
    assert [m.id for m in first] == [str(m) for m in world.model_ids[:300]]


def test_served_counters_equal_the_ground_truth(hub, world):
    for day in (date(2023, 5, 1), TODAY):
        models = list(api(hub, day).list_models(sort="downloads", expand=["downloads", "downloadsAllTime"]))
        assert len(models) == world.n_visible(day)
        downloads_30d, all_time = world.downloads_30d(day), world.downloads_all_time(day)
        for m in models:
            i = world.index_of(m.id)
            assert (m.downloads, m.downloads_all_time) == (downloads_30d[i], all_time[i])


def test_a_listing_of_n_costs_one_request_per_page(small_pages, world):
    for limit in (1, 100, 101, 1000, 1234):
        before = small_pages.request_count("/api/models")
        models = list(api(small_pages).list_models(sort="downloads", limit=limit))
        assert len(models) == limit
        assert small_pages.request_count("/api/models") - before == math.ceil(limit / 100)
    before = small_pages.request_count("/api/models")
    everything = list(api(small_pages, date(2022, 6, 1)).list_models(sort="likes"))
    assert len(everything) == world.n_visible(date(2022, 6, 1))
    assert small_pages.request_count("/api/models") - before == math.ceil(len(everything) / 100)


def test_pages_link_to_the_next_one_with_a_cursor_until_the_last(small_pages, world):
    expected = ordered_ids(world, TODAY, world.downloads_30d(TODAY))
    url = small_pages.endpoint_for(TODAY) + "/api/models"
    with httpx2.Client() as client:
        first = client.get(url, params={"sort": "downloads", "limit": 3})
        assert [item["id"] for item in first.json()] == expected[:3]
        next_url = first.links["next"]["url"]
        assert next_url.startswith(url + "?") and "sort=downloads" in next_url and "limit=3" in next_url
        cursor = httpx2.URL(next_url).params["cursor"]
        third = first.json()[2]
        assert json.loads(base64.b64decode(cursor)) == {
            "$or": [
                {"downloads": third["downloads"], "_id": {"$gt": third["_id"]}},
                {"downloads": {"$lt": third["downloads"]}},
            ]
        }
        second = client.get(next_url)
        assert [item["id"] for item in second.json()] == expected[3:6]
        # a listing that ends: the last page has no link
        author = str(world.model_ids[0]).split("/")[0]
        received, page = [], client.get(url, params={"author": author, "limit": 7})
        while True:
            received += page.json()
            if "next" not in page.links:
                break
            page = client.get(page.links["next"]["url"])
    own = [str(m) for m in world.model_ids[: world.n_visible(TODAY)] if str(m).startswith(author + "/")]
    assert [item["id"] for item in received] == own


def test_filters_select_like_the_hub(hub, world, served_today):
    cases = [
        dict(filter="gguf"),
        dict(filter=["text-generation", "safetensors", "conversational"]),
        dict(pipeline_tag="text-to-image"),
        dict(pipeline_tag="no-such-task"),
        dict(author="Qwen"),
        dict(search="LLAMA"),
        dict(search="qwen", filter="gguf", pipeline_tag="text-generation"),
        dict(filter="license:apache-2.0", author=str(world.model_ids[5000]).split("/")[0]),
    ]
    downloads = world.downloads_30d(TODAY)
    for params in cases:
        tags = [params["filter"]] if isinstance(params.get("filter"), str) else params.get("filter", [])
        keep = [
            all(t in r["tags"] for t in tags)
            and ("pipeline_tag" not in params or r.get("pipeline_tag") == params["pipeline_tag"])
            and ("author" not in params or r["author"] == params["author"])
            and ("search" not in params or params["search"].lower() in r["id"].lower())
            for r in served_today
        ]
        models = list(api(hub).list_models(sort="downloads", **params))
        assert [m.id for m in models] == ordered_ids(world, TODAY, downloads, keep), params
    assert sum(1 for _ in api(hub).list_models(filter="gguf")) > 100


def test_expand_serves_id_and_exactly_the_requested_fields(hub, world):
    url = hub.endpoint_for(TODAY) + "/api/models"
    for expand in (
        ["downloads"],
        ["safetensors", "gguf", "tags"],
        LISTING_EXPAND,
        ["siblings", "sha", "config"],
    ):
        items = httpx2.get(url, params={"sort": "downloads", "limit": 200, "expand": expand}).json()
        for item in items:
            i = world.index_of(item["id"])
            assert item == world.record(i, TODAY, expand=expand)
            assert list(item)[:2] == ["_id", "id"] and set(item) - {"_id", "id"} <= set(expand)
        assert all("downloads" in item for item in items) == ("downloads" in expand)


def test_default_and_full_items_have_the_hubs_fields_in_order(hub, world):
    url = hub.endpoint_for(TODAY) + "/api/models"
    for params, fields in (({}, DEFAULT_LISTING_FIELDS), ({"full": "true"}, FULL_LISTING_FIELDS)):
        items = httpx2.get(url, params={"sort": "likes", "limit": 500, **params}).json()
        for item in items:
            assert [f for f in fields if f in item] == list(item)
            assert item["id"] == item.get("modelId", item["id"])
            assert item == world.record(world.index_of(item["id"]), TODAY, full=bool(params))
        assert {"pipeline_tag" in item for item in items} == {True, False}  # absent when valueless
    assert all(isinstance(s["rfilename"], str) for item in items for s in item["siblings"])


def test_every_served_record_parses_as_a_model_info(hub, world):
    expanded = list(api(hub).list_models(expand=LISTING_EXPAND))
    earlier = date(2023, 12, 31)
    full = list(api(hub, earlier).list_models(full=True))
    assert len(expanded) == world.n_visible(TODAY) and len(full) == world.n_visible(earlier)
    for m in expanded:
        truth = world.true_parameters[world.index_of(m.id)]
        assert m.safetensors is None or m.safetensors.total <= truth
        assert m.gguf is None or m.gguf["total"] == truth
    assert all(m.siblings and m.sha and m.author for m in full)


def test_the_as_of_prefix_serves_the_world_of_that_day(hub, world):
    for day in (date(2021, 3, 1), date(2023, 9, 30), date(2025, 12, 31)):
        newest = next(iter(api(hub, day).list_models(sort="created_at", limit=1)))
        assert newest.id == str(world.model_ids[world.n_visible(day) - 1])
        assert world.created_date_of(newest.id) <= day
    without_prefix = list(HfApi(endpoint=hub.base_url).list_models(sort="downloads", limit=50))
    assert [m.id for m in without_prefix] == [m.id for m in api(hub).list_models(sort="downloads", limit=50)]


def test_model_info_is_the_full_record_and_parses(hub, world):
    client = api(hub)
    sample = np.random.default_rng(0).choice(world.n_visible(TODAY), 150, replace=False).tolist()
    for i in sample:
        model_id = str(world.model_ids[i])
        info = client.model_info(model_id)
        assert isinstance(info, ModelInfo) and info.id == model_id
        assert info.siblings and info.sha and info.author == model_id.split("/")[0]
        assert info.tags == world.record(i, TODAY)["tags"]
        raw = world.model_info(model_id, TODAY, None)
        assert (info.safetensors is None) == ("safetensors" not in raw)
        assert info.used_storage == raw["usedStorage"] > 0
