"""The simulated Hub's world holds the populations the population marts count, and its ground
truth of modality and family roots follows the rules stated in simulated_hub/world.py."""

import itertools
from collections import Counter

import pytest

from simulated_hub.world import SyntheticWorld
from tests.simulated_hub.conftest import TODAY

TOP_N = 3000


@pytest.fixture(scope="module")
def visible_ids(world: SyntheticWorld) -> list[str]:
    return [str(model_id) for model_id in world.model_ids[: world.n_visible(TODAY)].tolist()]


def test_the_world_has_every_population_the_questions_need(world: SyntheticWorld, visible_ids: list[str]):
    sizes = world.true_parameters
    index = {model_id: i for i, model_id in enumerate(visible_ids)}
    non_language_llms = [m for m in visible_ids if not world.is_language_model(m) and sizes[index[m]] >= 7e9]
    language_slms = [m for m in visible_ids if world.is_language_model(m) and sizes[index[m]] < 7e9]
    depths = Counter(len(world.family_lineage_of(m)) - 1 for m in visible_ids)
    merges = [m for m in visible_ids if world.kind_of(m) == "merge" and len(world.declared_bases_of(m)) >= 2]
    top = set(world.listing(TODAY, sort="downloads")[:TOP_N].tolist())
    assert len(non_language_llms) >= 10  # large diffusion, vision, speech models
    assert len(language_slms) >= 1000
    assert sum(n for depth, n in depths.items() if depth >= 3) >= 50
    assert len(merges) >= 50
    assert len(visible_ids) - len(top) >= 10_000


def test_a_family_root_is_reached_through_declared_existing_bases(
    world: SyntheticWorld, visible_ids: list[str]
):
    sizes = world.true_parameters
    visible = set(visible_ids)
    for model_id in visible_ids:
        lineage = world.family_lineage_of(model_id)
        assert len(set(lineage)) == len(lineage)
        for child, parent in itertools.pairwise(lineage):
            bases = [base for _, base in world.declared_bases_of(child) if base != child]
            assert parent in bases
            # the largest declared base that exists, the first declared on a tie
            existing = [base for base in bases if base in visible]
            largest = max(int(sizes[world.index_of(base)]) for base in existing)
            first_largest = next(base for base in existing if int(sizes[world.index_of(base)]) == largest)
            assert parent == first_largest
        root = lineage[-1]
        assert not [base for _, base in world.declared_bases_of(root) if base != root and base in visible]


def test_language_models_are_the_text_task_groups(world: SyntheticWorld, visible_ids: list[str]):
    flags: dict[str | None, set[bool]] = {}
    for model_id in visible_ids:
        flags.setdefault(world.pipeline_tag_of(model_id), set()).add(world.is_language_model(model_id))
    for tag in (
        "text-generation",
        "fill-mask",
        "sentence-similarity",
        "feature-extraction",
        "image-text-to-text",
    ):
        assert flags[tag] == {True}, tag
    for tag in ("text-to-image", "automatic-speech-recognition", "image-classification", "text-to-speech"):
        assert flags[tag] == {False}, tag
    # models without a pipeline tag are of every kind
    assert flags[None] == {True, False}
    assert (
        world.task_modality_of(next(m for m in visible_ids if world.pipeline_tag_of(m) == "text-to-video"))
        == "video"
    )
