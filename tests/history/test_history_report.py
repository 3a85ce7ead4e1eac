"""The history figures and the report's reading of marts.slm_share_of_new_models, on hand-made data."""

from datetime import date

import duckdb

from orchestration.defs.reports.history_figures import (
    HistoryData,
    HistoryFigure,
    load_history_data,
    render_history_figure_set,
)
from orchestration.defs.reports.html_report import _figure_html, load_new_models_share

DAY = date(2025, 1, 8)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_the_report_reads_the_new_listing_rows_of_the_history_mart(tmp_path):
    path = tmp_path / "observatory.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema marts")
        conn.execute(
            "create table marts.slm_share_of_new_models (snapshot_date date, source_listing varchar, "
            "creation_week date, n_models bigint, n_slm bigint, n_llm bigint, n_unknown bigint, "
            "slm_pct double, is_complete_week boolean)"
        )
        conn.executemany(
            "insert into marts.slm_share_of_new_models values (?, ?, ?, ?, ?, ?, ?, null, true)",
            [
                (DAY, "new_listing", date(2024, 12, 30), 10, 6, 2, 2),
                (DAY, "new_listing", date(2025, 1, 6), 5, 3, 1, 1),
                (DAY, "top_listing", date(2025, 1, 6), 50, 1, 40, 9),  # the other listing
                (date(2025, 1, 7), "new_listing", date(2025, 1, 6), 90, 90, 0, 0),  # another date
            ],
        )
    with duckdb.connect(str(path), read_only=True) as conn:
        totals, note = load_new_models_share(conn, DAY)
    assert note == ""
    assert (totals.n_slm, totals.n_llm, totals.n_unknown) == (9, 3, 3)


def test_without_the_marts_every_history_figure_says_no_data(tmp_path):
    with duckdb.connect(str(tmp_path / "empty.duckdb")) as conn:
        data = load_history_data(conn, DAY)
    assert data == HistoryData(snapshot_date=DAY)
    figures = render_history_figure_set(data, DAY, tmp_path / "figures")
    assert len(figures) == len({f.path.name for f in figures}) == 5
    for figure in figures:
        assert isinstance(figure, HistoryFigure) and figure.title
        assert not figure.has_data and figure.caption.startswith(f"No data on {DAY}")
        assert figure.path.read_bytes()[:8] == PNG_SIGNATURE


def test_a_history_figure_brings_its_title_to_the_report(tmp_path):
    (figure,) = render_history_figure_set(HistoryData(snapshot_date=DAY), DAY, tmp_path)[:1]
    html = _figure_html(figure, {})
    assert f"<h3>{figure.title.replace(chr(39), '&#x27;')}</h3>" in html
    assert figure.caption in html
