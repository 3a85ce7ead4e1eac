"""The history figures and the report's reading of marts.slm_share_of_new_models, on the marts dbt
built from the report's raw fixture (tests/reports/report_dataset.py)."""

import math
from datetime import date

import duckdb
import numpy as np
import pytest

from orchestration.defs.reports.figure_style import new_figure
from orchestration.defs.reports.history_figures import (
    draw_week_intervals,
    load_history_data,
    render_history_figure_set,
)
from orchestration.defs.reports.html_report import _figure_view, load_new_models_share
from orchestration.defs.reports.study_figures import StudyFigure
from tests.reports.conftest import built_report_db  # noqa: F401 (the session's dbt-built warehouse)
from tests.reports.report_dataset import DAY

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The month before the fixture's first snapshot (2025-01-04): every history mart is built, none has
# a row for that day or earlier.
BEFORE_ANY_SNAPSHOT = date(2024, 12, 31)


@pytest.fixture
def report_db(built_report_db):  # noqa: F811
    return built_report_db


def test_the_report_reads_the_new_listing_rows_of_the_history_mart(report_db):
    with duckdb.connect(str(report_db), read_only=True) as conn:
        totals = load_new_models_share(conn, DAY)
        earlier = load_new_models_share(conn, date(2025, 1, 7))
    # The `new` listing of DAY showed uni/tiny-mlm (SLM) and new/fresh (unknown size); the top
    # listing's rows (4 models of known size) are not counted.
    assert (totals.n_models, totals.n_slm, totals.n_known) == (2, 1, 1)
    assert totals.slm_pct == 100.0
    # No `new` listing was crawled before DAY.
    assert earlier is None


def test_before_any_snapshot_every_history_figure_says_no_data(report_db, tmp_path):
    with duckdb.connect(str(report_db), read_only=True) as conn:
        data = load_history_data(conn, BEFORE_ANY_SNAPSHOT)
    assert (data.daily, data.monthly, data.new_models, data.survival, data.old_shares) == ([], [], [], [], [])
    assert data.snapshot_dates == ()
    figures = render_history_figure_set(data, BEFORE_ANY_SNAPSHOT, tmp_path / "figures")
    assert len(figures) == len({f.path.name for f in figures}) == 5
    for figure in figures:
        assert isinstance(figure, StudyFigure) and figure.title
        assert not figure.has_data and figure.caption.startswith(f"No data on {BEFORE_ANY_SNAPSHOT}")
        assert figure.path.read_bytes()[:8] == PNG_SIGNATURE


def test_a_history_figure_brings_its_title_to_the_report(report_db, tmp_path):
    with duckdb.connect(str(report_db), read_only=True) as conn:
        data = load_history_data(conn, BEFORE_ANY_SNAPSHOT)
    (figure,) = render_history_figure_set(data, BEFORE_ANY_SNAPSHOT, tmp_path)[:1]
    view = _figure_view(figure, {})
    assert view["title"] == figure.title
    assert view["reading"] == figure.caption


def test_the_weekly_shares_carry_the_marts_intervals(report_db):
    with duckdb.connect(str(report_db), read_only=True) as conn:
        weeks = load_history_data(conn, DAY).new_models
    assert weeks
    z = 1.96
    for week in weeks:
        k, n = week.n_slm, week.n_slm + week.n_llm
        if n == 0:
            assert (week.slm_pct_low, week.slm_pct_high) == (None, None)
            continue
        # the Wilson score interval, from the formula
        centre, half = (k + z * z / 2) / (n + z * z), z * math.sqrt(k * (n - k) / n + z * z / 4) / (n + z * z)
        assert week.slm_pct_low == pytest.approx(100 * (centre - half), abs=1e-9)
        assert week.slm_pct_high == pytest.approx(100 * (centre + half), abs=1e-9)
        everyone = n + week.n_unknown
        assert week.slm_pct_if_unknown_slm == pytest.approx(100 * (k + week.n_unknown) / everyone)
        assert week.slm_pct_if_unknown_llm == pytest.approx(100 * k / everyone)


def test_week_intervals_are_drawn_for_the_weeks_shown_only():
    _, (ax,) = new_figure()
    x = np.array([0.0, 7.0, 14.0, 21.0])
    low = np.array([10.0, 20.0, np.nan, 40.0])
    high = np.array([50.0, 60.0, np.nan, 80.0])
    boxes = draw_week_intervals(ax, x, low, high, np.array([True, False, True, True]), "#009E73")
    # the sparse week (7) and the week without a share (14) get no box; a lone week gets a whole one
    drawn = [(round(b.get_x() + b.get_width() / 2, 6), b.get_y(), b.get_y() + b.get_height()) for b in boxes]
    assert drawn == [(0.0, 10.0, 50.0), (21.0, 40.0, 80.0)]
    assert all(b.get_width() > 0 for b in boxes)
