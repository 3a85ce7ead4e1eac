"""The daily HTML report rendered from the marts dbt built from the report's raw fixture
(tests/reports/report_dataset.py): listing runs with a one-day gap, and hostile Hub strings (a
`<script>` tag name, a listing named after it). Expected numbers are computed by hand from the
raw records and written literally.
"""

import base64
import dataclasses
import struct
from datetime import date
from html.parser import HTMLParser

import duckdb
import pytest

from orchestration.defs.reports.html_report import (
    INDEX_FILE,
    NO_SNAPSHOT,
    build_report_html,
    key_numbers,
    load_report_context,
    render_html_report,
    slm_share_reading,
)
from orchestration.defs.reports.mart_queries import ScopeTotals, load_study_data
from tests.reports.report_dataset import (
    DAY,
    ESCAPED_SCRIPT_TAG,
    GENERATED_AT,
    HOSTILE_TAG,
    MISSING_DATE,
    NO_LLM_DAY,
    PNG_SIGNATURE,
    SCRIPT_TAG,
    Rendered,
    render_day_report,
    repository_pipeline_text,
)


class PageParser(HTMLParser):
    """Text content, tags and attributes of a page, with entities decoded as a browser would."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text_parts: list[str] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []  # (tag, name, value)
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        else:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())


def parse(html_text: str) -> PageParser:
    parser = PageParser()
    parser.feed(html_text)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, built_report_db) -> Rendered:
    return render_day_report(tmp_path_factory.mktemp("warehouse"), built=built_report_db)


def load(db, day: date = DAY, context_day: date | None = None):
    """Study data and report context of ``day`` on a short read-only connection, as the asset does."""
    with duckdb.connect(str(db), read_only=True) as conn:
        return load_study_data(conn, day), load_report_context(
            conn, context_day or day, repository_pipeline_text()
        )


@pytest.fixture(scope="module")
def page(rendered) -> PageParser:
    return parse(rendered.html)


def test_index_and_dated_copy_are_written_and_identical(rendered):
    assert rendered.index == rendered.root / "report" / INDEX_FILE
    assert rendered.dated == rendered.root / "report" / "2025-01-08.html"
    assert rendered.dated.read_text(encoding="utf-8") == rendered.html
    # Written through temporary names only: nothing else is left in the directory.
    assert {p.name for p in (rendered.root / "report").iterdir()} == {"index.html", "2025-01-08.html"}


def test_every_image_is_an_embedded_png_one_per_figure(rendered, page):
    sources = [value for tag, name, value in page.attributes if tag == "img" and name == "src"]
    # The 9 fixed figures of DAY and one per pipeline-tag listing: text-generation, fill-mask and
    # the two hostile ones.
    assert rendered.n_figures == 13
    assert len(sources) == 13 == page.tags.count("img")
    for source in sources:
        prefix = "data:image/png;base64,"
        assert source.startswith(prefix)
        png = base64.b64decode(source[len(prefix) :], validate=True)
        assert png[:8] == PNG_SIGNATURE
        assert struct.unpack(">II", png[16:24]) == (1200, 700)


def test_key_numbers_are_the_hand_computed_ones(rendered, page):
    numbers = key_numbers(*load(rendered.root / "observatory.duckdb"))
    shown = {n.label: n.display for n in numbers}
    assert shown == {
        # 2 SLMs (acme/tiny-bert, acme/chat-7b-gguf) of the 4 top-listing models of known size
        # (2 LLMs: acme/chat-7b, big/llm-70b; acme/mystery of unknown size).
        "SLM share of the top listing's models of known size": "50.0%",
        # SLM downloads 1000 + 300 = 1,300; LLM 500 + 100 = 600 (the duplicate's 999 never counts).
        "SLM share of the top listing's 30-day downloads": "68.4%",
        # The `new` listing showed uni/tiny-mlm (SLM) and new/fresh (unknown size).
        "SLM share of new models of known size": "100.0%",
        # 4 of the 5 top-listing models have a known size.
        "Size resolution (top listing)": "80.0%",
    }
    text = page.text
    for label, value in shown.items():
        assert f"{label} {value}" in text
    assert "2 SLMs of 4 models of known size among the 5 most-downloaded models on 2025-01-08" in text
    assert "(40.0% of all of them)" in text
    assert "1,300 of the 1,900 downloads in the last 30 days" in text
    assert "1 SLM of 1 new model of known size (2 new models in all)." in text


def test_each_figure_has_a_reading_for_the_day(page):
    text = page.text
    readings = [
        "On 2025-01-08, the top listing held the 5 most-downloaded models: 2 SLMs (40.0%), 2 LLMs "
        "(40.0%) and 1 of unknown size (20.0%). Of the 4 models with a known size, 50.0% are SLMs and "
        "50.0% LLMs.",
        "On 2025-01-08, the 2 LLMs of the top listing carry 2 distinct task tags; the most common are "
        "“text-generation” (2 LLMs, 100.0%), “image-text-to-text” (1 LLM, 50.0%).",
        "On 2025-01-08, the 2 SLMs of the top listing carry 2 distinct task tags; the most common are "
        "“fill-mask” (1 SLM, 50.0%), “text-generation” (1 SLM, 50.0%).",
        # Created since 2024-01: acme/chat-7b-gguf (SLM), acme/chat-7b and big/llm-70b (LLMs);
        # earlier: acme/tiny-bert (SLM, 2023-06). No month has 10 models of known size.
        "On 2025-01-08, 50.0% of the 4 models of known size in the top listing are SLMs (5 models, "
        "created over 3 months). Created since 2024-01: 33.3% SLM (1 of 3); created earlier: 100.0% "
        "SLM (1 of 1). 3 of the 3 months rest on fewer than 10 models of known size: such a month",
        "On 2025-01-08, the 2 SLMs of the top listing drew 1,300 downloads in the last 30 days; 76.9% "
        "of them went to SLMs created before 2024-01 (over 365 days old). The creation month drawing "
        "the most is 2023-06 (76.9%).",
        "On 2025-01-08, the 2 LLMs of the top listing drew 600 downloads in the last 30 days; 0.0% "
        "of them went to LLMs created before 2024-01 (over 365 days old). The creation month drawing "
        "the most is 2024-05 (83.3%).",
        # text-generation's own listing: 1 SLM, 2 LLMs, 1 unknown, all created in 2024.
        "On 2025-01-08, 33.3% of the 3 models of known size in the listing of pipeline tag "
        "“text-generation” are SLMs (4 models, created over 2 months).",
        "Created since 2024-01: 33.3% SLM (1 of 3); created earlier: no model. 2 of the 2 months rest "
        "on fewer than 10 models of known size",
        # fill-mask's own listing: acme/tiny-bert (2023-06) and uni/tiny-mlm (2024-12), both SLMs.
        "On 2025-01-08, 100.0% of the 2 models of known size in the listing of pipeline tag "
        "“fill-mask” are SLMs (2 models, created over 2 months). Created since 2024-01: 100.0% SLM "
        "(1 of 1); created earlier: 100.0% SLM (1 of 1). 2 of the 2 months rest on fewer than 10 "
        "models of known size",
        f"in the listing of pipeline tag “{SCRIPT_TAG}” are SLMs",
    ]
    for reading in readings:
        assert reading in text


def test_a_reading_says_when_every_month_rests_on_enough_models():
    # Two months of 21 and 22 models of known size (12 + 10 SLMs), both since 2024-01, summed by
    # hand as marts.report_creation_month_totals sums them: the reading only words them.
    totals = ScopeTotals(2, 0, 44, 22, 43, 100 * 22 / 43, 44, 22, 43, 100 * 22 / 43, 0, 0, 0, None)
    # 2024-01: the first month not wholly over 365 days before DAY (marts.report_snapshot_dates).
    reading = slm_share_reading(totals, "text-generation", DAY, date(2024, 1, 1), 10)
    assert (
        "Created since 2024-01: 51.2% SLM (22 of 43); created earlier: no model. Every month rests on at "
        "least 10 models of known size." in reading
    )


def test_hub_strings_appear_only_escaped(rendered, page):
    assert SCRIPT_TAG not in rendered.html
    assert ESCAPED_SCRIPT_TAG in rendered.html
    # In the tag figure's title and reading, the listings table and an alt text, all as text.
    assert page.text.count(SCRIPT_TAG) >= 3
    assert f"pipeline_tag:{SCRIPT_TAG}" in page.text
    assert "script" not in page.tags
    # `../../etc` is only ever text: no attribute (src, href, alt aside) points anywhere with it.
    assert HOSTILE_TAG in page.text
    assert not any(HOSTILE_TAG in value for _, name, value in page.attributes if name in ("src", "href"))


def test_freshness_lists_the_snapshot_dates_and_the_missing_one(page):
    text = page.text
    assert "Latest snapshot 2025-01-08" in text
    # The fixture's listing runs finish five seconds after 02:00.
    assert "Latest run finished 2025-01-08 02:00 UTC" in text
    assert "Snapshot dates 4 from 2025-01-04 to 2025-01-08" in text
    assert "Dates present 2025-01-04 to 2025-01-05 (2 days), 2025-01-07 to 2025-01-08 (2 days)" in text
    assert f"Missing dates {MISSING_DATE}" in text
    assert "1 day without a snapshot" in text
    assert "This report's date 2025-01-08 has a snapshot" in text


def test_the_page_references_nothing_outside_itself(rendered, page):
    assert "http://" not in rendered.html
    assert "https://" not in rendered.html
    assert not {"script", "link", "iframe", "object", "embed", "base"} & set(page.tags)
    for tag, name, value in page.attributes:
        if name == "src":
            assert tag == "img" and value.startswith("data:image/png;base64,")
        if name == "href":
            assert value.startswith("#"), value  # only in-page links: no other report exists yet
    assert "url(" not in page.style
    assert "@import" not in page.style
    assert "@font-face" not in page.style


def test_method_and_the_simulated_data_banner_are_stated(page):
    text = page.text
    assert "7,000,000,000 (7B)" in text
    assert "safetensors" in text and "gguf" in text
    # The whole resolution chain, in order (safetensors, gguf, base model, name), not two sources.
    chain_text = text.split("first source of this chain that gives one:", 1)[1]
    chain = [chain_text.index(source) for source in ("safetensors", "gguf", "base_model", "name (")]
    assert chain == sorted(chain)
    assert "else the gguf total" not in text
    assert "last 30 days only" in text
    assert "top-N sampling bias" in text
    assert "simulated Hub data" in text
    assert "Generated 2025-01-09 03:30 UTC" in text


def test_the_new_models_mart_is_read_and_a_live_warehouse_has_no_banner(built_report_db):
    data, context = load(built_report_db)
    shown = {n.label: n for n in key_numbers(data, context)}
    # The `new_listing` rows of DAY: uni/tiny-mlm (SLM) and new/fresh (unknown size).
    new = shown["SLM share of new models of known size"]
    assert new.display == "100.0%"
    assert new.detail == "1 SLM of 1 new model of known size (2 new models in all)."
    live = dataclasses.replace(context, hub_kind="live")
    text = parse(build_report_html(data, [], live, generated_at=GENERATED_AT)).text
    assert "SLM share of new models of known size 100.0%" in text
    assert "simulated" not in text


def test_a_day_before_any_new_listing_has_no_new_models_share(built_report_db):
    # On 2025-01-07 no `new` listing had been crawled yet: the mart has no new_listing row.
    data, context = load(built_report_db, date(2025, 1, 7))
    (number,) = (n for n in key_numbers(data, context) if "new models" in n.label)
    assert number.label == "SLM share of new models"
    assert number.display == "not available"
    assert "marts.slm_share_of_new_models" in number.detail


def test_a_warehouse_without_listing_runs_still_gets_a_report(built_report_db, tmp_path):
    data, context = load(built_report_db)
    context = dataclasses.replace(context, freshness=NO_SNAPSHOT)
    report = render_html_report(data, [], context, tmp_path / "report", generated_at=GENERATED_AT)
    text = parse(report.dated.read_text(encoding="utf-8")).text
    assert "the snapshot dates of this warehouse are unknown" in text
    assert "No figure was rendered for this day." in text
    assert "SLM share of the top listing's models of known size 50.0%" in text


def test_an_older_date_does_not_replace_the_newest_index(built_report_db, tmp_path):
    day_data, day_context = load(built_report_db)
    old_data, old_context = load(built_report_db, NO_LLM_DAY)
    report_dir = tmp_path / "report"
    newest = render_html_report(day_data, [], day_context, report_dir, generated_at=GENERATED_AT)
    older = render_html_report(old_data, [], old_context, report_dir, generated_at=GENERATED_AT)
    assert older.index is None
    assert older.dated == report_dir / "2025-01-05.html"
    assert "SLM Observatory — 2025-01-08" in (report_dir / INDEX_FILE).read_text(encoding="utf-8")
    # The older report links to the newer one by a relative name, which works offline.
    assert 'href="2025-01-08.html"' in older.dated.read_text(encoding="utf-8")
    rerun = render_html_report(day_data, [], day_context, report_dir, generated_at=GENERATED_AT)
    assert rerun.index == newest.index
    assert 'href="2025-01-05.html"' in newest.index.read_text(encoding="utf-8")


def test_a_context_of_another_date_is_refused(built_report_db, tmp_path):
    data, context = load(built_report_db, DAY, context_day=NO_LLM_DAY)
    with pytest.raises(ValueError, match="report context is for 2025-01-05"):
        render_html_report(data, [], context, tmp_path)
