"""The census marts against the simulated world's ground truth, through the real pipeline
(tests/census/conftest.py: a daily snapshot, then the `hub_census` job).

Exact against the world: the census's models (every model existing on the day, once), their
creation months, their language-model flags (every model the modality decision decides; the
undecided counted apart, as tests/populations does), and every model's class: its true size's
when the size comes from evidence (its own weights, or a base's, declared in its card or known by
name), the size its own name states otherwise (`world.stated_parameters_of`: the world writes
`7b` names on 1 B models, as the Hub does, and a nominal `7b` on a 6.74 B model), `unknown` when
the name states none.
"""

from collections import Counter
from datetime import timedelta

import pytest

from tests.census.conftest import DAY
from tests.size_truth import SIZED_BY_EVIDENCE, SIZED_BY_NAME, expected_class, true_class

pytestmark = pytest.mark.slow


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
        "rebuild_marts": True,
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
    assert {row[1] for row in resolved.values()} == set(SIZED_BY_EVIDENCE + SIZED_BY_NAME)
    assert {m: row[0] for m, row in resolved.items()} == {
        m: expected_class(world, m, row[1]) for m, row in resolved.items()
    }
    # a model left unsized has no weights the world serves and a name that states no size
    unsized = [m for m, row in classified.items() if row[0] == "unknown"]
    assert unsized
    assert [m for m in unsized if world.stated_parameters_of(m) is not None] == []
    # the names that state another class than the truth are there, and classed by what they say
    misled = sorted(m for m, row in resolved.items() if row[0] != true_class(world, m))
    assert misled and all(resolved[m][1] in SIZED_BY_NAME for m in misled)
    print(f"\ncensus classes: {len(resolved)} sized, {len(misled)} named unlike their true size")
    for model_id in misled:
        cls, source = resolved[model_id][:2]
        print(f"  {model_id}: {cls} by {source}, true {world.true_parameters_of(model_id):,}")


def population_members(world, classified, language_only: bool) -> dict[str, tuple]:
    """The census models a population counts: every one, or the language models the modality
    decision decided (the undecided are counted apart, n_unknown_modality)."""
    return {
        model_id: row
        for model_id, row in classified.items()
        if not language_only or (row[2] is not None and world.is_language_model(model_id))
    }


def test_the_class_split_counts_the_worlds_models(census_run, classified):
    """Each population's SLM, LLM and unknown counts, exact: every model counted in the class
    the world gives it (expected_class)."""
    world = census_run.world
    rows = census_run.query(
        "select population, model_class, n_models from marts.census_class_split where census_date = ?",
        [DAY],
    )
    stored = {(population, cls): n for population, cls, n in rows}
    for population, language_only in (("all_models", False), ("language_models", True)):
        members = population_members(world, classified, language_only)
        expected = Counter(expected_class(world, m, row[1]) for m, row in members.items())
        assert {cls: n for (p, cls), n in stored.items() if p == population} == dict(expected), population
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
    """Every month's SLM, LLM and unknown counts, per population, exact: the world's creation
    month and the class it gives each model (expected_class); the months cover every model."""
    world = census_run.world
    rows = census_run.query(
        "select population, creation_month, n_slm, n_llm, n_unknown "
        "from marts.census_slm_share_by_creation_month where census_date = ?",
        [DAY],
    )
    for population, language_only in (("all_models", False), ("language_models", True)):
        expected = Counter(
            (world.created_date_of(m).replace(day=1), expected_class(world, m, row[1]))
            for m, row in population_members(world, classified, language_only).items()
        )
        months = {month for month, _ in expected}
        assert {
            (month, cls): n
            for p, month, *counts in rows
            if p == population
            for cls, n in zip(("SLM", "LLM", "unknown"), counts, strict=True)
            if n
        } == dict(expected), population
        assert {month for p, month, *_ in rows if p == population} == months, population
    every_month = Counter(world.created_date_of(m).replace(day=1) for m in world_models(world))
    assert {month: sum(counts) for p, month, *counts in rows if p == "all_models"} == dict(every_month)


def test_popularity_bias_puts_the_top_n_beside_the_whole_hub(census_run):
    rows = census_run.query(
        "select b.population, b.top_n_slm, b.top_n_llm, b.hub_slm, b.hub_llm, b.difference_pp, "
        "b.top_n_slm_pct - b.hub_slm_pct from marts.popularity_bias b where b.snapshot_date = ?",
        [DAY],
    )
    assert {row[0] for row in rows} == {"all_models", "language_models"}
    top = dict(
        census_run.query(
            "select model_class, n_models from marts.class_split "
            "where snapshot_date = ? and listing = 'top' and population = 'all_models'",
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


def test_the_report_shows_the_whole_hubs_language_models_from_the_census(census_run, classified):
    world = census_run.world
    n_language = sum(row[2] is not None and world.is_language_model(m) for m, row in classified.items())
    rows = census_run.query(
        "select population, is_measured, measured_on, n_units from marts.report_population_shares "
        "where snapshot_date = ? order by display_order",
        [DAY],
    )
    assert [row[0] for row in rows] == [
        "all_models",
        "language_models",
        "language_model_families",
        "hub_language_models",
    ]
    assert all(row[1] and row[2] == DAY for row in rows)
    assert rows[-1][3] == n_language
    report = (census_run.warehouse_dir / "report" / f"{DAY}.html").read_text()
    assert "Not measured yet." not in report


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
        tables["runs"] = "raw.hub_census_runs"
        return {name: sorted(census_run.query(f"select * from {table}")) for name, table in tables.items()}

    before = snapshot()
    assert len({row[0] for row in before["raw"]}) == 2, "two census dates"
    assert len(before["runs"]) == 2 and all(row[3] > 0 for row in before["runs"]), "unique_n counted"
    with simulated_pipeline(census_run.world, census_run.warehouse_dir, SIZES):
        rebuild(census_run.warehouse_dir)
    assert snapshot() == before
