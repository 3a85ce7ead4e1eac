"""Figures of the history marts (what the Hub's API never gives), rendered daily with the study's.

Like `study_figures`, in two steps: `load_history_data` reads the marts on a short read-only
connection, then `render_history_figure_set` draws one PNG per figure with no connection held::

    with warehouse.connect(read_only=True) as conn:
        history = load_history_data(conn, day)
    figures = render_history_figure_set(history, day, out_dir)

Each figure is a `StudyFigure` with its title for the HTML report. Empty input
gives a "no data" figure under the same name, so a date always has the same five files:

- `history_slm_download_share.png`: SLM share of the day's exact downloads, with its 7-day rolling
  share, and the downloads per day by class (marts.daily_downloads_by_class);
- `history_monthly_downloads.png`: downloads per month stacked by class, partial months marked
  (marts.monthly_downloads_by_class);
- `history_new_models_slm_share.png`: SLM share of the models created each week, from the
  newest-models listing and from the top listing (marts.report_new_model_weeks, report_new_model_totals);
- `history_top_n_survival.png`: Kaplan-Meier curves of the time models stay in the top listing,
  by class, with censoring marks and the numbers at risk (marts.survival_by_class);
- `history_old_model_download_share.png`: share of each class's daily downloads going to models
  over a year old (marts.download_share_by_model_age).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from orchestration.defs.reports.figure_style import (
    CLASS_COLORS,
    CLASS_ORDER,
    LABEL_SIZE,
    MONTH_BAR_WIDTH_DAYS,
    SUBTLE_TEXT_COLOR,
    StudyFigure,
    add_header,
    format_count_axis,
    format_month_axis,
    month_centers,
    new_figure,
    no_data_figure,
    save_figure,
    snapshot_subtitle,
    thousands,
)
from orchestration.defs.reports.mart_queries import ReportRules, load_rules
from orchestration.defs.reports.marts import read
from orchestration.names import NEW_MODELS_FROM_NEW_LISTING, NEW_MODELS_FROM_TOP_LISTING, STUDY_POPULATION

SLM_DOWNLOAD_SHARE_FILE = "history_slm_download_share.png"
MONTHLY_DOWNLOADS_FILE = "history_monthly_downloads.png"
NEW_MODELS_SHARE_FILE = "history_new_models_slm_share.png"
SURVIVAL_FILE = "history_top_n_survival.png"
OLD_MODEL_SHARE_FILE = "history_old_model_download_share.png"

NEW_LISTING = NEW_MODELS_FROM_NEW_LISTING
TOP_LISTING = NEW_MODELS_FROM_TOP_LISTING
# Okabe-Ito colours not used by the classes: the two listings compared in the new-models figure.
SOURCE_COLORS = {NEW_LISTING: "#009E73", TOP_LISTING: "#CC79A7"}
SOURCE_LABELS = {
    NEW_LISTING: "newest-models listing (every new model)",
    TOP_LISTING: "top listing (the new models that became popular)",
}
# An interval box per week, a little narrower than the week so neighbours stay apart.
WEEK_INTERVAL_WIDTH_DAYS = 6
GAP_COLOR = "#000000"
GAP_ALPHA = 0.07


HistoryFigure = StudyFigure  # one figure type for every family


@dataclass(frozen=True)
class DailyClassDownloads:
    snapshot_date: date
    model_class: str
    n_models: int
    downloads: int
    share_pct: float | None
    known_share_pct: float | None
    rolling_7d_known_share_pct: float | None


@dataclass(frozen=True)
class MonthlyClassDownloads:
    month_start: date
    model_class: str
    downloads: int
    n_models: int
    is_complete_month: bool


@dataclass(frozen=True)
class WeeklyNewModels:
    source_listing: str
    creation_week: date
    n_models: int
    n_slm: int
    n_llm: int
    n_unknown: int
    slm_pct: float | None
    is_complete_week: bool
    is_sparse: bool  # too few models of known size to read (var min_known_models_per_period)
    # slm_pct's 95 % interval and its values were every unknown size an SLM / an LLM (the mart's)
    slm_pct_low: float | None = None
    slm_pct_high: float | None = None
    slm_pct_if_unknown_slm: float | None = None
    slm_pct_if_unknown_llm: float | None = None


@dataclass(frozen=True)
class NewModelShare:
    """The complete weeks of one source listing summed (marts.report_new_model_totals)."""

    n_models: int
    slm_pct: float | None


@dataclass(frozen=True)
class MonthShare:
    """A complete month's downloads of every class and the SLM share (marts.report_monthly_downloads)."""

    month_start: date
    downloads: int
    slm_pct: float | None


@dataclass(frozen=True)
class SurvivalStep:
    model_class: str
    days_since_entry: int
    n_at_risk: int
    n_events: int
    n_censored: int
    survival_pct: float


@dataclass(frozen=True)
class OldModelShare:
    snapshot_date: date
    model_class: str
    n_models: int
    downloads: int
    downloads_old: int
    old_share_pct: float | None


@dataclass(frozen=True)
class HistoryData:
    """What the history figures of one date need, read in one go (then the connection closes)."""

    snapshot_date: date
    rules: ReportRules
    snapshot_dates: tuple[date, ...] = ()  # every date modelled up to snapshot_date, ascending
    daily: list[DailyClassDownloads] = field(default_factory=list)
    monthly: list[MonthlyClassDownloads] = field(default_factory=list)
    new_models: list[WeeklyNewModels] = field(default_factory=list)
    new_models_as_of: date | None = None
    new_model_shares: dict[str, NewModelShare] = field(default_factory=dict)  # by source listing
    latest_complete_month: MonthShare | None = None
    missed_dates: tuple[date, ...] = ()  # days without a snapshot up to snapshot_date, ascending
    survival: list[SurvivalStep] = field(default_factory=list)
    survival_as_of: date | None = None
    old_shares: list[OldModelShare] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Loading


def _latest_as_of(conn: duckdb.DuckDBPyConnection, mart: str, day: date) -> date | None:
    """The mart's latest snapshot date up to ``day`` (None when it has none yet)."""
    dates = read(
        conn,
        mart,
        ("snapshot_date",),
        where="snapshot_date <= ?",
        order_by="snapshot_date desc",
        limit=1,
        params=[day],
    )
    return dates[0][0] if dates else None


def load_history_data(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> HistoryData:
    """Read the history marts up to ``snapshot_date`` (each exists once dbt has built), in the
    study's view: the rows of every model (population all_models), never the language models'."""
    day = snapshot_date
    new_models_as_of = _latest_as_of(conn, "report_new_model_weeks", day)
    survival_as_of = _latest_as_of(conn, "survival_by_class", day)
    return HistoryData(
        snapshot_date=day,
        rules=load_rules(conn),
        snapshot_dates=tuple(
            d
            for (d,) in read(
                conn,
                "report_snapshot_dates",
                ("snapshot_date",),
                where="snapshot_date <= ?",
                order_by="1",
                params=[day],
            )
        ),
        daily=[
            DailyClassDownloads(*row)
            for row in read(
                conn,
                "daily_downloads_by_class",
                (
                    "snapshot_date",
                    "model_class",
                    "n_models",
                    "downloads",
                    "share_pct",
                    "known_share_pct",
                    "rolling_7d_known_share_pct",
                ),
                where="snapshot_date <= ? and population = ?",
                order_by="snapshot_date, model_class",
                params=[day, STUDY_POPULATION],
            )
        ],
        monthly=[
            MonthlyClassDownloads(*row)
            for row in read(
                conn,
                "monthly_downloads_by_class",
                ("month_start", "model_class", "downloads", "n_models", "is_complete_month"),
                where="month_start <= ? and population = ?",
                order_by="month_start, model_class",
                params=[day, STUDY_POPULATION],
            )
        ],
        new_models=[
            WeeklyNewModels(*row)
            for row in read(
                conn,
                "report_new_model_weeks",
                (
                    "source_listing",
                    "creation_week",
                    "n_models",
                    "n_slm",
                    "n_llm",
                    "n_unknown",
                    "slm_pct",
                    "is_complete_week",
                    "is_sparse",
                    "slm_pct_low",
                    "slm_pct_high",
                    "slm_pct_if_unknown_slm",
                    "slm_pct_if_unknown_llm",
                ),
                where="snapshot_date = ?",
                order_by="source_listing, creation_week",
                params=[new_models_as_of],
            )
        ],
        new_models_as_of=new_models_as_of,
        new_model_shares={
            source: NewModelShare(*row)
            for source, *row in read(
                conn,
                "report_new_model_totals",
                ("source_listing", "n_models_complete_weeks", "slm_pct_complete_weeks"),
                where="snapshot_date = ?",
                params=[new_models_as_of],
            )
        },
        latest_complete_month=next(
            (
                MonthShare(*row)
                for row in read(
                    conn,
                    "report_monthly_downloads",
                    ("month_start", "downloads", "slm_pct"),
                    where="month_start <= ? and is_complete_month",
                    order_by="month_start desc",
                    limit=1,
                    params=[day],
                )
            ),
            None,
        ),
        missed_dates=tuple(
            first + timedelta(days=i)
            for first, last in read(
                conn,
                "report_snapshot_date_runs",
                ("first_date", "last_date"),
                where="not has_snapshot and first_date <= ?",
                order_by="first_date",
                params=[day],
            )
            for i in range((min(last, day) - first).days + 1)
        ),
        survival=[
            SurvivalStep(*row)
            for row in read(
                conn,
                "survival_by_class",
                ("model_class", "days_since_entry", "n_at_risk", "n_events", "n_censored", "survival_pct"),
                where="snapshot_date = ? and population = ?",
                order_by="model_class, days_since_entry",
                params=[survival_as_of, STUDY_POPULATION],
            )
        ],
        survival_as_of=survival_as_of,
        old_shares=[
            OldModelShare(*row)
            for row in read(
                conn,
                "download_share_by_model_age",
                ("snapshot_date", "model_class", "n_models", "downloads", "downloads_old", "old_share_pct"),
                where="snapshot_date <= ? and population = ?",
                order_by="snapshot_date, model_class",
                params=[day, STUDY_POPULATION],
            )
        ],
    )


# ---------------------------------------------------------------------------------------------
# Shared drawing helpers


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _series(days: Sequence[date], values: dict[date, float | None]) -> np.ndarray:
    """Values on every calendar day, NaN where there is none: a line breaks across a gap."""
    return np.array([np.nan if values.get(d) is None else values[d] for d in days], dtype=float)


def _shade_days(ax: Axes, days: Sequence[date]) -> None:
    """Grey bands over whole calendar days (each centred on its date)."""
    for first, last in _runs(days):
        ax.axvspan(
            mdates.date2num(first) - 0.5,
            mdates.date2num(last) + 0.5,
            color=GAP_COLOR,
            alpha=GAP_ALPHA,
            linewidth=0,
        )


def _runs(days: Sequence[date]) -> list[tuple[date, date]]:
    runs: list[tuple[date, date]] = []
    for d in sorted(days):
        if runs and d - runs[-1][1] == timedelta(days=1):
            runs[-1] = (runs[-1][0], d)
        else:
            runs.append((d, d))
    return runs


def _format_day_axis(ax: Axes, first: date, last: date) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlim(mdates.date2num(first) - 0.7, mdates.date2num(last) + 0.7)


def _compact(n: float) -> str:
    """1,234 -> 1.2k, 38,012,345 -> 38.0M: bar labels and axis ticks of download counts."""
    for factor, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= factor:
            return f"{n / factor:.1f}".removesuffix(".0") + suffix
    return f"{n:,.0f}"


def _share_limits(values: Sequence[float], min_span: float = 10.0) -> tuple[float, float]:
    """A y range around the shares (at least ``min_span`` points, within 0-100, on round tens)."""
    low, high = min(values), max(values)
    if high - low < min_span:
        middle = (low + high) / 2
        low, high = middle - min_span / 2, middle + min_span / 2
    low = max(0.0, math.floor((low - 2) / 5) * 5)
    high = min(100.0, math.ceil((high + 2) / 5) * 5)
    return low, high


def _share_ticks(ax: Axes, low: float, high: float) -> None:
    """Ticks on the share axis up to 100% only (the space above holds the legend)."""
    step = 5 if high - low <= 30 else 10 if high - low <= 60 else 20
    ax.set_yticks(np.arange(low, min(high, 100) + 0.1, step))


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


# ---------------------------------------------------------------------------------------------
# 1. SLM share of the day's downloads


def render_slm_download_share(data: HistoryData, path: Path) -> HistoryFigure:
    """SLM share of the exact daily downloads (models of known size), 7-day rolling share, volumes."""
    day = data.snapshot_date
    title = "SLM share of each day's downloads"
    by_day: dict[date, dict[str, DailyClassDownloads]] = {}
    for row in data.daily:
        by_day.setdefault(row.snapshot_date, {})[row.model_class] = row
    latest = by_day.get(max(by_day)) if by_day else None
    n_latest = sum(r.n_models for r in latest.values()) if latest else 0
    sample = (
        f"models seen on consecutive days  ·  n = {thousands(n_latest)} models on {max(by_day)}"
        if by_day
        else "models seen on consecutive days"
    )
    slm_days = {d: rows["SLM"] for d, rows in by_day.items() if "SLM" in rows}
    shares = {d: r.known_share_pct for d, r in slm_days.items() if r.known_share_pct is not None}
    if not shares:
        reason = (
            "no model was seen on two consecutive days yet"
            if not by_day
            else "no day has downloads of models of known size"
        )
        return no_data_figure(path, title, day, sample, reason)

    first, last = min(data.snapshot_dates or by_day), max(by_day)
    days = _days(first, last)
    no_data_days = [d for d in days if d not in by_day]
    missed = [d for d in data.missed_dates if first <= d <= last]
    rolling = {d: r.rolling_7d_known_share_pct for d, r in slm_days.items()}
    last_day = by_day[last]
    unknown = last_day.get("unknown")
    subtitle = snapshot_subtitle(day, sample) + (
        f"\nShare of the downloads of models of known size; those of unknown size (left out) drew "
        f"{_pct(unknown.share_pct if unknown else 0.0)} of all on {last}"
    )
    fig, (share_ax, volume_ax) = new_figure(height_ratios=(3.0, 1.6))
    add_header(fig, share_ax, title, subtitle)
    x = mdates.date2num(days)
    daily_values = _series(days, shares)
    rolling_values = _series(days, rolling)
    share_ax.plot(
        x,
        daily_values,
        color=CLASS_COLORS["SLM"],
        linewidth=1,
        alpha=0.6,
        marker="o",
        markersize=3.5,
        label="SLM share of the day's downloads",
    )
    share_ax.plot(
        x,
        rolling_values,
        color=CLASS_COLORS["SLM"],
        linewidth=2.8,
        label="7-day rolling share (the days with data among the last 7, pooled)",
    )
    values = [v for v in [*shares.values(), *rolling.values()] if v is not None]
    low, high = _share_limits(values)
    _share_ticks(share_ax, low, high)
    share_ax.set_ylabel("SLM / (SLM + LLM)\ndownloads (%)", fontsize=LABEL_SIZE)
    share_ax.grid(axis="y", alpha=0.3)
    bottom = np.zeros(len(days))
    for model_class in CLASS_ORDER:
        counts = np.array(
            [by_day[d][model_class].downloads if model_class in by_day.get(d, {}) else 0 for d in days],
            dtype=float,
        )
        volume_ax.bar(
            x,
            counts,
            bottom=bottom,
            width=0.8,
            color=CLASS_COLORS[model_class],
            label=data.rules.class_labels[model_class],
        )
        bottom += counts
    volume_ax.set_ylim(0, max(bottom.max(), 1) * 1.45)
    volume_ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _compact(v)))
    volume_ax.set_ylabel("Downloads\nthat day", fontsize=LABEL_SIZE)
    volume_ax.grid(axis="y", alpha=0.3)
    volume_ax.legend(loc="upper left", ncol=3, frameon=False, fontsize=LABEL_SIZE - 2)
    handles, labels = share_ax.get_legend_handles_labels()
    if no_data_days:
        for ax in (share_ax, volume_ax):
            _shade_days(ax, no_data_days)
        handles.append(Patch(color=GAP_COLOR, alpha=GAP_ALPHA * 2))
        labels.append(
            "no exact daily figure: first snapshot, missed snapshot"
            + (f" ({', '.join(f'{d:%m-%d}' for d in missed)})" if missed else "")
            + " or the day after one"
        )
    share_ax.legend(handles, labels, loc="upper left", frameon=False, fontsize=LABEL_SIZE - 2, ncol=1)
    share_ax.set_ylim(low, high + (high - low) * 0.4)  # headroom for the legend
    _format_day_axis(volume_ax, first, last)
    volume_ax.set_xlabel("Day (UTC)", fontsize=LABEL_SIZE)
    save_figure(fig, path)
    latest_share = shares.get(last)
    caption = (
        f"SLMs drew {_pct(latest_share)} of the downloads of models of known size on {last} "
        f"(7-day rolling share {_pct(rolling.get(last))}), over {len(shares)} days with exact daily "
        f"downloads; {len(no_data_days)} day(s) without one are shaded, never interpolated."
    )
    return HistoryFigure(path, caption, n_latest, True, title)


# ---------------------------------------------------------------------------------------------
# 2. Monthly downloads by class


def render_monthly_downloads(data: HistoryData, path: Path) -> HistoryFigure:
    """Downloads per calendar month stacked by class; partial months hatched and labelled."""
    day = data.snapshot_date
    title = "Downloads per month by model class"
    months = sorted({row.month_start for row in data.monthly})
    sample = "models observed in the month, exact downloads between their snapshots"
    if not months:
        return no_data_figure(path, title, day, sample, "no interval of downloads is known yet")

    by_month: dict[date, dict[str, MonthlyClassDownloads]] = {}
    for row in data.monthly:
        by_month.setdefault(row.month_start, {})[row.model_class] = row
    complete = {m: all(r.is_complete_month for r in by_month[m].values()) for m in months}
    n_complete = sum(complete.values())
    subtitle = snapshot_subtitle(day, sample) + (
        f"\n{n_complete} complete month(s); a missed day's downloads count in the interval spanning it. "
        "Hatched: partial month, not comparable"
    )
    fig, (ax,) = new_figure()
    add_header(fig, ax, title, subtitle)
    centers = month_centers(months)
    bottom = np.zeros(len(months))
    for model_class in CLASS_ORDER:
        values = np.array(
            [by_month[m][model_class].downloads if model_class in by_month[m] else 0 for m in months],
            dtype=float,
        )
        colors = [CLASS_COLORS[model_class]] * len(months)
        bars = ax.bar(
            centers,
            values,
            bottom=bottom,
            width=MONTH_BAR_WIDTH_DAYS,
            color=colors,
            label=data.rules.class_labels[model_class],
            edgecolor="white",
            linewidth=0.5,
        )
        for bar, month in zip(bars, months, strict=True):
            if not complete[month]:
                bar.set_alpha(0.4)
                bar.set_hatch("///")
        bottom += values
    for center, total, month in zip(centers, bottom, months, strict=True):
        label = _compact(total) + ("" if complete[month] else "\npartial")
        ax.text(
            center, total, label, ha="center", va="bottom", fontsize=LABEL_SIZE - 1, color=SUBTLE_TEXT_COLOR
        )
    ax.set_ylim(0, max(bottom.max(), 1) * 1.3)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _compact(v)))
    ax.set_ylabel("Downloads in the month", fontsize=LABEL_SIZE)
    ax.grid(axis="y", alpha=0.3)
    handles: list = [Patch(color=CLASS_COLORS[c]) for c in CLASS_ORDER]
    labels = [data.rules.class_labels[c] for c in CLASS_ORDER]
    if n_complete < len(months):
        handles.append(Patch(facecolor="#FFFFFF", edgecolor=SUBTLE_TEXT_COLOR, hatch="///"))
        labels.append("partial month (history does not cover it end to end)")
    ax.legend(handles, labels, loc="upper left", frameon=False, fontsize=LABEL_SIZE - 1, ncol=2)
    format_month_axis(ax, months, "Month")
    # Only the months with data (at least four months wide, so a bar is not wall-wide).
    right = mdates.date2num(months[-1]) + 31 + 8
    ax.set_xlim(min(mdates.date2num(months[0]) - 8, right - 4 * 31), right)
    save_figure(fig, path)
    latest = data.latest_complete_month
    if latest is not None:
        reading = (
            f"latest complete month {latest.month_start:%Y-%m}: {thousands(latest.downloads)} downloads, "
            f"{_pct(latest.slm_pct)} to SLMs"
        )
    else:
        reading = "no complete month yet"
    caption = f"Downloads per month by class over {len(months)} month(s), {reading}."
    n_models = sum(r.n_models for r in by_month[months[-1]].values())
    return HistoryFigure(path, caption, n_models, True, title)


# ---------------------------------------------------------------------------------------------
# 3. SLM share of new models per week, two listings


def render_new_models_share(data: HistoryData, path: Path) -> HistoryFigure:
    """Weekly SLM share of new models: the newest-models listing against the top listing."""
    day = data.snapshot_date
    title = "SLM share of the models created each week: every new model vs the popular ones"
    weeks = sorted({w.creation_week for w in data.new_models if w.is_complete_week})
    rows = {(w.source_listing, w.creation_week): w for w in data.new_models if w.is_complete_week}
    shares = data.new_model_shares
    n_new = shares[NEW_LISTING].n_models if NEW_LISTING in shares else 0
    n_top = shares[TOP_LISTING].n_models if TOP_LISTING in shares else 0
    sample = (
        f"weeks the newest-models listing covers whole  ·  n = {thousands(n_new)} new models, "
        f"{thousands(n_top)} of them reached the top listing"
    )
    if not weeks or n_new == 0:
        return no_data_figure(
            path, title, day, sample, "no creation week is covered whole by the newest-models listing yet"
        )

    as_of = data.new_models_as_of or day
    subtitle = snapshot_subtitle(day, sample) + (
        f"\nModels seen up to {as_of}, each counted once; the gap between the lines is the top listing's "
        "selection bias"
    )
    fig, (share_ax, count_ax) = new_figure(height_ratios=(3.0, 1.6))
    add_header(fig, share_ax, title, subtitle)
    x_weeks = mdates.date2num(weeks) + 3.5  # the middle of the week
    offsets = {NEW_LISTING: -1.3, TOP_LISTING: 1.3}
    for source in (NEW_LISTING, TOP_LISTING):
        color = SOURCE_COLORS[source]
        values = np.array(
            [
                rows[(source, w)].slm_pct
                if (source, w) in rows and rows[(source, w)].slm_pct is not None
                else np.nan
                for w in weeks
            ],
            dtype=float,
        )
        reliable = np.array([(source, w) in rows and not rows[(source, w)].is_sparse for w in weeks])
        share_ax.plot(x_weeks, values, color=color, linewidth=2, label=SOURCE_LABELS[source])
        low, high = (
            np.array(
                [
                    getattr(rows[(source, w)], bound)
                    if (source, w) in rows and getattr(rows[(source, w)], bound) is not None
                    else np.nan
                    for w in weeks
                ],
                dtype=float,
            )
            for bound in ("slm_pct_low", "slm_pct_high")
        )
        draw_week_intervals(share_ax, x_weeks, low, high, reliable, color)
        share_ax.plot(x_weeks[reliable], values[reliable], "o", color=color, markersize=6)
        share_ax.plot(
            x_weeks[~reliable],
            values[~reliable],
            "o",
            markerfacecolor="white",
            markeredgecolor=color,
            markersize=6,
        )
        counts = [rows[(source, w)].n_models if (source, w) in rows else 0 for w in weeks]
        count_ax.bar(x_weeks + offsets[source], counts, width=2.6, color=color, label=SOURCE_LABELS[source])
    share_ax.set_ylim(0, 125)
    share_ax.set_yticks(range(0, 101, 20))
    share_ax.set_ylabel("SLM share of the week's\nmodels of known size (%)", fontsize=LABEL_SIZE)
    share_ax.grid(axis="y", alpha=0.3)
    handles, labels = share_ax.get_legend_handles_labels()
    handles.append(
        Line2D([], [], linestyle="none", marker="o", markerfacecolor="white", markeredgecolor="#666666")
    )
    min_known = data.rules.min_known_models_per_period
    labels.append(f"fewer than {min_known} models of known size (unreliable)")
    handles.append(Patch(color="#666666", alpha=0.2, linewidth=0))
    labels.append(f"{data.rules.interval_label}, weeks with {min_known}+ models of known size")
    share_ax.legend(handles, labels, loc="upper left", frameon=False, fontsize=LABEL_SIZE - 2, ncol=2)
    count_ax.set_yscale("symlog", linthresh=10)
    count_ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _compact(v)))
    count_ax.set_ylabel("Models created\n(log scale)", fontsize=LABEL_SIZE)
    count_ax.grid(axis="y", alpha=0.3)
    count_ax.set_ylim(0, max(1, max(rows[k].n_models for k in rows)) * 8)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    count_ax.xaxis.set_major_locator(locator)
    count_ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    count_ax.set_xlim(mdates.date2num(weeks[0]) - 2, mdates.date2num(weeks[-1]) + 9)
    count_ax.set_xlabel("Creation week (UTC, Monday to Sunday)", fontsize=LABEL_SIZE)

    def overall(source: str) -> float | None:
        return shares[source].slm_pct if source in shares else None

    save_figure(fig, path)
    caption = (
        f"SLM share of the models created in {len(weeks)} complete week(s): {_pct(overall(NEW_LISTING))} "
        f"among every new model, {_pct(overall(TOP_LISTING))} among those that reached the top listing."
    )
    return HistoryFigure(path, caption, n_new, True, title)


def draw_week_intervals(
    ax: Axes, x_weeks: np.ndarray, low: np.ndarray, high: np.ndarray, shown: np.ndarray, color: str
):
    """The weeks' 95 % intervals (the mart's slm_pct_low / slm_pct_high) as light boxes, one per week.

    Only the weeks in ``shown`` (enough models of known size, the solid markers): a sparse week's
    interval spans most of the axis and would hide both lines. Boxes, not a filled curve, so a lone
    week between sparse ones shows too; consecutive weeks read as a band.
    """
    keep = shown & np.isfinite(low) & np.isfinite(high)
    return ax.bar(
        x_weeks[keep],
        (high - low)[keep],
        bottom=low[keep],
        width=WEEK_INTERVAL_WIDTH_DAYS,
        color=color,
        alpha=0.18,
        linewidth=0,
    )


# ---------------------------------------------------------------------------------------------
# 4. Survival in the top N


def render_survival(data: HistoryData, path: Path) -> HistoryFigure:
    """Kaplan-Meier: share of the models still in the top listing k days after entering it."""
    day = data.snapshot_date
    title = "How long models stay in the top listing after entering it"
    by_class: dict[str, list[SurvivalStep]] = {}
    for step in data.survival:
        by_class.setdefault(step.model_class, []).append(step)
    n_by_class = {c: steps[0].n_at_risk for c, steps in by_class.items()}
    n_subjects = sum(n_by_class.values())
    first = data.snapshot_dates[0] if data.snapshot_dates else None
    entered_after = first or "its first snapshot"
    sample = f"models entering the top listing after {entered_after}  ·  n = {thousands(n_subjects)} models"
    if not by_class:
        return no_data_figure(
            path, title, day, sample, "no model has entered the top listing since its first snapshot"
        )

    as_of = data.survival_as_of or day
    subtitle = snapshot_subtitle(day, sample) + (
        f"\nKaplan-Meier estimate as of {as_of}. Models already in the listing on {first} are left out "
        "(entry date unknown)"
    )
    fig, (curve_ax, risk_ax) = new_figure(height_ratios=(3.0, 1.4))
    add_header(fig, curve_ax, title, subtitle)
    lowest = 100.0
    for model_class in CLASS_ORDER:
        steps = by_class.get(model_class)
        if not steps:
            continue
        color = CLASS_COLORS[model_class]
        k = np.array([s.days_since_entry for s in steps])
        survival = np.array([s.survival_pct for s in steps])
        lowest = min(lowest, float(survival.min()))
        curve_ax.step(
            k,
            survival,
            where="post",
            color=color,
            linewidth=2.2,
            label=f"{data.rules.class_labels[model_class]}: {thousands(n_by_class[model_class])} models, "
            f"{survival[-1]:.1f}% after {k[-1]} days",
        )
        censored = np.array([s.n_censored > 0 for s in steps])
        curve_ax.plot(
            k[censored], survival[censored], linestyle="none", marker="|", markersize=11, color=color
        )
        risk_ax.step(k, [s.n_at_risk for s in steps], where="post", color=color, linewidth=1.8)
    # Room under the curves for the legend.
    low = max(0.0, math.floor((lowest - 5 - (100 - lowest) * 0.6) / 10) * 10)
    curve_ax.set_ylim(low, 100 + (100 - low) * 0.05)
    _share_ticks(curve_ax, low, 100)
    curve_ax.set_ylabel("Still in the top listing (%)", fontsize=LABEL_SIZE)
    curve_ax.grid(alpha=0.3)
    handles, labels = curve_ax.get_legend_handles_labels()
    handles.append(Line2D([], [], linestyle="none", marker="|", markersize=11, color=SUBTLE_TEXT_COLOR))
    labels.append(f"censored: still in the top listing on {as_of}")
    # Bottom left: the curves start at 100% and fall to the right.
    curve_ax.legend(handles, labels, loc="lower left", frameon=False, fontsize=LABEL_SIZE - 2)
    risk_ax.set_ylabel("Models at risk\n(number)", fontsize=LABEL_SIZE)
    format_count_axis(risk_ax.yaxis, nbins=4)
    risk_ax.set_ylim(0, None)
    risk_ax.grid(alpha=0.3)
    risk_ax.set_xlabel("Days since entering the top listing", fontsize=LABEL_SIZE)
    risk_ax.set_xlim(-0.5, max(s.days_since_entry for s in data.survival) + 0.5)
    format_count_axis(risk_ax.xaxis)
    save_figure(fig, path)
    readings = "; ".join(
        f"{c} {by_class[c][-1].survival_pct:.1f}% after {by_class[c][-1].days_since_entry} days"
        for c in CLASS_ORDER
        if c in by_class
    )
    caption = (
        f"Share of the models still in the top listing after entering it (Kaplan-Meier, as of {as_of}): "
        f"{readings}."
    )
    return HistoryFigure(path, caption, n_subjects, True, title)


# ---------------------------------------------------------------------------------------------
# 5. Downloads going to models over a year old


def render_old_model_share(data: HistoryData, path: Path) -> HistoryFigure:
    """Per class, the share of the day's exact downloads going to models over a year old."""
    day = data.snapshot_date
    old_age = data.rules.old_model_age_days
    title = f"Share of each class's daily downloads going to models over {old_age} days old"
    by_class: dict[str, dict[date, OldModelShare]] = {}
    for row in data.old_shares:
        by_class.setdefault(row.model_class, {})[row.snapshot_date] = row
    dates = sorted({row.snapshot_date for row in data.old_shares})
    sample = "models seen on consecutive days, exact daily downloads"
    if not any(r.old_share_pct is not None for r in data.old_shares):
        return no_data_figure(path, title, day, sample, "no model was seen on two consecutive days yet")

    first, last = min(data.snapshot_dates or dates), max(dates)
    days = _days(first, last)
    no_data_days = [d for d in days if d not in set(dates)]
    subtitle = snapshot_subtitle(day, sample) + (
        "\nAge on the day, from the repository's creation date; models without one are left out. "
        "Each class's own downloads are 100%"
    )
    fig, (ax,) = new_figure()
    add_header(fig, ax, title, subtitle)
    x = mdates.date2num(days)
    for model_class in CLASS_ORDER:
        rows = by_class.get(model_class)
        if not rows:
            continue
        values = _series(days, {d: r.old_share_pct for d, r in rows.items()})
        latest = rows[max(rows)]
        ax.plot(
            x,
            values,
            color=CLASS_COLORS[model_class],
            linewidth=2.2,
            marker="o",
            markersize=3,
            label=f"{data.rules.class_labels[model_class]}: {_pct(latest.old_share_pct)} on {max(rows)}",
        )
    handles, labels = ax.get_legend_handles_labels()
    if no_data_days:
        _shade_days(ax, no_data_days)
        handles.append(Patch(color=GAP_COLOR, alpha=GAP_ALPHA * 2))
        labels.append("no exact daily figure (first snapshot, missed snapshot or the day after)")
    ax.set_ylim(0, 125)
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel("Downloads to models over a year old (%)", fontsize=LABEL_SIZE)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(handles, labels, loc="upper left", frameon=False, fontsize=LABEL_SIZE - 1, ncol=2)
    _format_day_axis(ax, first, last)
    ax.set_xlabel("Day (UTC)", fontsize=LABEL_SIZE)
    save_figure(fig, path)
    readings = ", ".join(
        f"{c} {_pct(by_class[c][max(by_class[c])].old_share_pct)}" for c in CLASS_ORDER if c in by_class
    )
    caption = f"Share of the day's downloads going to models over {old_age} days old on {last}: {readings}."
    n_models = sum(r.n_models for r in data.old_shares if r.snapshot_date == last)
    return HistoryFigure(path, caption, n_models, True, title)


# ---------------------------------------------------------------------------------------------
# The set


def render_history_figure_set(data: HistoryData, day: date, out_dir: Path) -> list[HistoryFigure]:
    """Render the five history figures of ``day`` into ``out_dir`` (created if needed)."""
    if data.snapshot_date != day:
        raise ValueError(f"history data is for {data.snapshot_date}, not {day}")
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        render_slm_download_share(data, out_dir / SLM_DOWNLOAD_SHARE_FILE),
        render_monthly_downloads(data, out_dir / MONTHLY_DOWNLOADS_FILE),
        render_new_models_share(data, out_dir / NEW_MODELS_SHARE_FILE),
        render_survival(data, out_dir / SURVIVAL_FILE),
        render_old_model_share(data, out_dir / OLD_MODEL_SHARE_FILE),
    ]
