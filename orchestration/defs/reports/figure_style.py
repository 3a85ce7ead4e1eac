"""What every study figure shares: size, class palette, header, month axis, "no data" panel, saving.

Figures are plain ``matplotlib.figure.Figure`` objects saved through the Agg canvas: pyplot is never
imported, so no global figure registry or backend state is touched, and nothing needs closing.
Text drawn from Hub strings is passed with ``parse_math=False`` so a `$` in a tag is not mathtext.
"""

import calendar
import os
import unicodedata
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

# 1200 x 700 px.
FIGSIZE_INCHES = (12.0, 7.0)
DPI = 100

TITLE_SIZE = 16
SUBTITLE_SIZE = 11
LABEL_SIZE = 12
TICK_SIZE = 10.5

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
CLASS_COLORS = {"SLM": "#0072B2", "LLM": "#D55E00", "unknown": "#9E9E9E"}
# The dbt var `slm_max_params` (7e9) decides the class; the labels restate it for the reader.
CLASS_LABELS = {
    "SLM": "SLM (< 7B parameters)",
    "LLM": "LLM (≥ 7B parameters)",
    "unknown": "unknown size",
}
CLASS_ORDER = ("SLM", "LLM", "unknown")
SUBTLE_TEXT_COLOR = "#444444"

# More month labels than this overlap at 1200 px once rotated; thinner steps are used instead.
_MAX_MONTH_TICKS = 24
_MONTH_TICK_STEPS = (1, 2, 3, 6, 12, 24, 60)
# Bars are centred on the 16th of their month, where the month's tick sits, 24 days wide.
_MONTH_CENTER_OFFSET_DAYS = 15
MONTH_BAR_WIDTH_DAYS = 24
# A month axis shows at least half a year, so one or two months do not become wall-wide bars.
_MIN_MONTH_AXIS_DAYS = 183


def display_text(text: str, max_chars: int = 60) -> str:
    """A Hub string made printable: control characters replaced, overly long text shortened."""
    printable = "".join(
        "\N{REPLACEMENT CHARACTER}" if unicodedata.category(char).startswith("C") else char for char in text
    )
    return printable if len(printable) <= max_chars else printable[: max_chars - 1] + "…"


def new_figure(height_ratios: Sequence[float] = (1.0,)) -> tuple[Figure, list[Axes]]:
    """A study-sized figure with one axes per height ratio, stacked and sharing the x axis."""
    fig = Figure(figsize=FIGSIZE_INCHES, dpi=DPI, layout="constrained")
    axes = fig.subplots(
        len(height_ratios), 1, sharex=True, squeeze=False, gridspec_kw={"height_ratios": height_ratios}
    )[:, 0]
    for ax in axes:
        ax.tick_params(labelsize=TICK_SIZE)
        ax.spines[["top", "right"]].set_visible(False)
    return fig, list(axes)


def add_header(fig: Figure, top_ax: Axes, title: str, subtitle: str) -> None:
    """Bold title over the whole figure, grey subtitle (snapshot date, sample size) over the top axes."""
    fig.suptitle(title, fontsize=TITLE_SIZE, fontweight="bold", parse_math=False)
    top_ax.set_title(subtitle, loc="left", fontsize=SUBTITLE_SIZE, color=SUBTLE_TEXT_COLOR, parse_math=False)


def snapshot_subtitle(snapshot_date: date, sample: str) -> str:
    return f"Snapshot {snapshot_date.isoformat()}  ·  {sample}"


def save_figure(fig: Figure, path: Path) -> None:
    """Write the PNG under a temporary name first, so a reader never sees a half-written file."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        fig.savefig(partial, format="png", dpi=DPI)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def render_no_data(path: Path, title: str, subtitle: str, message: str) -> None:
    """The figure for an empty input: same title and subtitle, the reason in the middle."""
    fig, (ax,) = new_figure()
    add_header(fig, ax, title, subtitle)
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        f"No data\n{message}",
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=18,
        color=SUBTLE_TEXT_COLOR,
        linespacing=1.8,
        parse_math=False,
    )
    save_figure(fig, path)


def month_centers(months: Sequence[date]) -> np.ndarray:
    """x positions (matplotlib date numbers) of bars for the given first-of-month dates."""
    return mdates.date2num(list(months)) + _MONTH_CENTER_OFFSET_DAYS


def format_month_axis(ax: Axes, months: Sequence[date], xlabel: str) -> None:
    """`YYYY-MM` ticks under the bars, thinned to whole steps (aligned on January) so none overlap."""
    first, last = min(months), max(months)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((s for s in _MONTH_TICK_STEPS if span / s <= _MAX_MONTH_TICKS), _MONTH_TICK_STEPS[-1])
    day = 1 + _MONTH_CENTER_OFFSET_DAYS
    if step < 12:
        locator = mdates.MonthLocator(bymonth=range(1, 13, step), bymonthday=day)
    else:
        locator = mdates.YearLocator(base=step // 12, month=1, day=day)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    left = mdates.date2num(first) - 3
    right = mdates.date2num(last) + calendar.monthrange(last.year, last.month)[1] + 3
    # Widen towards the past only: months after the data may lie after the snapshot date.
    ax.set_xlim(min(left, right - _MIN_MONTH_AXIS_DAYS), right)
    ax.tick_params(axis="x", labelrotation=45)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
        label.set_rotation_mode("anchor")
    ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)


def thousands(n: int) -> str:
    return f"{n:,}"


def format_count_axis(axis: Axis, nbins: str | int = "auto") -> None:
    """Ticks for numbers of models: whole, on round steps (10, 20 rather than 8, 16), as 1,000."""
    axis.set_major_locator(MaxNLocator(nbins=nbins, integer=True, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
