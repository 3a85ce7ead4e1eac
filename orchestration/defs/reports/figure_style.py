"""What every study figure shares: size, class palette, header, month axis, "no data" panel, saving.

Figures are plain ``matplotlib.figure.Figure`` objects saved through the Agg canvas: pyplot is never
imported, so no global figure registry or backend state is touched, and nothing needs closing.
Text drawn from Hub strings is passed with ``parse_math=False`` so a `$` in a tag is not mathtext.
"""

import calendar
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class StudyFigure:
    """One rendered PNG, whatever its family (study, history, sizes, reference evidence)."""

    path: Path
    caption: str  # one line, for the asset's metadata
    n_models: int  # the sample size printed on the figure
    has_data: bool  # False for a "no data" figure
    title: str = ""  # the heading in the HTML report when the report has no reading of its own


def billions(parameters: float) -> str:
    """A parameter count as the study writes it: 7B, 3.8B, 13B, 86M."""
    value = parameters / 1e9
    if value >= 10:
        return f"{value:.0f}B"
    if value >= 1:
        return f"{value:.1f}".rstrip("0").rstrip(".") + "B"
    return f"{parameters / 1e6:.0f}M"


def class_labels(slm_max_params: int) -> dict[str, str]:
    """Legend labels of the classes, stating the boundary the marts were built with (report_rules)."""
    boundary = billions(slm_max_params)
    return {
        "SLM": f"SLM (< {boundary} parameters)",
        "LLM": f"LLM (≥ {boundary} parameters)",
        "unknown": "unknown size",
    }


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


def no_data_figure(
    path: Path, title: str, snapshot_date: date, sample: str, reason: str, n_models: int = 0
) -> StudyFigure:
    """The figure of an empty input, under its usual name and with its usual title and subtitle, the
    reason in the middle; ``reason`` completes "No data on <date>: ..."."""
    fig, (ax,) = new_figure()
    add_header(fig, ax, title, snapshot_subtitle(snapshot_date, sample))
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        f"No data\n{reason[:1].upper()}{reason[1:]}.",
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=18,
        color=SUBTLE_TEXT_COLOR,
        linespacing=1.8,
        parse_math=False,
    )
    save_figure(fig, path)
    return StudyFigure(path, f"No data on {snapshot_date}: {reason}.", n_models, False, title)


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
