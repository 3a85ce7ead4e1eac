"""The study figures rendered from the marts dbt built from the report's raw fixture
(tests/reports/report_dataset.py); expected values hand-computed from its records."""

import math
import struct
import subprocess
import sys
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from orchestration.defs.reports.figure_style import (
    DPI,
    FIGSIZE_INCHES,
    MONTH_BAR_WIDTH_DAYS,
    class_labels,
    format_month_axis,
    month_centers,
    new_figure,
)
from orchestration.defs.reports.mart_queries import MonthClassCounts, ScopeTotals, TagCount, load_study_data
from orchestration.defs.reports.safe_names import safe_filename
from orchestration.defs.reports.study_figures import (
    draw_share_intervals,
    render_class_split,
    render_downloads_by_creation_month,
    render_slm_share_by_creation_month,
    render_study_figure_set,
    render_study_figures,
    render_tags,
)
from tests.reports.report_dataset import DAY, EMPTY_DAY, HOSTILE_TAG, NO_LLM_DAY, NO_LLM_TAG, SCRIPT_TAG

# The labels of the fixture's rules (var slm_max_params 7,000,000,000, report_rules).
LABELS = class_labels(7_000_000_000)

FIXED_FILES = {
    "class_split.png",
    "tags_llm.png",
    "tags_slm.png",
    "slm_share_by_creation_month.png",
    "downloads_by_creation_month_slm.png",
    "downloads_by_creation_month_llm.png",
    "tags_language_models_llm.png",
    "tags_language_models_slm.png",
    "slm_share_by_population.png",
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which a PNG must start with."""
    header = path.read_bytes()[:24]
    assert header[:8] == PNG_SIGNATURE
    assert header[12:16] == b"IHDR"
    return struct.unpack(">II", header[16:24])


def all_files(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()}


def test_day_renders_exactly_the_contract_files_and_nothing_outside(marts_conn, tmp_path):
    out_dir = tmp_path / "figures" / DAY.isoformat()
    before = all_files(tmp_path)

    paths = render_study_figures(marts_conn, DAY, out_dir)

    expected = FIXED_FILES | {
        "slm_share_by_creation_month__text-generation.png",
        f"slm_share_by_creation_month__{NO_LLM_TAG}.png",
        f"slm_share_by_creation_month__{safe_filename(HOSTILE_TAG)}.png",
        f"slm_share_by_creation_month__{safe_filename(SCRIPT_TAG)}.png",
    }
    assert {path.name for path in paths} == expected
    assert len(paths) == len(expected)
    assert all_files(tmp_path) - before == {out_dir / name for name in expected}
    assert all(path.resolve().parent == out_dir.resolve() for path in paths)


def test_figures_are_pngs_of_the_study_size(marts_conn, tmp_path):
    paths = render_study_figures(marts_conn, DAY, tmp_path / "out")
    width, height = (round(inches * DPI) for inches in FIGSIZE_INCHES)
    for path in paths:
        assert png_size(path) == (width, height), path.name
        assert path.stat().st_size > 10_000, path.name  # more than a blank canvas


def test_only_the_requested_dates_rows_are_used(marts_conn, tmp_path):
    # Hand-computed from the raw fixture: other dates' and other listings' rows must not count.
    figures = {f.path.name: f for f in render_study_figure_set(load_study_data(marts_conn, DAY), tmp_path)}
    n_models = {name: figure.n_models for name, figure in figures.items()}
    assert n_models == {
        # top: acme/tiny-bert, acme/chat-7b-gguf (SLMs), acme/chat-7b, big/llm-70b (LLMs), acme/mystery
        "class_split.png": 5,
        "tags_llm.png": 2,
        "tags_slm.png": 2,
        "slm_share_by_creation_month.png": 5,
        "downloads_by_creation_month_slm.png": 2,
        "downloads_by_creation_month_llm.png": 2,
        # every model of the top listing has a language task: the language models are the same
        "tags_language_models_llm.png": 2,
        "tags_language_models_slm.png": 2,
        # the study's view: the top listing's 5 models
        "slm_share_by_population.png": 5,
        # its listing: acme/chat-7b, acme/chat-7b-gguf, big/llm-70b, acme/mystery
        "slm_share_by_creation_month__text-generation.png": 4,
        # its listing: acme/tiny-bert, uni/tiny-mlm
        f"slm_share_by_creation_month__{NO_LLM_TAG}.png": 2,
        f"slm_share_by_creation_month__{safe_filename(HOSTILE_TAG)}.png": 1,
        f"slm_share_by_creation_month__{safe_filename(SCRIPT_TAG)}.png": 1,
    }
    assert all(figure.has_data for figure in figures.values())
    assert "SLM (< 7B parameters) 2 (40.0%)" in figures["class_split.png"].caption
    assert "50.0% SLM overall" in figures["slm_share_by_creation_month.png"].caption
    assert "(2 of 2 shown)" in figures["tags_slm.png"].caption
    assert "before 2024-01" in figures["downloads_by_creation_month_slm.png"].caption
    # acme/tiny-bert (2023-06) draws 1,000 of the SLMs' 1,300 downloads.
    assert "draw 76.9% of the SLM" in figures["downloads_by_creation_month_slm.png"].caption
    assert "draw 0.0% of the LLM" in figures["downloads_by_creation_month_llm.png"].caption
    assert "100.0% SLM overall" in figures[f"slm_share_by_creation_month__{NO_LLM_TAG}.png"].caption
    assert all("\n" not in figure.caption for figure in figures.values())


def test_a_tag_figure_shows_the_fifteen_most_used_tags(tmp_path):
    # 20 task tags (hand-made rows: the raw fixture's classes carry two tags each).
    tags = [TagCount(f"tag-{i:02d}", i, 100 * i / 60) for i in range(1, 21)]
    figure = render_tags("SLM", tags, 60, DAY, tmp_path / "tags.png")
    assert "(15 of 20 shown)" in figure.caption
    assert "first: tag-20 (20)" in figure.caption


def test_a_day_without_llms_renders_no_data_figures_for_them(marts_conn, tmp_path):
    figures = {
        f.path.name: f for f in render_study_figure_set(load_study_data(marts_conn, NO_LLM_DAY), tmp_path)
    }
    assert set(figures) == FIXED_FILES | {f"slm_share_by_creation_month__{NO_LLM_TAG}.png"}
    no_data = {name for name, figure in figures.items() if not figure.has_data}
    assert no_data == {"tags_llm.png", "downloads_by_creation_month_llm.png", "tags_language_models_llm.png"}
    assert figures["tags_llm.png"].caption == "No data on 2025-01-05: no LLMs in the top listing."
    # acme/tiny-bert (SLM) and acme/mystery (unknown size)
    assert figures["class_split.png"].n_models == 2
    assert "LLM (≥ 7B parameters) 0 (0.0%)" in figures["class_split.png"].caption
    # acme/tiny-bert, created 2023-06, before the cutoff 2024-01, draws every SLM download.
    assert "draw 100.0% of the SLM" in figures["downloads_by_creation_month_slm.png"].caption


def test_a_date_without_rows_renders_the_nine_no_data_figures(marts_conn, tmp_path):
    figures = render_study_figure_set(load_study_data(marts_conn, EMPTY_DAY), tmp_path / "new" / "dir")
    assert {f.path.name for f in figures} == FIXED_FILES
    assert not any(f.has_data for f in figures)
    assert all(f.path.is_file() and png_size(f.path) == (1200, 700) for f in figures)


def test_rerendering_a_date_removes_figures_of_tags_gone_since(marts_conn, tmp_path):
    out_dir = tmp_path / "figures"
    out_dir.mkdir()
    stale = out_dir / "slm_share_by_creation_month__retired-tag.png"
    stale.write_bytes(PNG_SIGNATURE)
    unrelated = out_dir / "notes.txt"
    unrelated.write_text("kept")

    paths = render_study_figures(marts_conn, NO_LLM_DAY, out_dir)

    assert not stale.exists()
    assert unrelated.read_text() == "kept"
    assert {p.name for p in out_dir.iterdir()} == {p.name for p in paths} | {"notes.txt"}


@pytest.mark.parametrize(
    ("render", "expected_caption"),
    [
        (
            lambda path: render_class_split([], DAY, path, LABELS),
            "No data on 2025-01-08: the top listing is empty.",
        ),
        (
            lambda path: render_tags("LLM", [], 12, DAY, path),
            "No data on 2025-01-08: no LLM has a task tag.",
        ),
        (
            lambda path: render_slm_share_by_creation_month([], "audio", DAY, path, LABELS),
            "No data on 2025-01-08: no models in the listing of pipeline tag “audio”.",
        ),
        (
            lambda path: render_downloads_by_creation_month("SLM", [], 0, DAY, path),
            "No data on 2025-01-08: no SLMs in the top listing.",
        ),
    ],
)
def test_empty_inputs_render_a_no_data_figure(render, expected_caption, tmp_path):
    path = tmp_path / "figure.png"
    figure = render(path)
    assert not figure.has_data
    assert figure.caption == expected_caption
    assert png_size(path) == (1200, 700)


def test_hub_strings_with_mathtext_and_control_characters_render(tmp_path):
    # `$` would start matplotlib mathtext and `\x00`/newlines would garble labels: shown as text.
    nasty = ["$\\frac{unclosed", "a$b$c", "new\nline\x00", "x" * 300]
    tags = [TagCount(tag, 10 - i, 100 * (10 - i) / 20) for i, tag in enumerate(nasty)]
    assert render_tags("SLM", tags, 20, DAY, tmp_path / "tags.png").has_data
    months = [month_counts(date(2024, 1, 1), 1, 1, 0)]
    for i, tag in enumerate(nasty):
        assert render_month_counts(months, tag, tmp_path / f"{i}.png").has_data


def month_counts(month: date, n_slm: int, n_llm: int, n_unknown: int) -> MonthClassCounts:
    # Hand-made rows as marts.report_creation_months has them (sparse: under 10 of known size).
    known = n_slm + n_llm
    return MonthClassCounts(
        month, n_slm, n_llm, n_unknown, 100 * n_slm / known if known else None, known < 10
    )


def render_month_counts(months: list[MonthClassCounts], scope: str, path: Path):
    """The figure of hand-made months, with their totals as marts.report_creation_month_totals sums
    them (every month counted as recent: the figure does not draw the split)."""
    n_slm = sum(m.n_slm for m in months)
    n_known = n_slm + sum(m.n_llm for m in months)
    n_models = n_known + sum(m.n_unknown for m in months)
    slm_pct = 100 * n_slm / n_known if n_known else None
    totals = ScopeTotals(
        len(months),
        sum(m.is_sparse for m in months),
        n_models,
        n_slm,
        n_known,
        slm_pct,
        n_models,
        n_slm,
        n_known,
        slm_pct,
        0,
        0,
        0,
        None,
    )
    return render_slm_share_by_creation_month(months, scope, DAY, path, LABELS, totals, 10)


def test_ten_years_of_months_with_gaps_of_known_sizes_render(tmp_path):
    months = [month_counts(date(2015 + i // 12, i % 12 + 1, 1), i % 7, i % 3, 1) for i in range(120)]
    assert any(m.slm_pct is None for m in months)
    figure = render_month_counts(months, "all", tmp_path / "long.png")
    assert figure.has_data
    assert figure.n_models == sum(m.n_slm + m.n_llm + m.n_unknown for m in months)


def test_a_tag_whose_models_all_have_unknown_sizes_still_shows_its_counts(tmp_path):
    months = [month_counts(date(2024, 1, 1), 0, 0, 3), month_counts(date(2024, 4, 1), 0, 0, 1)]
    figure = render_month_counts(months, "audio", tmp_path / "audio.png")
    assert figure.has_data
    assert "no model of known size; n = 4 models (0 of known size)" in figure.caption


@pytest.mark.parametrize("n_months", [1, 2, 13, 25, 49, 120, 200])
def test_month_tick_labels_are_thinned_so_they_never_overlap(n_months):
    months = [date(2008 + i // 12, i % 12 + 1, 1) for i in range(n_months)]
    fig, (ax,) = new_figure()
    ax.bar(month_centers(months), [1] * n_months, width=MONTH_BAR_WIDTH_DAYS)
    format_month_axis(ax, months, "Creation month")
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    left, right = ax.get_xlim()
    labels = [
        label
        for tick, label in zip(ax.get_xticks(), ax.get_xticklabels(), strict=True)
        if left <= tick <= right and label.get_text()
    ]
    assert 1 <= len(labels) <= 24
    boxes = [label.get_window_extent(canvas.get_renderer()) for label in labels]
    assert not any(a.overlaps(b) for a, b in pairwise(boxes))
    figure_box = fig.bbox
    assert all(figure_box.x0 <= box.x0 and box.x1 <= figure_box.x1 and box.y0 >= 0 for box in boxes)


def test_rendering_never_touches_pyplot(tmp_path):
    # pyplot keeps global figures and picks a GUI backend; a daily job must not depend on either.
    script = (
        "import sys; from datetime import date; from pathlib import Path; "
        "from orchestration.defs.reports.study_figures import render_class_split; "
        "from orchestration.defs.reports.mart_queries import ClassCount; "
        "from orchestration.defs.reports.figure_style import class_labels; "
        "render_class_split([ClassCount('SLM', 3, 100.0)], date(2025, 1, 8), Path(sys.argv[1]), "
        "class_labels(7_000_000_000)); "
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "c.png")], check=True, cwd=Path(__file__).parents[2]
    )
    assert png_size(tmp_path / "c.png") == (1200, 700)


def wilson_pct(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of k / n in percent, from the formula."""
    centre = (k + z * z / 2) / (n + z * z)
    half = z * math.sqrt(k * (n - k) / n + z * z / 4) / (n + z * z)
    return 100 * (centre - half), 100 * (centre + half)


def test_the_monthly_slm_share_carries_the_marts_intervals_and_draws_them(marts_conn):
    months = load_study_data(marts_conn, DAY).slm_share_by_scope["all"]
    # Hand-counted top listing: 2023-06 one SLM; 2024-05 one SLM, one LLM; 2024-06 one LLM, one
    # unknown (no SLM: the interval starts at exactly 0 %).
    by_month = {m.creation_month: m for m in months}
    for month, k, n in ((date(2023, 6, 1), 1, 1), (date(2024, 5, 1), 1, 2), (date(2024, 6, 1), 0, 1)):
        low, high = wilson_pct(k, n)
        assert by_month[month].slm_pct_low == pytest.approx(low, abs=1e-9)
        assert by_month[month].slm_pct_high == pytest.approx(high, abs=1e-9)
    assert by_month[date(2023, 6, 1)].slm_pct_high == 100.0
    assert by_month[date(2024, 6, 1)].slm_pct_low == 0.0
    # were acme/mystery an SLM, June would be half SLM
    assert (
        by_month[date(2024, 6, 1)].slm_pct_if_unknown_slm,
        by_month[date(2024, 6, 1)].slm_pct_if_unknown_llm,
    ) == (
        50.0,
        0.0,
    )

    # the level is the one the marts were built with (var interval_z 1.96, marts.report_rules)
    rules = load_study_data(marts_conn, DAY).rules
    assert (rules.interval_z, rules.interval_level_pct) == (1.96, 95.0)
    _, (ax,) = new_figure()
    container = draw_share_intervals(ax, months, rules.interval_label)
    assert container.get_label() == "95% interval (Wilson score)"
    (bars,) = container.lines[2]
    drawn = sorted(bound for (_, y0), (_, y1) in bars.get_segments() for bound in (min(y0, y1), max(y0, y1)))
    expected = sorted(bound for m in months for bound in (m.slm_pct_low, m.slm_pct_high))
    assert drawn == pytest.approx(expected, abs=1e-9)
