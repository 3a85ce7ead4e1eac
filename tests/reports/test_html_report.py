"""The daily HTML report rendered from the hand-made marts (tests/reports/mart_dataset.py).

The marts are extended with what the report reads besides the figures: listing runs with a one-day
gap, and hostile Hub strings (a `<script>` tag name, a listing named after it). Expected numbers are
computed by hand from the dataset and written literally.
"""

import base64
import struct
from datetime import date
from html.parser import HTMLParser

import duckdb
import pytest

from orchestration.defs.reports.html_report import (
    INDEX_FILE,
    build_report_html,
    date_ranges,
    key_numbers,
    load_report_context,
    render_html_report,
)
from orchestration.defs.reports.mart_queries import load_study_data
from tests.reports.mart_dataset import DAY, HOSTILE_TAG, NO_LLM_DAY, build_marts_db
from tests.reports.report_dataset import (
    ESCAPED_SCRIPT_TAG,
    GENERATED_AT,
    MISSING_DATE,
    PNG_SIGNATURE,
    SCRIPT_TAG,
    Rendered,
    add_report_rows,
    render_day_report,
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
def rendered(tmp_path_factory) -> Rendered:
    return render_day_report(tmp_path_factory.mktemp("warehouse"))


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
    # The 9 figures of DAY plus the one of the hostile tag's listing.
    assert rendered.n_figures == 10
    assert len(sources) == 10 == page.tags.count("img")
    for source in sources:
        prefix = "data:image/png;base64,"
        assert source.startswith(prefix)
        png = base64.b64decode(source[len(prefix) :], validate=True)
        assert png[:8] == PNG_SIGNATURE
        assert struct.unpack(">II", png[16:24]) == (1200, 700)


def test_key_numbers_are_the_hand_computed_ones(rendered, page):
    conn = duckdb.connect(str(rendered.root / "observatory.duckdb"), read_only=True)
    try:
        numbers = key_numbers(load_study_data(conn, DAY), load_report_context(conn, DAY))
    finally:
        conn.close()
    shown = {n.label: n.display for n in numbers}
    assert shown == {
        # 60 SLMs of the 90 top-listing models of known size (30 LLMs, 10 unknown).
        "SLM share of the top listing's models of known size": "66.7%",
        # SLM downloads 4000 + 2000 + 3000 + 1000 = 10,000; LLM 500 + 1500 = 2,000.
        "SLM share of the top listing's 30-day downloads": "83.3%",
        "SLM share of new models": "not available",
        # 90 of the 100 top-listing models have a known size.
        "Size resolution (top listing)": "90.0%",
    }
    text = page.text
    for label, value in shown.items():
        assert f"{label} {value}" in text
    assert "60 SLMs of 90 models of known size among the 100 most-downloaded models on 2025-01-08" in text
    assert "(60.0% of all of them)" in text
    assert "10,000 of the 12,000 downloads in the last 30 days" in text
    assert (
        "SLM share of new models not available The mart marts.slm_share_of_new_models does not exist yet."
        in text
    )


def test_each_figure_has_a_reading_for_the_day(page):
    text = page.text
    readings = [
        "On 2025-01-08, the top listing held the 100 most-downloaded models: 60 SLMs (60.0%), 30 LLMs "
        "(30.0%) and 10 of unknown size (10.0%). Of the 90 models with a known size, 66.7% are SLMs and "
        "33.3% LLMs.",
        "On 2025-01-08, the 30 LLMs of the top listing carry 2 distinct task tags; the most common are "
        "“text-generation” (28 LLMs, 93.3%), “../../etc” (2 LLMs, 6.7%).",
        "On 2025-01-08, the 60 SLMs of the top listing carry 21 distinct task tags; the most common are "
        "“image-classification” (25 SLMs, 41.7%), “text-generation” (20 SLMs, 33.3%), “tag-17” (17 SLMs, "
        "28.3%).",
        # Months since 2024-01: 57 SLMs and 30 LLMs; 2023-06 and 2023-12: 3 SLMs, no LLM. Ten of the
        # thirteen months have fewer than 10 models of known size.
        "On 2025-01-08, 66.7% of the 90 models of known size in the top listing are SLMs (100 models, "
        "created over 13 months). Created since 2024-01: 65.5% SLM (57 of 87); created earlier: 100.0% "
        "SLM (3 of 3). 10 of the 13 months rest on fewer than 10 models of known size: such a month",
        "On 2025-01-08, the 60 SLMs of the top listing drew 10,000 downloads in the last 30 days; 60.0% "
        "of them went to SLMs created before 2024-01 (over 12 months old). The creation month drawing "
        "the most is 2023-06 (40.0%).",
        "On 2025-01-08, the 30 LLMs of the top listing drew 2,000 downloads in the last 30 days; 0.0% "
        "of them went to LLMs created before 2024-01 (over 12 months old). The creation month drawing "
        "the most is 2024-06 (75.0%).",
        # text-generation's own listing: 22 SLMs, 21 LLMs, 1 unknown.
        "On 2025-01-08, 51.2% of the 43 models of known size in the listing of pipeline tag "
        "“text-generation” are SLMs (44 models, created over 2 months).",
        "On 2025-01-08, 100.0% of the 25 models of known size in the listing of pipeline tag "
        "“image-classification” are SLMs (27 models, created over 2 months). Created since 2024-01: "
        "100.0% SLM (21 of 21); created earlier: 100.0% SLM (4 of 4). 1 of the 2 months rests on fewer "
        "than 10 models of known size",
        # Both months of text-generation have at least 10 models of known size; none is older.
        "Created since 2024-01: 51.2% SLM (22 of 43); created earlier: no model. Every month rests on at "
        "least 10 models of known size.",
        f"in the listing of pipeline tag “{SCRIPT_TAG}” are SLMs",
    ]
    for reading in readings:
        assert reading in text


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
    assert "Latest run finished 2025-01-08 02:41 UTC" in text
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
    assert "7,000,000,000 (7e9, 7 billion)" in text
    assert "safetensors" in text and "gguf" in text
    assert "last 30 days only" in text
    assert "top-N sampling bias" in text
    assert "simulated Hub data" in text
    assert "Generated 2025-01-09 03:30 UTC" in text


def test_the_new_models_mart_is_read_when_present(tmp_path):
    db = tmp_path / "observatory.duckdb"
    build_marts_db(db)
    add_report_rows(db, new_models=True, hub_kind="live")
    conn = duckdb.connect(str(db), read_only=True)
    try:
        data, context = load_study_data(conn, DAY), load_report_context(conn, DAY)
    finally:
        conn.close()
    shown = {n.label: n for n in key_numbers(data, context)}
    # Scope `all` of DAY only: 7 + 5 SLMs, 2 + 1 LLMs, 1 unknown.
    new = shown["SLM share of new models of known size"]
    assert new.display == "80.0%"
    assert new.detail == "12 SLMs of 15 new models of known size (16 new models in all)."
    text = parse(build_report_html(data, [], context, generated_at=GENERATED_AT)).text
    assert "SLM share of new models of known size 80.0%" in text
    assert "simulated" not in text


def test_a_warehouse_without_raw_tables_still_gets_a_report(marts_db, tmp_path):
    conn = duckdb.connect(str(marts_db), read_only=True)
    try:
        data, context = load_study_data(conn, DAY), load_report_context(conn, DAY)
    finally:
        conn.close()
    assert context.freshness is None and context.hub_kind is None
    report = render_html_report(data, [], context, tmp_path / "report", generated_at=GENERATED_AT)
    text = parse(report.dated.read_text(encoding="utf-8")).text
    assert "the snapshot dates of this warehouse are unknown" in text
    assert "No figure was rendered for this day." in text
    assert "SLM share of the top listing's models of known size 66.7%" in text


def test_an_older_date_does_not_replace_the_newest_index(marts_db, tmp_path):
    conn = duckdb.connect(str(marts_db), read_only=True)
    try:
        day_data, day_context = load_study_data(conn, DAY), load_report_context(conn, DAY)
        old_data, old_context = load_study_data(conn, NO_LLM_DAY), load_report_context(conn, NO_LLM_DAY)
    finally:
        conn.close()
    report_dir = tmp_path / "report"
    newest = render_html_report(day_data, [], day_context, report_dir, generated_at=GENERATED_AT)
    older = render_html_report(old_data, [], old_context, report_dir, generated_at=GENERATED_AT)
    assert older.index is None
    assert older.dated == report_dir / "2025-01-07.html"
    assert "SLM Observatory — 2025-01-08" in (report_dir / INDEX_FILE).read_text(encoding="utf-8")
    # The older report links to the newer one by a relative name, which works offline.
    assert 'href="2025-01-08.html"' in older.dated.read_text(encoding="utf-8")
    rerun = render_html_report(day_data, [], day_context, report_dir, generated_at=GENERATED_AT)
    assert rerun.index == newest.index
    assert 'href="2025-01-07.html"' in newest.index.read_text(encoding="utf-8")


def test_a_context_of_another_date_is_refused(marts_db, tmp_path):
    conn = duckdb.connect(str(marts_db), read_only=True)
    try:
        data, context = load_study_data(conn, DAY), load_report_context(conn, NO_LLM_DAY)
    finally:
        conn.close()
    with pytest.raises(ValueError, match="report context is for 2025-01-07"):
        render_html_report(data, [], context, tmp_path)


def test_missing_dates_are_grouped_into_ranges():
    days = [date(2025, 1, 2), date(2025, 1, 3), date(2025, 1, 4), date(2025, 1, 9), date(2025, 2, 1)]
    assert date_ranges(days) == [
        (date(2025, 1, 2), date(2025, 1, 4)),
        (date(2025, 1, 9), date(2025, 1, 9)),
        (date(2025, 2, 1), date(2025, 2, 1)),
    ]


def test_without_the_mart_the_new_listing_stands_in_for_new_models(marts_db):
    conn = duckdb.connect(str(marts_db))
    try:
        conn.executemany(
            "insert into marts.class_split values (?, 'new', ?, ?, 0)",
            [(DAY, "SLM", 45), (DAY, "LLM", 5), (DAY, "unknown", 50), (NO_LLM_DAY, "LLM", 9)],
        )
        data, context = load_study_data(conn, DAY), load_report_context(conn, DAY)
    finally:
        conn.close()
    (number,) = (n for n in key_numbers(data, context) if "new" in n.label)
    # 45 SLMs of the 50 models of known size in DAY's `new` listing.
    assert number.label == "SLM share of the newest models of known size"
    assert number.display == "90.0%"
    assert number.detail == (
        "45 SLMs of 50 models of known size in the day's listing of the newest models (100 in all); "
        "from marts.class_split, as the mart marts.slm_share_of_new_models does not exist yet."
    )
