"""The simulated Hub renames repositories on known days, keeping `_id`, as owners do on the Hub.

Checked over HTTP (httpx2 for the JSON as served, since `huggingface_hub`'s ModelInfo drops `_id`; the real
client for `model_info`): listings serve the old name before the
rename and only the new one from its day on, with the same `_id` and counters; `model_info` on
the old name answers with the renamed model (the Hub redirects); other cards' `base_model:` tags
keep the old name. The default world renames nothing.
"""

from datetime import date, timedelta

import httpx2
import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import RepositoryNotFoundError

from simulated_hub.renames import KINDS
from simulated_hub.server import SimulatedHub
from simulated_hub.world import SyntheticWorld, WorldConfig

RENAME_DAYS = (date(2025, 1, 3), date(2025, 1, 6))
TOP_N = 400


@pytest.fixture(scope="module")
def renaming_world() -> SyntheticWorld:
    return SyntheticWorld(WorldConfig(today=date(2025, 1, 8), n_models=2000, rename_days=RENAME_DAYS))


@pytest.fixture(scope="module")
def renaming_hub(renaming_world):
    with SimulatedHub(renaming_world, page_size_cap=1000) as running:
        yield running


def served(hub: SimulatedHub, day: date) -> dict[str, str]:
    """`_id` -> name of the `TOP_N` most downloaded models served on `day`."""
    response = httpx2.get(
        f"{hub.endpoint_for(day)}/api/models",
        params={"sort": "downloads", "limit": TOP_N, "expand": ["downloadsAllTime", "author"]},
    )
    return {item["_id"]: item["id"] for item in response.json()}


def test_the_default_world_renames_nothing(world):
    assert world.rename_events == []


def test_events_are_deterministic_and_of_every_kind(renaming_world):
    again = SyntheticWorld(renaming_world.config)
    assert again.rename_events == renaming_world.rename_events
    assert len(renaming_world.rename_events) == len(RENAME_DAYS) * len(KINDS)
    for day in RENAME_DAYS:
        assert sorted(e.kind for e in renaming_world.rename_events if e.day == day) == sorted(KINDS)
    assert len({e.index for e in renaming_world.rename_events}) == len(renaming_world.rename_events)
    for event in renaming_world.rename_events:
        assert event.object_id == renaming_world.object_id(event.index)


def test_listings_serve_the_old_name_before_the_rename_and_only_the_new_one_after(
    renaming_hub, renaming_world
):
    for event in renaming_world.rename_events:
        before = served(renaming_hub, event.day - timedelta(days=1))
        after = served(renaming_hub, event.day)
        assert before.get(event.object_id) == event.old_name
        if event.object_id in after:
            assert after[event.object_id] == event.new_name
        assert event.old_name not in after.values()
        assert event.new_name not in before.values()


def test_a_transfer_changes_the_author(renaming_hub, renaming_world):
    for event in renaming_world.rename_events:
        if event.kind != "owner_transfer":
            continue
        info = HfApi(endpoint=renaming_hub.endpoint_for(event.day)).model_info(
            event.new_name, expand=["author"]
        )
        assert info.author == event.new_name.split("/")[0] != event.old_name.split("/")[0]


def test_the_old_name_redirects_and_the_new_one_is_unknown_before(renaming_hub, renaming_world):
    for event in renaming_world.rename_events:
        api_after = HfApi(endpoint=renaming_hub.endpoint_for(event.day))
        assert api_after.model_info(event.old_name, expand=["downloadsAllTime"]).id == event.new_name
        redirected = httpx2.get(f"{renaming_hub.endpoint_for(event.day)}/api/models/{event.old_name}").json()
        assert (redirected["id"], redirected["_id"]) == (event.new_name, event.object_id)
        api_before = HfApi(endpoint=renaming_hub.endpoint_for(event.day - timedelta(days=1)))
        assert api_before.model_info(event.old_name, expand=["downloadsAllTime"]).id == event.old_name
        with pytest.raises(RepositoryNotFoundError):
            api_before.model_info(event.new_name, expand=["downloadsAllTime"])


def test_cards_naming_a_renamed_base_keep_its_old_name(renaming_world):
    first_of_day = [e for e in renaming_world.rename_events if e.kind == KINDS[0]]
    for event in first_of_day:
        tags = {
            tag
            for i in range(renaming_world.n_visible(event.day))
            for tag in renaming_world.record(i, event.day, expand=["tags"]).get("tags", [])
            if tag.startswith("base_model:") and tag.endswith(event.old_name)
        }
        assert tags, event
        assert not any(tag.endswith(event.new_name) for tag in tags)
