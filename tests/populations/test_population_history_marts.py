"""The `language_models` rows of the history marts that split by class against the simulated
Hub's ground truth (tests/populations/conftest.py runs the pipeline over two days).

Expected values come from the world: which models each listing served each day (the Hub's
responses as stored in raw, which tests/history checks against the world's listings; the top
listing straight from `world.listing`), their one-day downloads (`world.daily_downloads`), their
creation dates, and whether each is a language model (`world.is_language_model`). Models are
keyed by the world's index, so a renamed model is one model.

Two decisions are the pipeline's own, read from the warehouse, and why:
- a model's class on a day is the one the pipeline gave it that day
  (intermediate.int_model_observations), as in tests/history/ground_truth.py: the class comes
  from a size resolved from weights, a base model or a name, whose resolution has tests of its
  own against the world's true sizes (tests/sizes); these tests check the population split and
  the sums, not the classification;
- a model the pipeline could not decide (int_model_modality's flag NULL: no pipeline tag nor
  other evidence) is counted apart, in n_unknown_modality. The world knows every model's modality;
  "undecided" is a fact of the evidence the Hub serves, so only the pipeline can say which
  models it is (tests/populations/test_populations.py checks that every decided flag is the
  world's and that the undecided ones have no evidence).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from tests.populations.conftest import DAYS, SIZES, PopulationRun

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

FIRST_DAY, DAY = DAYS
OLD_MODEL_AGE_DAYS = 365  # dbt var old_model_age_days


@dataclass
class Facts:
    """What the tests need, by the world's model index."""

    observed: dict[date, set[int]]  # the models the listings served each day
    classes: dict[tuple[date, int], str]  # the pipeline's class of each model-day
    flags: dict[int, bool | None]  # the pipeline's modality flag (None: undecided)
    language: dict[int, bool]  # the world's: is the model a language model

    def population_of(self, index: int) -> str | None:
        """`language` (counted), `unknown_modality` (counted apart) or None (not a language model)."""
        if self.flags[index] is None:
            return "unknown_modality"
        return "language" if self.language[index] else None


@pytest.fixture(scope="module")
def facts(population_run: PopulationRun) -> Facts:
    world = population_run.world
    index: dict[str, int] = {}

    def of(model_id: str) -> int:
        if model_id not in index:
            index[model_id] = world.index_of(model_id)
        return index[model_id]

    observed: dict[date, set[int]] = defaultdict(set)
    served = population_run.query("select distinct snapshot_date, model_id from raw.hub_model_snapshots")
    for day, model_id in served:
        observed[day].add(of(model_id))
    classes = {
        (day, of(model_id)): cls
        for day, model_id, cls in population_run.query(
            "select snapshot_date, model_id, model_class from intermediate.int_model_observations"
        )
    }
    flags = {
        of(model_id): flag
        for model_id, flag in population_run.query(
            "select model_id, is_language_model from intermediate.int_model_modality"
        )
    }
    language = {i: world.is_language_model(str(world.model_ids[i])) for i in flags}
    return Facts(dict(observed), classes, flags, language)


def one_day_models(facts: Facts, day: date) -> set[int]:
    """The models observed on `day` and the day before: the day's one-day intervals."""
    return facts.observed[day] & facts.observed.get(day - timedelta(days=1), set())


def test_the_two_days_hold_every_kind_of_model(facts: Facts):
    """The one-day population of the second day has language models, other models and models
    of unknown modality: the language_models rows are not the all_models rows."""
    kinds = Counter(facts.population_of(i) for i in one_day_models(facts, DAY))
    assert kinds["language"] and kinds[None] and kinds["unknown_modality"], kinds


def language_day_counts(population_run: PopulationRun, facts: Facts) -> dict[str, Counter]:
    """Per class, the world's one-day downloads of DAY over the language models (n_models,
    downloads, and for the age mart n_models_old, downloads_old) and over the models of undecided
    modality (n_unknown_modality, downloads_unknown_modality)."""
    world = population_run.world
    downloads = world.daily_downloads(DAY)
    expected: dict[str, Counter] = defaultdict(Counter)
    for i in one_day_models(facts, DAY):
        kind = facts.population_of(i)
        if kind is None:
            continue
        counts = expected[facts.classes[(DAY, i)]]
        if kind == "language":
            is_old = (DAY - world.created_date_of(str(world.model_ids[i]))).days > OLD_MODEL_AGE_DAYS
            counts["n_models"] += 1
            counts["n_models_old"] += is_old
            counts["downloads"] += int(downloads[i])
            counts["downloads_old"] += int(downloads[i]) if is_old else 0
        else:
            counts["n_unknown_modality"] += 1
            counts["downloads_unknown_modality"] += int(downloads[i])
    return expected


def test_language_models_daily_downloads_by_class_equal_the_worlds(
    population_run: PopulationRun, facts: Facts
):
    downloads = population_run.world.daily_downloads(DAY)
    every_model = sum(int(downloads[i]) for i in one_day_models(facts, DAY))
    expected = language_day_counts(population_run, facts)
    total = sum(c["downloads"] for c in expected.values())
    known = sum(c["downloads"] for cls, c in expected.items() if cls in ("SLM", "LLM"))
    # the language models draw part of the day's downloads, not all of them
    assert 0 < total < every_model
    stored = population_run.query(
        "select model_class, n_models, downloads, n_unknown_modality, downloads_unknown_modality, share_pct, "
        "known_share_pct, rolling_7d_share_pct, rolling_7d_known_share_pct, rolling_7d_days "
        "from marts.daily_downloads_by_class where population = 'language_models' and snapshot_date = ?",
        [DAY],
    )
    assert {cls: tuple(row[:4]) for cls, *row in stored} == {
        cls: (c["n_models"], c["downloads"], c["n_unknown_modality"], c["downloads_unknown_modality"])
        for cls, c in expected.items()
    }
    for cls, _, got, _, _, share, known_share, rolling, rolling_known, days in stored:
        # shares of the language models' own downloads
        assert share == pytest.approx(100 * got / total, abs=1e-9), cls
        if cls in ("SLM", "LLM"):
            assert known_share == pytest.approx(100 * got / known, abs=1e-9), cls
        else:
            assert known_share is None
        # the first day has no one-day interval: the 7-day window holds this day only
        assert (rolling, rolling_known, days) == (share, known_share, 1), cls
    # the first day has none either
    assert not population_run.query(
        "select 1 from marts.daily_downloads_by_class where snapshot_date = ?", [FIRST_DAY]
    )


def test_language_models_monthly_downloads_equal_the_worlds(population_run: PopulationRun, facts: Facts):
    """January 2025 holds the one-day intervals ending on the second day (the first day's
    observations have no previous one): the world's downloads of that day, flagged incomplete."""
    expected = language_day_counts(population_run, facts)
    stored = population_run.query(
        "select month_start, model_class, n_models, n_intervals, downloads, n_unknown_modality, "
        "downloads_unknown_modality, is_complete_month from marts.monthly_downloads_by_class "
        "where population = 'language_models'"
    )
    assert {(month, cls): tuple(row) for month, cls, *row in stored} == {
        (date(2025, 1, 1), cls): (
            c["n_models"],
            c["n_models"],  # one interval per model
            c["downloads"],
            c["n_unknown_modality"],
            c["downloads_unknown_modality"],
            False,
        )
        for cls, c in expected.items()
    }


def test_language_models_download_share_by_model_age_equals_the_worlds(
    population_run: PopulationRun, facts: Facts
):
    expected = language_day_counts(population_run, facts)
    # old and recent language models both draw downloads
    old = sum(c["downloads_old"] for c in expected.values())
    assert 0 < old < sum(c["downloads"] for c in expected.values())
    stored = population_run.query(
        "select model_class, n_models, n_models_old, downloads, downloads_old, downloads_unknown_age, "
        "n_unknown_modality, downloads_unknown_modality, old_share_pct "
        "from marts.download_share_by_model_age where population = 'language_models' and snapshot_date = ?",
        [DAY],
    )
    # every model of the world has a creation date: no download of unknown age
    assert {cls: tuple(row[:7]) for cls, *row in stored} == {
        cls: (
            c["n_models"],
            c["n_models_old"],
            c["downloads"],
            c["downloads_old"],
            0,
            c["n_unknown_modality"],
            c["downloads_unknown_modality"],
        )
        for cls, c in expected.items()
    }
    for cls, _, _, got, old, *_, share in stored:
        assert share == (pytest.approx(100 * old / got, abs=1e-9) if got else None), cls


def test_language_models_slm_share_of_new_models_equals_the_worlds(
    population_run: PopulationRun, facts: Facts
):
    """As of the second day: each model the `new` listing or the world's top listing has shown
    once per creation week (the world's creation date), in the class of its latest observation."""
    world = population_run.world
    new_listing = {
        world.index_of(model_id)
        for (model_id,) in population_run.query(
            "select distinct model_id from raw.hub_model_snapshots where listing = 'new'"
        )
    }
    top_listing = {i for day in DAYS for i in world.listing(day, sort="downloads")[: SIZES.top_n].tolist()}
    expected: dict[tuple[str, date], Counter] = defaultdict(Counter)
    for source, models in (("new_listing", new_listing), ("top_listing", top_listing)):
        for i in models:
            kind = facts.population_of(i)
            if kind is None:
                continue
            created = world.created_date_of(str(world.model_ids[i]))
            counts = expected[(source, created - timedelta(days=created.weekday()))]
            if kind == "language":
                latest = max(day for day in DAYS if (day, i) in facts.classes)
                counts["n_models"] += 1
                counts[facts.classes[(latest, i)]] += 1
            else:
                counts["n_unknown_modality"] += 1
    stored = population_run.query(
        "select source_listing, creation_week, n_models, n_slm, n_llm, n_unknown, n_unknown_modality, "
        "slm_pct from marts.slm_share_of_new_models "
        "where population = 'language_models' and snapshot_date = ?",
        [DAY],
    )
    assert {(source, week): tuple(row[:5]) for source, week, *row in stored} == {
        key: (c["n_models"], c["SLM"], c["LLM"], c["unknown"], c["n_unknown_modality"])
        for key, c in expected.items()
    }
    for source, week, _, n_slm, n_llm, *_, slm_pct in stored:
        expected_pct = pytest.approx(100 * n_slm / (n_slm + n_llm), abs=1e-9) if n_slm + n_llm else None
        assert slm_pct == expected_pct, (source, week)
    # the new listing shows models that are not language models too
    assert any(facts.population_of(i) is None for i in new_listing)


def test_language_models_survival_by_class_equals_the_worlds(population_run: PopulationRun, facts: Facts):
    """Two days: the subjects are the models that enter the world's top listing on the second
    day, each still in it (censored at 0 days), on a curve of its class on the entry day."""
    world = population_run.world
    first, second = (set(world.listing(day, sort="downloads")[: SIZES.top_n].tolist()) for day in DAYS)
    expected: dict[str, Counter] = defaultdict(Counter)
    for i in second - first:
        kind = facts.population_of(i)
        if kind is not None:
            expected[facts.classes[(DAY, i)]][kind] += 1
    # a class's curve holds its language-model subjects; the undecided are counted beside it
    curves = {cls: c for cls, c in expected.items() if c["language"]}
    assert curves, "no language model enters the top listing on the second day"
    stored = population_run.query(
        "select snapshot_date, model_class, days_since_entry, n_at_risk, n_events, n_censored, survival_pct, "
        "n_unknown_modality from marts.survival_by_class where population = 'language_models'"
    )
    assert sorted(stored) == sorted(
        (DAY, cls, 0, c["language"], 0, c["language"], 100.0, c["unknown_modality"])
        for cls, c in curves.items()
    )
