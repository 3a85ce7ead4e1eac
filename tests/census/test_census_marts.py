"""The census marts against the simulated world's ground truth, through the real pipeline
(tests/census/conftest.py: a daily snapshot, then the `hub_census` job).

Exact against the world: the census's models (every model existing on the day, once), their
creation months, their language-model flags (every model the modality decision decides; the
undecided counted apart, as tests/populations does), and the class of every model whose size
comes from its own weights. A size read from a name can mislead (the world writes `7b` names on
1 B models, as the Hub does): those classes agree with the world for at least 99 % of the models,
the bound tests/test_pipeline_end_to_end.py sets for the daily path.
"""

from collections import Counter
from datetime import timedelta

import pytest

from tests.census.conftest import DAY

pytestmark = pytest.mark.slow

SLM_MAX_PARAMS = 7_000_000_000  # the study's threshold: >= 7e9 is an LLM
MIN_CLASS_AGREEMENT = 0.99


def true_class(world, model_id: str) -> str:
    return "LLM" if world.true_parameters_of(model_id) >= SLM_MAX_PARAMS else "SLM"


def world_models(world) -> list[str]:
    return [str(model_id) for model_id in world.model_ids[world.visible(DAY)]]


@pytest.fixture(scope="module")
def classified(census_run) -> dict[str, tuple]:
    rows = census_run.query(
        "select model_id, model_class, parameter_source, is_language_model, created_at "
        "from intermediate.int_census_models__classified where census_date = ?",
        [DAY],
    )
    return {model_id: rest for model_id, *rest in rows}


def test_the_runs_succeed(census_run):
    assert {name: result.success for name, result in census_run.results.items()} == {
        "daily_snapshot": True,
        "hub_census": True,
    }


def test_the_census_holds_every_model_of_the_world_once(census_run, classified):
    expected = world_models(census_run.world)
    assert sorted(classified) == sorted(expected)
    rows = census_run.query(
        "select population, n_units from marts.census_slm_share_by_population where snapshot_date = ?",
        [DAY],
    )
    assert dict(rows)["hub_all_models"] == len(expected)


def test_the_world_has_the_populations_the_census_must_tell_apart(census_run):
    world = census_run.world
    models = world_models(world)
    top = {str(world.model_ids[i]) for i in world.listing(DAY, sort="downloads")[:300]}
    assert any(not world.is_language_model(m) and true_class(world, m) == "LLM" for m in models)
    assert any(world.is_language_model(m) and true_class(world, m) == "SLM" for m in models)
    assert any(len(world.family_lineage_of(m)) - 1 >= 3 for m in models)
    assert any(world.kind_of(m) == "merge" and len(world.declared_bases_of(m)) >= 2 for m in models)
    assert len(set(models) - top) > 2 * len(top), "most of the Hub is never in the top N"


def test_every_decided_language_flag_is_the_worlds(census_run, classified):
    world = census_run.world
    decided = {m: row[2] for m, row in classified.items() if row[2] is not None}
    assert {m: world.is_language_model(m) for m in decided} == decided
    # the undecided are a minority, counted apart, never dropped
    assert 0 < len(classified) - len(decided) < 0.1 * len(classified)


def test_classes_agree_with_the_worlds_sizes(census_run, classified):
    world = census_run.world
    resolved = {m: row for m, row in classified.items() if row[0] in ("SLM", "LLM")}
    from_weights = {m: row[0] for m, row in resolved.items() if row[1] in ("safetensors", "gguf")}
    assert from_weights and from_weights == {m: true_class(world, m) for m in from_weights}
    agreeing = sum(row[0] == true_class(world, m) for m, row in resolved.items())
    assert agreeing >= MIN_CLASS_AGREEMENT * len(resolved)


def expected_population_counts(world, classified, language_only: bool) -> Counter:
    """Each census model counted by the world's class where the census resolved a size (the
    class the census gave it otherwise: only names can mislead, see the module docstring)."""
    counts: Counter = Counter()
    for model_id, (model_class, source, is_language_model, _) in classified.items():
        if language_only and not world.is_language_model(model_id):
            continue
        if language_only and is_language_model is None:
            continue
        if model_class in ("SLM", "LLM") and source in ("safetensors", "gguf"):
            model_class = true_class(world, model_id)
        counts[model_class] += 1
    return counts


def test_the_class_split_counts_the_worlds_models(census_run, classified):
    world = census_run.world
    rows = census_run.query(
        "select population, model_class, n_models from marts.census_class_split where census_date = ?",
        [DAY],
    )
    stored = {(population, cls): n for population, cls, n in rows}
    for population, language_only in (("all_models", False), ("language_models", True)):
        expected = expected_population_counts(world, classified, language_only)
        assert {cls: n for (p, cls), n in stored.items() if p == population} == dict(expected)
    # every model of the world in all_models; language models: the world's, minus the undecided
    assert sum(n for (p, _), n in stored.items() if p == "all_models") == len(world_models(world))
    undecided = sum(row[2] is None for row in classified.values())
    n_language = sum(world.is_language_model(m) for m in classified)
    undecided_language = sum(row[2] is None and world.is_language_model(m) for m, row in classified.items())
    assert sum(n for (p, _), n in stored.items() if p == "language_models") == n_language - undecided_language
    share = census_run.query(
        "select n_unknown_modality from marts.census_slm_share_by_population where snapshot_date = ?",
        [DAY],
    )
    assert {n for (n,) in share} == {undecided}


def test_the_share_by_creation_month_counts_the_worlds_months(census_run, classified):
    world = census_run.world
    rows = census_run.query(
        "select creation_month, n_slm + n_llm + n_unknown from marts.census_slm_share_by_creation_month "
        "where census_date = ? and population = 'all_models'",
        [DAY],
    )
    expected = Counter(world.created_date_of(m).replace(day=1) for m in world_models(world))
    assert dict(rows) == dict(expected)


def test_popularity_bias_puts_the_top_n_beside_the_whole_hub(census_run):
    rows = census_run.query(
        "select b.population, b.top_n_slm, b.top_n_llm, b.hub_slm, b.hub_llm, b.difference_pp, "
        "b.top_n_slm_pct - b.hub_slm_pct from marts.popularity_bias b where b.snapshot_date = ?",
        [DAY],
    )
    assert {row[0] for row in rows} == {"all_models", "language_models"}
    top = dict(
        census_run.query(
            "select model_class, n_models from marts.class_split where snapshot_date = ? and listing = 'top'",
            [DAY],
        )
    )
    hub = dict(
        census_run.query(
            "select model_class, n_models from marts.census_class_split "
            "where census_date = ? and population = 'all_models'",
            [DAY],
        )
    )
    everything = next(row for row in rows if row[0] == "all_models")
    assert everything[1:5] == (top["SLM"], top["LLM"], hub["SLM"], hub["LLM"])
    assert everything[5] == pytest.approx(everything[6])


def test_a_second_census_date_leaves_the_first_untouched(census_run):
    """Incremental by census date: a new census builds its own date and never rescans earlier ones
    (a marker written into the first date's rows survives the second date's run). Runs last: it
    adds a census date."""
    import duckdb

    from orchestration.date_range_runs import materialize_date_range
    from tests.census.conftest import CENSUS_CONFIG, SIZES
    from tests.pipeline_harness import simulated_pipeline

    database = str(census_run.warehouse_dir / "observatory.duckdb")
    with duckdb.connect(database) as conn:
        conn.execute(
            "update intermediate.int_census_models__classified set pipeline_tag = 'marker' "
            "where census_date = ? and model_id = (select min(model_id) from "
            "intermediate.int_census_models__classified)",
            [DAY],
        )
    later = DAY + timedelta(days=7)
    with simulated_pipeline(census_run.world, census_run.warehouse_dir, SIZES) as (_, definitions, instance):
        result = materialize_date_range(
            definitions, instance, later, later, job_name="hub_census", run_config=CENSUS_CONFIG
        )
    assert result.success
    counts = census_run.query(
        "select census_date, count(*), count(case when pipeline_tag = 'marker' then 1 end) "
        "from intermediate.int_census_models__classified group by 1 order by 1"
    )
    assert counts == [
        (DAY, len(world_models(census_run.world)), 1),
        (later, int(census_run.world.n_visible(later)), 0),
    ]


CENSUS_MARTS = (
    "census_class_split",
    "census_slm_share_by_creation_month",
    "census_slm_share_by_population",
    "popularity_bias",
)


def test_make_rebuild_reloads_the_census_from_its_archive_and_rebuilds_its_marts(census_run):
    """Runs after the second census: the archive alone gives back both censuses and their marts."""
    from orchestration.rebuild import rebuild
    from tests.census.conftest import SIZES
    from tests.pipeline_harness import simulated_pipeline

    def snapshot() -> dict[str, list[tuple]]:
        tables = {name: f"marts.{name}" for name in CENSUS_MARTS}
        tables["raw"] = "raw.hub_model_census"
        return {name: sorted(census_run.query(f"select * from {table}")) for name, table in tables.items()}

    before = snapshot()
    assert len({row[0] for row in before["raw"]}) == 2, "two census dates"
    with simulated_pipeline(census_run.world, census_run.warehouse_dir, SIZES):
        rebuild(census_run.warehouse_dir)
    assert snapshot() == before
