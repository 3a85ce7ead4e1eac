"""Language models and model families through the real pipeline, against the simulated Hub's
ground truth (tests/populations/conftest.py runs the pipeline).

Expected values come from the world: its models' tasks and task groups (`task_modality_of`,
`is_language_model`), the lineage their cards declare (`family_root_of`), its listings, download
counters and creation dates. A family's class is its root's class as the world gives it (tests/size_truth.py):
by the root's true size, or by what its name states when the pipeline could only read its name.
"""

from collections import Counter, defaultdict
from datetime import date

import numpy as np
import pytest

from tests.populations.conftest import DAYS, SIZES, PopulationRun
from tests.size_truth import class_of_count, expected_class

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def known_ids(run: PopulationRun) -> list[str]:
    return [model_id for (model_id,) in run.query("select model_id from intermediate.int_hub_models")]


def listing_members(run: PopulationRun, day: date, listing: str) -> list[int]:
    """The world's models a listing holds on `day`, as the Hub serves it."""
    world = run.world
    if listing == "top":
        return world.listing(day, sort="downloads")[: SIZES.top_n].tolist()
    tag = listing.removeprefix("pipeline_tag:")
    return world.listing(day, sort="downloads", pipeline_tag=tag)[: SIZES.per_tag_n].tolist()


def tag_listings(run: PopulationRun) -> list[str]:
    rows = run.query("select distinct listing from marts.class_split where listing like 'pipeline_tag:%'")
    listings = sorted(listing for (listing,) in rows)
    assert len(listings) == SIZES.n_tags
    return listings


def root_classes(run: PopulationRun) -> dict[str, str]:
    """Each known model's class as the world gives it (tests/size_truth.py): by its true size
    when the pipeline sized it from evidence, by what its name states when from its name. The
    pipeline's own classes are checked against the same expectation here too."""
    rows = run.query("select model_id, parameter_source, parameter_count from intermediate.int_model_sizes")
    expected = {model_id: expected_class(run.world, model_id, source) for model_id, source, _ in rows}
    resolved = {model_id: "unknown" if n is None else class_of_count(n) for model_id, _, n in rows}
    assert resolved == expected
    return expected


def test_the_run_succeeds(population_run: PopulationRun):
    assert [result.success for result in population_run.results] == [True]


def test_the_warehouse_holds_every_population_the_questions_need(population_run: PopulationRun):
    world = population_run.world
    known = known_ids(population_run)
    non_language_llms = [
        m for m in known if not world.is_language_model(m) and world.true_parameters_of(m) >= 7e9
    ]
    language_slms = [m for m in known if world.is_language_model(m) and world.true_parameters_of(m) < 7e9]
    deep = [m for m in known if len(world.family_lineage_of(m)) - 1 >= 3]
    merges = [m for m in known if world.kind_of(m) == "merge" and len(world.declared_bases_of(m)) >= 2]
    ever_top = {str(world.model_ids[i]) for day in DAYS for i in listing_members(population_run, day, "top")}
    never_top = [m for m in known if m not in ever_top]
    roots_never_top = {world.family_root_of(m) for m in known} - ever_top
    assert non_language_llms, "no model of 7B or more that is not a language model"
    assert language_slms, "no language model below 7B"
    assert deep, "no derivative three or more declared links below its root"
    assert merges, "no merge of several bases"
    assert never_top and roots_never_top, "every model, or every family root, is in the top N"


def test_every_model_has_its_worlds_modality_and_language_flag(population_run: PopulationRun):
    world = population_run.world
    rows = population_run.query(
        "select model_id, pipeline_tag, task_modality, is_language_model, modality_source "
        "from intermediate.int_model_modality"
    )
    # one row per known model: a model without evidence is counted as unknown, never dropped
    assert sorted(model_id for model_id, *_ in rows) == sorted(known_ids(population_run))
    sources: Counter = Counter()
    for model_id, pipeline_tag, modality, is_language_model, source in rows:
        sources[source] += 1
        assert pipeline_tag == world.pipeline_tag_of(model_id), model_id
        if pipeline_tag is not None:
            assert (modality, is_language_model) == (
                world.task_modality_of(model_id),
                world.is_language_model(model_id),
            ), model_id
        elif source == "unknown":
            assert (modality, is_language_model) == ("unknown", None), model_id
        else:
            # decided from its family, architecture or library: never wrong
            assert is_language_model == world.is_language_model(model_id), (model_id, source)
    tagless = sum(world.pipeline_tag_of(model_id) is None for model_id in known_ids(population_run))
    assert sources["pipeline_tag"] == len(rows) - tagless
    # the world has tagless models of every kind: some decided by each evidence, some not at all
    assert {"family_root", "architecture_tag", "library", "unknown"} <= set(sources)
    assert (
        sources["family_root"] + sources["architecture_tag"] + sources["library"] + sources["unknown"]
        == tagless
    )


def test_language_models_per_listing_equal_the_worlds(population_run: PopulationRun):
    """The language models of each listing, counted with the pipeline's flags, are the world's:
    exact for every model the pipeline decides, the undecided counted apart."""
    world = population_run.world
    flags = dict(
        population_run.query("select model_id, is_language_model from intermediate.int_model_modality")
    )
    day = DAYS[-1]
    for listing in ["top", *tag_listings(population_run)]:
        members = [str(world.model_ids[i]) for i in listing_members(population_run, day, listing)]
        stored = population_run.query(
            "select m.is_language_model, count(*) from intermediate.int_model_snapshots__classified s "
            "join intermediate.int_model_modality m using (model_uid) "
            "where s.snapshot_date = ? and s.listing = ? group by 1",
            [day, listing],
        )
        decided = [m for m in members if flags[m] is not None]
        expected = Counter(world.is_language_model(m) for m in decided)
        expected[None] = len(members) - len(decided)
        assert {flag: n for flag, n in stored} == {flag: n for flag, n in expected.items() if n}


def test_every_model_rolls_up_to_its_worlds_family_root(population_run: PopulationRun):
    world = population_run.world
    rows = population_run.query(
        "select model_id, family_root_id, family_depth, is_family_root, lineage_truncated "
        "from intermediate.int_model_families"
    )
    assert sorted(model_id for model_id, *_ in rows) == sorted(known_ids(population_run))
    depths: Counter = Counter()
    for model_id, root_id, depth, is_root, truncated in rows:
        lineage = world.family_lineage_of(model_id)
        assert (root_id, depth, is_root, truncated) == (
            lineage[-1],
            len(lineage) - 1,
            len(lineage) == 1,
            False,
        )
        depths[depth] += 1
    assert max(depths) >= 3


def expected_family_split(run: PopulationRun, day: date, listing: str) -> dict[str, tuple]:
    world = run.world
    classes = root_classes(run)
    downloads = world.downloads_30d(day)
    members: dict[str, list[int]] = defaultdict(list)
    for i in listing_members(run, day, listing):
        members[world.family_root_of(str(world.model_ids[i]))].append(i)
    by_class: dict[str, list] = defaultdict(lambda: [0, 0, 0])
    for root, indices in members.items():
        counts = by_class[classes[root]]
        counts[0] += 1
        counts[1] += len(indices)
        counts[2] += int(np.sum(downloads[indices]))
    n_families = sum(c[0] for c in by_class.values())
    total = sum(c[2] for c in by_class.values())
    return {
        cls: (n, n_models, dl, 100.0 * n / n_families, 100.0 * dl / total)
        for cls, (n, n_models, dl) in by_class.items()
    }


def test_family_class_split_equals_the_worlds_families(population_run: PopulationRun):
    for day in DAYS:
        for listing in ["top", *tag_listings(population_run)]:
            stored = population_run.query(
                "select family_class, n_families, n_models, downloads_30d, pct_families, pct_downloads "
                "from marts.family_class_split where snapshot_date = ? and listing = ?",
                [day, listing],
            )
            expected = expected_family_split(population_run, day, listing)
            assert {row[0]: row[1:4] for row in stored} == {k: v[:3] for k, v in expected.items()}
            for cls, *_, pct_families, pct_downloads in stored:
                assert pct_families == pytest.approx(expected[cls][3], abs=1e-9)
                assert pct_downloads == pytest.approx(expected[cls][4], abs=1e-9)
    # families, not repositories: the top listing holds fewer families than models
    top = expected_family_split(population_run, DAYS[-1], "top")
    assert sum(v[0] for v in top.values()) < SIZES.top_n


def test_family_download_share_equals_the_worlds_families(population_run: PopulationRun):
    world = population_run.world
    classes = root_classes(population_run)
    day = DAYS[-1]
    downloads = world.downloads_30d(day)
    members: dict[str, list[int]] = defaultdict(list)
    for i in listing_members(population_run, day, "top"):
        members[world.family_root_of(str(world.model_ids[i]))].append(i)
    total = sum(int(downloads[i]) for indices in members.values() for i in indices)
    stored = population_run.query(
        "select family_root_id, family_class, n_models, downloads_30d, download_share_pct "
        "from marts.family_download_share where snapshot_date = ? and listing = 'top'",
        [day],
    )
    assert {row[0]: row[1:4] for row in stored} == {
        root: (classes[root], len(indices), int(np.sum(downloads[indices])))
        for root, indices in members.items()
    }
    for root, *_, share in stored:
        assert share == pytest.approx(100.0 * int(np.sum(downloads[members[root]])) / total, abs=1e-9)
    assert any(len(indices) > 1 for indices in members.values())


def test_slm_share_of_families_by_creation_month_equals_the_worlds(population_run: PopulationRun):
    world = population_run.world
    classes = root_classes(population_run)
    day = DAYS[-1]
    for listing in ["top", *tag_listings(population_run)]:
        scope = "all" if listing == "top" else listing.removeprefix("pipeline_tag:")
        roots = {
            world.family_root_of(str(world.model_ids[i]))
            for i in listing_members(population_run, day, listing)
        }
        expected: dict[date, Counter] = defaultdict(Counter)
        for root in roots:
            expected[world.created_date_of(root).replace(day=1)][classes[root]] += 1
        stored = population_run.query(
            "select creation_month, n_slm_families, n_llm_families, n_unknown_families, slm_pct "
            "from marts.slm_share_of_families_by_creation_month where snapshot_date = ? and scope = ?",
            [day, scope],
        )
        assert {row[0]: row[1:4] for row in stored} == {
            month: (c["SLM"], c["LLM"], c["unknown"]) for month, c in expected.items()
        }
        for month, n_slm, n_llm, _, pct in stored:
            assert pct == (
                None if n_slm + n_llm == 0 else pytest.approx(100.0 * n_slm / (n_slm + n_llm), abs=1e-9)
            )
            assert month == month.replace(day=1)
