"""What the simulated Hub refuses, as the Hub does, and `model_info` (`GET /api/models/{id}`)."""

from datetime import date, timedelta

import httpx2
import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import BadRequestError, RepositoryNotFoundError

from simulated_hub.server import SimulatedHub
from simulated_hub.world import SyntheticWorld
from tests.simulated_hub.conftest import TODAY


def get(hub: SimulatedHub, path: str, **params) -> httpx2.Response:
    return httpx2.get(hub.base_url + path, params=params)


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("/as-of/2025-13-01/api/models", {}, "Invalid snapshot date"),
        ("/as-of/20250108/api/models", {}, "Invalid snapshot date"),
        ("/as-of/yesterday/api/models", {}, "Invalid snapshot date"),
        ("/as-of/2020-12-31/api/models", {}, "No snapshot for 2020-12-31"),
        ("/as-of/2030-01-01/api/models", {}, "No snapshot for 2030-01-01"),
        ("/as-of/2020-12-31/api/models/google/gemma-2b", {}, "No snapshot"),
        ("/api/models", {"sort": "popularity"}, '"sort" must be one of'),
        ("/api/models", {"limit": "0"}, '"limit" must be a positive integer'),
        ("/api/models", {"limit": "ten"}, '"limit" must be a positive integer'),
        ("/api/models", {"expand": "colour"}, '"expand" must be one of'),
        ("/api/models", {"expand": ["downloads", "baseModels"]}, "not allowed when listing"),
        ("/api/models", {"expand": "childrenModelCount"}, "not allowed when listing"),
        ("/api/models", {"expand": "usedStorage"}, "not allowed when listing"),
        ("/api/models", {"expand": "downloads", "full": "true"}, "cannot be combined"),
        ("/api/models", {"expand": "downloads", "config": "true"}, "cannot be combined"),
        ("/api/models", {"cursor": "not base64!"}, "Invalid cursor"),
        ("/api/models", {"cursor": "eyJfaWQiOjF9"}, "Invalid cursor"),  # {"_id":1}
        ("/api/models/google/gemma-2b", {"expand": "colour"}, '"expand" must be one of'),
    ],
)
def test_bad_requests_get_a_400_with_the_hubs_error_body(hub, path, params, message):
    response = get(hub, path, **params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert message in response.json()["error"]
    assert set(response.json()) == {"error"}


def test_the_client_refuses_expand_with_full_and_reports_server_refusals(hub):
    client = HfApi(endpoint=hub.endpoint_for(TODAY))
    with pytest.raises(ValueError, match="expand"):
        list(client.list_models(expand=["downloads"], full=True))
    with pytest.raises(BadRequestError, match="not allowed when listing"):
        list(client.list_models(expand=["baseModels"], limit=5))


def test_unknown_routes_are_404(hub):
    assert get(hub, "/api/datasets").status_code == 404
    assert get(hub, "/as-of/2025-01-08/").status_code == 404


def test_an_unknown_model_is_a_repository_not_found(hub, world: SyntheticWorld):
    client = HfApi(endpoint=hub.endpoint_for(TODAY))
    with pytest.raises(RepositoryNotFoundError):
        client.model_info("nobody/nothing")
    response = get(hub, "/api/models/nobody/nothing")
    assert response.status_code == 404
    assert response.headers["x-error-code"] == "RepoNotFound"
    assert response.json() == {"error": "Repository not found"}
    # a model does not exist before its creation day
    newest = str(world.model_ids[world.n_visible(TODAY) - 1])
    created = world.created_date_of(newest)
    with pytest.raises(RepositoryNotFoundError):
        HfApi(endpoint=hub.endpoint_for(created - timedelta(days=1))).model_info(newest)
    assert HfApi(endpoint=hub.endpoint_for(created)).model_info(newest).id == newest


def test_model_info_expands_the_model_tree(hub, world: SyntheticWorld):
    client = HfApi(endpoint=hub.endpoint_for(TODAY))
    served = world.listing_items(list(range(world.n_visible(TODAY))), TODAY, ("tags",), False)
    children: dict[str, int] = {}
    for record in served:
        for tag in record["tags"]:
            if tag.startswith("base_model:") and tag.count(":") == 1:
                children[tag.removeprefix("base_model:")] = (
                    children.get(tag.removeprefix("base_model:"), 0) + 1
                )
    world_ids = set(world.model_ids.tolist())
    by_relation: dict[str, list[dict]] = {}
    for record in served:
        relations = {
            t.split(":")[1] for t in record["tags"] if t.startswith("base_model:") and t.count(":") == 2
        }
        by_relation.setdefault(min(relations, default="none"), []).append(record)
    sample = [r for records in by_relation.values() for r in records[:: max(1, len(records) // 40)]]
    checked = set()
    for record in sample:
        declared = [
            t.split(":", 2) for t in record["tags"] if t.startswith("base_model:") and t.count(":") == 2
        ]
        info = client.model_info(
            record["id"], expand=["baseModels", "childrenModelCount", "usedStorage", "author"]
        )
        assert info.children_model_count == children.get(record["id"], 0)
        assert info.author == record["id"].split("/")[0] and info.used_storage > 0
        if not declared:
            assert info.base_models is None
            continue
        existing = [base for _, _, base in declared if base in world_ids]
        if not existing:  # a base absent from the world (deleted or private) is not in the tree
            assert info.base_models is None
            continue
        assert info.base_models["relation"] == declared[0][1]
        assert [m["id"] for m in info.base_models["models"]] == existing
        assert all(m["_id"] == world.object_id(world.index_of(m["id"])) for m in info.base_models["models"])
        checked.add(declared[0][1])
    assert checked == {"finetune", "adapter", "quantized", "merge"}


def test_model_info_with_expand_serves_id_and_the_requested_fields(hub, world: SyntheticWorld):
    model_id = str(world.model_ids[10])
    response = get(
        hub, f"/as-of/{TODAY}/api/models/{model_id}", expand=["downloads", "sha", "spaces", "inference"]
    )
    assert list(response.json()) == ["_id", "id", "downloads", "sha", "spaces"]
    assert response.json()["downloads"] == world.downloads_30d(TODAY)[10]
    assert (
        world.model_info(model_id, date(2025, 1, 8), ("downloads",))["downloads"]
        == response.json()["downloads"]
    )


class _BrokenCatalog:
    first_day = last_day = today = TODAY

    def sorted_listing(self, day, query):
        raise RuntimeError("a bug")


def test_a_bug_in_a_catalogue_is_a_500_with_the_hubs_error_body():
    with SimulatedHub(_BrokenCatalog()) as hub:
        response = get(hub, "/api/models")
    assert response.status_code == 500 and "error" in response.json()
