"""The `language_models` rows of the study marts against the simulated Hub's ground truth
(tests/populations/conftest.py runs the pipeline).

Expected values come from the world: the models of its top listing each day, whether each is a
language model (its task), the task tags its records carry. A model's class is its size as the
pipeline resolved it (the size resolution has tests of its own, tests/sizes), with the study's
threshold written here. A model the pipeline could not decide (int_model_modality's flag NULL: no
pipeline tag nor other evidence; tests/populations/test_populations.py checks that every decided
flag is the world's) is counted apart, in n_unknown_modality.
"""

import csv
from collections import Counter
from pathlib import Path

import pytest

from orchestration.defs.hub.listings import EXPANDED_FIELDS
from tests.populations.conftest import DAYS, PopulationRun
from tests.populations.test_populations import listing_members, root_classes

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

SEED = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "hub_pipeline_tags.csv"
# The populations slm_share_by_population measures on the top listing (the census gives the fourth).
POPULATIONS = ("all_models", "language_models", "language_model_families")


def modality_flags(run: PopulationRun) -> dict[str, bool | None]:
    return dict(run.query("select model_id, is_language_model from intermediate.int_model_modality"))


def test_language_models_class_split_of_the_top_listing_equals_the_worlds(population_run: PopulationRun):
    world = population_run.world
    flags = modality_flags(population_run)
    classes = root_classes(population_run)
    for day in DAYS:
        members = [str(world.model_ids[i]) for i in listing_members(population_run, day, "top")]
        language_models: Counter = Counter()
        unknown_modality: Counter = Counter()
        for model_id in members:
            if flags[model_id] is None:
                unknown_modality[classes[model_id]] += 1
            elif world.is_language_model(model_id):
                language_models[classes[model_id]] += 1
        # the day's top listing holds every kind: language models, others, undecided models
        assert sum(language_models.values()) < len(members) - sum(unknown_modality.values())
        assert sum(unknown_modality.values()) > 0, day
        stored = population_run.query(
            "select model_class, n_models, n_unknown_modality, pct from marts.class_split "
            "where snapshot_date = ? and listing = 'top' and population = 'language_models'",
            [day],
        )
        assert {cls: (n, unknown) for cls, n, unknown, _ in stored} == {
            cls: (language_models[cls], unknown_modality[cls]) for cls in language_models | unknown_modality
        }
        total = sum(language_models.values())
        for cls, n, _, pct in stored:
            assert pct == pytest.approx(100 * n / total, abs=1e-9), (day, cls)


def test_language_models_tags_by_class_equal_the_worlds(population_run: PopulationRun):
    """The task tags of the top listing's language models, per class: no diffusion, detection or
    image-classification task among them."""
    world = population_run.world
    with SEED.open(encoding="utf-8") as seed:
        tasks = {row["tag"]: row["is_language_model"] == "true" for row in csv.DictReader(seed)}
    flags = modality_flags(population_run)
    classes = root_classes(population_run)
    day = DAYS[-1]
    expected: Counter = Counter()
    unknown_modality: Counter = Counter()
    for index in listing_members(population_run, day, "top"):
        model_id = str(world.model_ids[index])
        record = world.record(index, day, expand=list(EXPANDED_FIELDS))
        for tag in set(record.get("tags") or []) & set(tasks):
            key = (classes[model_id], tag)
            if flags[model_id] is None:
                unknown_modality[key] += 1
            elif world.is_language_model(model_id):
                expected[key] += 1
    stored = population_run.query(
        "select model_class, tag, n_models, n_unknown_modality from marts.tags_by_class "
        "where snapshot_date = ? and population = 'language_models'",
        [day],
    )
    assert {(cls, tag): (n, unknown) for cls, tag, n, unknown in stored} == {
        key: (expected[key], unknown_modality[key]) for key in expected | unknown_modality
    }
    assert {tag for (_, tag) in expected} <= {tag for tag, is_language in tasks.items() if is_language}
    every_tag = population_run.query(
        "select distinct tag from marts.tags_by_class where snapshot_date = ? and population = 'all_models'",
        [day],
    )
    assert any(not tasks[tag] for (tag,) in every_tag), "the study's view lists no task of another model"


def test_slm_share_by_population_of_the_top_listing_equals_the_worlds(population_run: PopulationRun):
    """Models and language models as class_split counts them; language-model families from the
    world's family roots: each family with a member in the top listing once, rooted in a language
    model, of its root's class."""
    world = population_run.world
    flags = modality_flags(population_run)
    classes = root_classes(population_run)
    for day in DAYS:
        members = [str(world.model_ids[i]) for i in listing_members(population_run, day, "top")]
        expected: dict[str, Counter] = {name: Counter() for name in POPULATIONS}
        for model_id in members:
            expected["all_models"][classes[model_id]] += 1
            if flags[model_id] is None:
                expected["language_models"]["unknown_modality"] += 1
            elif world.is_language_model(model_id):
                expected["language_models"][classes[model_id]] += 1
        for root in {world.family_root_of(model_id) for model_id in members}:
            if flags[root] is None:
                expected["language_model_families"]["unknown_modality"] += 1
            elif world.is_language_model(root):
                expected["language_model_families"][classes[root]] += 1
        # derivatives share families: fewer families than language models
        assert sum(expected["language_model_families"].values()) < sum(expected["language_models"].values())
        stored = population_run.query(
            "select population, measured_on, n_units, n_slm, n_llm, n_unknown_size, n_unknown_modality, "
            "slm_pct from marts.slm_share_by_population where snapshot_date = ?",
            [day],
        )
        assert {population for population, *_ in stored} == set(POPULATIONS)
        for population, measured_on, n_units, n_slm, n_llm, n_unknown, n_unknown_modality, slm_pct in stored:
            counts = expected[population]
            assert measured_on == day
            assert (n_slm, n_llm, n_unknown, n_unknown_modality) == (
                counts["SLM"],
                counts["LLM"],
                counts["unknown"],
                counts["unknown_modality"],
            ), (day, population)
            assert n_units == counts["SLM"] + counts["LLM"] + counts["unknown"], (day, population)
            assert slm_pct == pytest.approx(100 * n_slm / (n_slm + n_llm), abs=1e-9), (day, population)
