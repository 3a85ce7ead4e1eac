"""The report's section "The answer under each population", its figure and its marts, from the
report's raw fixture (tests/reports/report_dataset.py). Expected numbers are worked out by hand
from the raw records (tests/dbt/hub_records.py) and written literally.

The top listing of DAY holds acme/tiny-bert (SLM), acme/chat-7b-gguf (SLM by its own GGUF count,
a quantization of acme/chat-7b), acme/chat-7b and big/llm-70b (LLMs) and acme/mystery (unknown
size). Every one has a language task as pipeline tag: the language models are every model. The
families: tiny-bert (SLM), chat-7b with its GGUF (LLM: the root's size), llm-70b (LLM), mystery
(unknown size): 1 SLM family of 3 of known size.
"""

import pytest

from orchestration.defs.reports.mart_queries import load_study_data
from orchestration.defs.reports.populations import POPULATION_SHARES_FILE, load_population_shares
from orchestration.defs.reports.study_figures import render_study_figure_set
from tests.reports.report_dataset import DAY, EMPTY_DAY, render_day_report
from tests.reports.test_html_report import parse


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, built_report_db):
    return render_day_report(tmp_path_factory.mktemp("warehouse"), built=built_report_db)


def test_every_population_of_the_seed_is_listed_the_whole_hub_not_measured_yet(marts_conn):
    shares = load_population_shares(marts_conn, DAY)
    assert [
        (
            s.population,
            s.unit,
            s.is_measured,
            s.n_units,
            s.n_slm,
            s.n_llm,
            s.n_unknown_size,
            s.n_unknown_modality,
        )
        for s in shares
    ] == [
        ("all_models", "model", True, 5, 2, 2, 1, 0),
        ("language_models", "model", True, 5, 2, 2, 1, 0),
        ("language_model_families", "family", True, 4, 1, 2, 1, 0),
        ("hub_language_models", "model", False, None, None, None, None, None),
    ]
    by_population = {s.population: s for s in shares}
    assert by_population["all_models"].slm_pct == 50.0
    assert by_population["language_model_families"].slm_pct == pytest.approx(100 / 3)
    # the interval and the bounds under the unknown sizes of the mart: 2 of 4, 3 of 5, 2 of 5
    all_models = by_population["all_models"]
    assert all_models.slm_pct_low < 50.0 < all_models.slm_pct_high
    assert (all_models.slm_pct_if_unknown_slm, all_models.slm_pct_if_unknown_llm) == (60.0, 40.0)
    assert by_population["all_models"].measured_on == DAY


def test_a_date_without_snapshot_lists_no_population(marts_conn):
    assert load_population_shares(marts_conn, EMPTY_DAY) == []


def test_the_language_models_tag_chart_holds_language_tasks_only(marts_conn):
    data = load_study_data(marts_conn, DAY)
    tags = {c: sorted((t.tag, t.n_models) for t in rows) for c, rows in data.language_model_tags.items()}
    # big/llm-70b carries image-text-to-text beside text-generation: a task of language models
    assert tags == {
        "LLM": [("image-text-to-text", 1), ("text-generation", 2)],
        "SLM": [("fill-mask", 1), ("text-generation", 1)],
        "unknown": [("text-generation", 1)],  # acme/mystery
    }
    rows = marts_conn.execute(
        "select distinct tags.tag, seed.is_language_model "
        "from marts.report_tag_shares as tags "
        "join staging.hub_pipeline_tags as seed on seed.tag = tags.tag "
        "where tags.population = 'language_models'"
    ).fetchall()
    assert rows and all(is_language for _, is_language in rows)


def test_the_section_shows_each_population_and_the_census_as_not_measured_yet(rendered):
    page = parse(rendered.html)
    section = rendered.html.split('<section id="populations">', 1)[1].split("</section>", 1)[0]
    text = parse(section).text
    assert "The answer under each population" in text
    for label in (
        "All models in the top N",
        "Language models in the top N",
        "Language-model families in the top N",
        "Language models on the whole Hub",
    ):
        assert label in text
    assert "Not measured yet." in text
    assert "50.0% SLMs" in text and "33.3% SLMs" in text
    assert "1 SLM and 2 LLMs among 4 families" in text
    # acme/mystery, of unknown size: 2 of 5 were it an LLM, 3 of 5 were it an SLM
    assert "With the 1 model of unknown size counted as LLMs or as SLMs: 40.0% to 60.0%." in text
    assert ("a", "href", "#populations") in page.attributes


def test_the_population_figure_is_rendered_with_its_reading(marts_conn, tmp_path):
    data = load_study_data(marts_conn, DAY)
    figures = {f.path.name: f for f in render_study_figure_set(data, tmp_path)}
    figure = figures[POPULATION_SHARES_FILE]
    assert figure.has_data and figure.n_models == 5
    assert "All models in the top N: 50.0%" in figure.caption
    assert "Language-model families in the top N: 33.3%" in figure.caption
    assert "Language models on the whole Hub: not measured yet" in figure.caption


def test_the_population_figure_of_a_date_without_data_says_so(marts_conn, tmp_path):
    figures = {
        f.path.name: f for f in render_study_figure_set(load_study_data(marts_conn, EMPTY_DAY), tmp_path)
    }
    assert not figures[POPULATION_SHARES_FILE].has_data
