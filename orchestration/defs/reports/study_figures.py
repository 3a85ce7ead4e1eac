"""The study's figures (docs/design.md, "Figures"): one function per figure, fed plain mart rows.

Each function writes one PNG and returns a `StudyFigure` (path, one-line caption, sample size) for
the asset's metadata. Empty input gives a "no data" figure under the same name, so a date always
has the same nine files, plus one per pipeline tag present that day.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import duckdb
import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from orchestration.defs.reports.figure_style import (
    CLASS_COLORS,
    CLASS_ORDER,
    LABEL_SIZE,
    MONTH_BAR_WIDTH_DAYS,
    SUBTLE_TEXT_COLOR,
    StudyFigure,
    add_header,
    display_text,
    format_count_axis,
    format_month_axis,
    month_centers,
    new_figure,
    no_data_figure,
    save_figure,
    snapshot_subtitle,
    thousands,
)
from orchestration.defs.reports.mart_queries import (
    ClassCount,
    ClassDownloads,
    ListingShares,
    MonthClassCounts,
    MonthDownloads,
    ScopeTotals,
    StudyData,
    TagCount,
    load_study_data,
)
from orchestration.defs.reports.populations import POPULATION_SHARES_FILE, render_population_shares
from orchestration.defs.reports.safe_names import safe_filename
from orchestration.names import ALL_SCOPE

LANGUAGE_MODELS_LABEL = "language models"

__all__ = ["StudyFigure"]  # the figure type every family returns, imported from here by callers

TOP_TAGS = 15
MIN_TAG_SLOTS = 10
# Hub task tags run to ~30 characters (zero-shot-image-classification); longer text is cut to fit.
TAG_DISPLAY_CHARS = 32
# The intervals: dark enough to read over a bar, thin enough not to hide it. Their level comes
# from marts.report_rules (ReportRules.interval_label); this names them without one.
WILSON_LABEL = "interval (Wilson score)"
INTERVAL_COLOR = "#222222"

CLASS_SPLIT_FILE = "class_split.png"
SLM_SHARE_FILE = "slm_share_by_creation_month.png"
_SLM_SHARE_TAG_PREFIX = "slm_share_by_creation_month__"


def tags_file(model_class: str) -> str:
    return f"tags_{model_class.lower()}.png"


def language_model_tags_file(model_class: str) -> str:
    return f"tags_language_models_{model_class.lower()}.png"


def downloads_file(model_class: str) -> str:
    return f"downloads_by_creation_month_{model_class.lower()}.png"


def slm_share_tag_file(tag: str) -> str:
    return f"{_SLM_SHARE_TAG_PREFIX}{safe_filename(tag)}.png"


def render_class_split(
    counts: Sequence[ClassCount],
    snapshot_date: date,
    path: Path,
    labels: Mapping[str, str],
    top: ListingShares | None = None,
) -> StudyFigure:
    """Study figure models_repartition_5000: SLM / LLM / unknown counts and shares, top listing."""
    title = "Small vs large language models among the most downloaded models"
    by_class = {row.model_class: row for row in counts}
    n_models = sum(row.n_models for row in counts)
    sample = f"top listing  ·  n = {thousands(n_models)} models"
    if n_models == 0:
        return no_data_figure(path, title, snapshot_date, sample, "the top listing is empty", 0)

    values = [by_class[c].n_models if c in by_class else 0 for c in CLASS_ORDER]
    pcts = [by_class[c].pct if c in by_class else 0.0 for c in CLASS_ORDER]
    subtitle = snapshot_subtitle(snapshot_date, sample)
    if top is not None and top.slm_pct is not None and top.llm_pct is not None:
        # The study's pie chart only counted models of known size; restate that reading.
        subtitle += (
            f"\nOf the {thousands(top.n_known)} models of known size, "
            f"{top.slm_pct:.1f}% are SLMs and {top.llm_pct:.1f}% LLMs"
        )
    fig, (ax,) = new_figure()
    add_header(fig, ax, title, subtitle)
    positions = np.arange(len(CLASS_ORDER))
    bars = ax.bar(positions, values, width=0.6, color=[CLASS_COLORS[c] for c in CLASS_ORDER])
    ax.bar_label(
        bars,
        labels=[f"{thousands(v)} models\n{p:.1f}%" for v, p in zip(values, pcts, strict=True)],
        padding=4,
        fontsize=LABEL_SIZE,
    )
    ax.set_xticks(positions, [labels[c] for c in CLASS_ORDER], fontsize=LABEL_SIZE)
    ax.set_xlabel("Model class (by parameter count)", fontsize=LABEL_SIZE)
    ax.set_ylabel("Number of models", fontsize=LABEL_SIZE)
    ax.set_ylim(0, max(values) * 1.2)
    format_count_axis(ax.yaxis)
    ax.grid(axis="y", alpha=0.3)
    save_figure(fig, path)
    shares = ", ".join(
        f"{labels[c]} {thousands(v)} ({p:.1f}%)" for c, v, p in zip(CLASS_ORDER, values, pcts, strict=True)
    )
    return StudyFigure(
        path, f"Top listing on {snapshot_date}: {thousands(n_models)} models; {shares}.", n_models, True
    )


def render_tags(
    model_class: str,
    tags: Sequence[TagCount],
    n_class_models: int,
    snapshot_date: date,
    path: Path,
    population: str = "",
) -> StudyFigure:
    """Study figures llm_most_tags_5000 / slms_most_tags: the class's most used task tags; with a
    ``population`` ("language models"), the same chart of that population's models only."""
    plural = f"{model_class}s"
    title = f"Most used task tags among {plural}" + (f" ({population} only)" if population else "")
    shown = sorted(tags, key=lambda t: (-t.n_models, t.tag))[:TOP_TAGS]
    sample = f"top listing  ·  n = {thousands(n_class_models)} {plural}"
    if not shown:
        reason = (
            f"no {plural} in the top listing" if n_class_models == 0 else f"no {model_class} has a task tag"
        )
        return no_data_figure(path, title, snapshot_date, sample, reason, n_class_models)

    subtitle = snapshot_subtitle(
        snapshot_date, f"{sample}  ·  top {len(shown)} of {len(tags)} task tags (a model can have several)"
    )
    fig, (ax,) = new_figure()
    add_header(fig, ax, title, subtitle)
    positions = np.arange(len(shown))
    counts = [t.n_models for t in shown]
    bars = ax.barh(positions, counts, height=0.7, color=CLASS_COLORS[model_class])
    ax.bar_label(
        bars,
        labels=[f"{thousands(t.n_models)} ({t.pct_of_class:.0f}%)" for t in shown],
        padding=4,
        fontsize=LABEL_SIZE - 1,
    )
    ax.set_yticks(positions, [display_text(t.tag, TAG_DISPLAY_CHARS) for t in shown], parse_math=False)
    # Most used at the top; a few tags keep the bar thickness of a longer list.
    ax.set_ylim(max(len(shown), MIN_TAG_SLOTS) - 0.5, -0.5)
    ax.set_xlim(0, max(counts) * 1.18)
    format_count_axis(ax.xaxis)
    ax.set_xlabel(f"Number of {plural} with the tag (% of the {plural})", fontsize=LABEL_SIZE)
    ax.set_ylabel("Task tag", fontsize=LABEL_SIZE)
    ax.grid(axis="x", alpha=0.3)
    save_figure(fig, path)
    top = shown[0]
    caption = (
        f"Most used task tags of the {thousands(n_class_models)} {plural} in the top listing on "
        f"{snapshot_date} ({len(shown)} of {len(tags)} shown); first: {display_text(top.tag)} "
        f"({thousands(top.n_models)})."
    )
    return StudyFigure(path, caption, n_class_models, True)


def render_slm_share_by_creation_month(
    months: Sequence[MonthClassCounts],
    scope: str,
    snapshot_date: date,
    path: Path,
    labels: Mapping[str, str],
    totals: ScopeTotals | None = None,
    min_known: int | None = None,
    interval_label: str = WILSON_LABEL,
) -> StudyFigure:
    """Study figures slm-by-time / slm-percentage-by-tags: SLM % of the models created each month.

    ``scope`` is `all` (the top listing) or a pipeline tag (that tag's listing). The lower panel shows
    how many models each month's percentage rests on. ``totals`` (marts.report_creation_month_totals)
    and ``min_known`` (var min_known_models_per_period) are needed when ``months`` has rows;
    ``interval_label`` names the intervals' level (ReportRules.interval_label, marts.report_rules).
    """
    if scope == ALL_SCOPE:
        where, title_suffix = "top listing", ""
    else:
        tag = display_text(scope, TAG_DISPLAY_CHARS)
        where, title_suffix = f"listing of pipeline tag “{tag}”", f" — {tag}"
    title = f"SLM share of the models created each month{title_suffix}"
    n_models = totals.n_models if totals else 0
    n_known = totals.n_known if totals else 0
    sample = f"{where}  ·  n = {thousands(n_models)} models, {thousands(n_known)} of known size"
    if not months:
        return no_data_figure(path, title, snapshot_date, sample, f"no models in the {where}", 0)
    if totals is None or min_known is None:
        raise ValueError(
            f"no totals for scope {scope!r} on {snapshot_date}: marts.report_creation_month_totals"
        )

    # The study's caveat: the listing holds the most downloaded models, not every model created.
    subtitle = snapshot_subtitle(snapshot_date, sample) + (
        "\nListed models by creation month (not every model created on the Hub that month)"
    )
    fig, (share_ax, count_ax) = new_figure(height_ratios=(3.0, 1.6))
    add_header(fig, share_ax, title, subtitle)
    _draw_monthly_slm_share(share_ax, months, totals.slm_pct, min_known, interval_label)
    _draw_monthly_counts(count_ax, months, labels)
    # The axis runs to the snapshot's month, so recent months without models show as empty.
    format_month_axis(
        count_ax, [*(m.creation_month for m in months), snapshot_date.replace(day=1)], "Creation month"
    )
    save_figure(fig, path)
    overall = f"{totals.slm_pct:.1f}% SLM overall" if totals.slm_pct is not None else "no model of known size"
    caption = (
        f"SLM share of models created each month, {where} on {snapshot_date}: {overall}; "
        f"n = {thousands(n_models)} models ({thousands(n_known)} of known size)."
    )
    return StudyFigure(path, caption, n_models, True)


def _draw_monthly_slm_share(
    ax: Axes,
    months: Sequence[MonthClassCounts],
    overall: float | None,
    min_known: int,
    interval_label: str,
) -> None:
    known = [m for m in months if m.slm_pct is not None]
    reliable = [m for m in known if not m.is_sparse]
    sparse = [m for m in known if m.is_sparse]
    unknown_only = [m for m in months if m.slm_pct is None]
    bar_style = {"width": MONTH_BAR_WIDTH_DAYS, "color": CLASS_COLORS["SLM"]}
    handles = []
    if reliable:
        handles.append(
            ax.bar(
                month_centers([m.creation_month for m in reliable]),
                [m.slm_pct for m in reliable],
                label=f"SLM share ({min_known}+ models of known size that month)",
                **bar_style,
            )
        )
    if sparse:
        handles.append(
            ax.bar(
                month_centers([m.creation_month for m in sparse]),
                [m.slm_pct for m in sparse],
                label=f"SLM share, fewer than {min_known} models of known size (unreliable)",
                alpha=0.35,
                hatch="///",
                edgecolor=CLASS_COLORS["SLM"],
                linewidth=0,
                **bar_style,
            )
        )
    with_interval = [m for m in known if m.slm_pct_low is not None and m.slm_pct_high is not None]
    if with_interval:
        handles.append(draw_share_intervals(ax, with_interval, interval_label))
    if unknown_only:
        # Such a month has no share: mark it rather than leave a gap that reads as 0%.
        (marker,) = ax.plot(
            month_centers([m.creation_month for m in unknown_only]),
            [3] * len(unknown_only),
            linestyle="none",
            marker="x",
            color=SUBTLE_TEXT_COLOR,
            label="no model of known size that month",
        )
        handles.append(marker)
    if overall is not None:
        handles.append(
            ax.axhline(
                overall,
                color=SUBTLE_TEXT_COLOR,
                linestyle="--",
                linewidth=1,
                label=f"all months: {overall:.1f}%",
            )
        )
    else:
        ax.text(
            0.5,
            0.5,
            "No model of known size in any month",
            transform=ax.transAxes,
            ha="center",
            fontsize=LABEL_SIZE,
            color=SUBTLE_TEXT_COLOR,
        )
    # Headroom above 100% holds the legend, so it never covers a bar.
    ax.set_ylim(0, 125)
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel("SLM / (SLM + LLM) (%)", fontsize=LABEL_SIZE)
    ax.grid(axis="y", alpha=0.3)
    # Explicit handles keep the bars before the lines (matplotlib lists lines first).
    ax.legend(
        handles=handles,
        loc="upper left",
        ncol=2 if len(handles) > 3 else 3,
        frameon=False,
        fontsize=LABEL_SIZE - 2,
    )


def draw_share_intervals(ax: Axes, months: Sequence[MonthClassCounts], label: str = WILSON_LABEL):
    """The months' 95 % intervals (marts' slm_pct_low / slm_pct_high) as thin error bars."""
    values = np.array([m.slm_pct for m in months], dtype=float)
    return ax.errorbar(
        month_centers([m.creation_month for m in months]),
        values,
        yerr=[
            values - np.array([m.slm_pct_low for m in months], dtype=float),
            np.array([m.slm_pct_high for m in months], dtype=float) - values,
        ],
        fmt="none",
        ecolor=INTERVAL_COLOR,
        elinewidth=1,
        capsize=2.5,
        capthick=1,
        alpha=0.75,
        label=label,
    )


def _draw_monthly_counts(ax: Axes, months: Sequence[MonthClassCounts], labels: Mapping[str, str]) -> None:
    centers = month_centers([m.creation_month for m in months])
    bottom = np.zeros(len(months))
    for model_class, values in (
        ("SLM", [m.n_slm for m in months]),
        ("LLM", [m.n_llm for m in months]),
        ("unknown", [m.n_unknown for m in months]),
    ):
        ax.bar(
            centers,
            values,
            bottom=bottom,
            width=MONTH_BAR_WIDTH_DAYS,
            color=CLASS_COLORS[model_class],
            label=labels[model_class],
        )
        bottom += values
    ax.set_ylim(0, max(bottom.max(), 1) * 1.4)
    format_count_axis(ax.yaxis, nbins=4)
    ax.set_ylabel("Models created\n(number)", fontsize=LABEL_SIZE)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper left", ncol=3, frameon=False, fontsize=LABEL_SIZE - 2)


def render_downloads_by_creation_month(
    model_class: str,
    months: Sequence[MonthDownloads],
    n_class_models: int,
    snapshot_date: date,
    path: Path,
    old_before_month: date | None = None,
    old_model_age_days: int | None = None,
    totals: ClassDownloads | None = None,
) -> StudyFigure:
    """Study figures slm-downloads / llm-downloads: where the class's 30-day downloads go, by age.

    ``old_before_month`` and ``old_model_age_days`` (marts.report_snapshot_dates, report_rules) mark
    the models that are old on the date and ``totals`` (marts.report_class_downloads) states their
    share; all are needed when the class has downloads.
    """
    plural = f"{model_class}s"
    title = f"{plural}: share of the last 30 days' downloads by creation month"
    total = totals.downloads_30d if totals else 0
    sample = (
        f"top listing  ·  n = {thousands(n_class_models)} {plural}, "
        f"{thousands(total)} downloads in the last 30 days"
    )
    if total == 0:
        reason = f"no {plural} in the top listing" if not months else f"the {plural} have no downloads"
        return no_data_figure(path, title, snapshot_date, sample, reason, n_class_models)

    # The study's H5 reading: the share of downloads still going to old models. Every model
    # created before the cutoff month is older than the dbt var old_model_age_days on the date.
    if old_before_month is None or old_model_age_days is None or totals is None:
        raise ValueError(f"no old-model cutoff for {snapshot_date}: marts.report_snapshot_dates has no row")
    cutoff = old_before_month
    old_share = totals.old_share_pct or 0.0
    old_label = (
        f"created before {cutoff:%Y-%m} (over {old_model_age_days} days before the snapshot): "
        f"{old_share:.1f}% of the downloads"
    )
    fig, (ax,) = new_figure()
    add_header(fig, ax, title, snapshot_subtitle(snapshot_date, sample))
    shares = [m.share_pct or 0.0 for m in months]
    ax.bar(
        month_centers([m.creation_month for m in months]),
        shares,
        width=MONTH_BAR_WIDTH_DAYS,
        color=CLASS_COLORS[model_class],
        label=f"{plural} created that month",
    )
    format_month_axis(
        ax, [*(m.creation_month for m in months), snapshot_date.replace(day=1)], "Creation month"
    )
    left, _ = ax.get_xlim()
    old_end = mdates.date2num(cutoff) + 1  # in the gap between the bars of two months
    if old_end > left:
        ax.axvspan(left, old_end, color="#000000", alpha=0.07, linewidth=0)
    # The legend states the H5 share even when no month is that old (0.0%).
    handles, labels = ax.get_legend_handles_labels()
    handles.append(Patch(color="#000000", alpha=0.07))
    labels.append(old_label)
    ax.legend(handles, labels, loc="upper left", frameon=False, fontsize=LABEL_SIZE - 1)
    ax.set_ylim(0, max(*shares, 1.0) * 1.3)  # headroom for the legend
    ax.set_ylabel(f"Share of all {model_class} downloads (%)", fontsize=LABEL_SIZE)
    ax.grid(axis="y", alpha=0.3)
    save_figure(fig, path)
    caption = (
        f"{plural} created before {cutoff:%Y-%m} (over {old_model_age_days} days before {snapshot_date}) "
        f"draw {old_share:.1f}% of the {model_class} 30-day downloads in the top listing "
        f"(n = {thousands(n_class_models)} {plural})."
    )
    return StudyFigure(path, caption, n_class_models, True)


def render_study_figure_set(data: StudyData, out_dir: Path) -> list[StudyFigure]:
    """Render every figure of ``data.snapshot_date`` into ``out_dir`` (created if needed).

    Tag figures left over from an earlier run of the same date, for tags no longer present, are
    removed so the directory matches the marts.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    day = data.snapshot_date
    n_by_class = {row.model_class: row.n_models for row in data.class_split}
    labels = data.rules.class_labels
    min_known = data.rules.min_known_models_per_period
    figures = [
        render_class_split(data.class_split, day, out_dir / CLASS_SPLIT_FILE, labels, data.top),
        *(
            render_tags(c, data.tags_by_class.get(c, []), n_by_class.get(c, 0), day, out_dir / tags_file(c))
            for c in ("LLM", "SLM")
        ),
        *(
            render_tags(
                c,
                data.language_model_tags.get(c, []),
                data.language_models_by_class[c],
                day,
                out_dir / language_model_tags_file(c),
                LANGUAGE_MODELS_LABEL,
            )
            for c in ("LLM", "SLM")
        ),
        render_population_shares(
            data.population_shares, day, out_dir / POPULATION_SHARES_FILE, data.rules.interval_label
        ),
        render_slm_share_by_creation_month(
            data.slm_share_by_scope.get(ALL_SCOPE, []),
            ALL_SCOPE,
            day,
            out_dir / SLM_SHARE_FILE,
            labels,
            data.scope_totals.get(ALL_SCOPE),
            min_known,
            data.rules.interval_label,
        ),
        *(
            render_downloads_by_creation_month(
                c,
                data.downloads_by_class.get(c, []),
                n_by_class.get(c, 0),
                day,
                out_dir / downloads_file(c),
                data.old_before_month,
                data.rules.old_model_age_days,
                data.class_downloads.get(c),
            )
            for c in ("SLM", "LLM")
        ),
        *(
            render_slm_share_by_creation_month(
                months,
                tag,
                day,
                out_dir / slm_share_tag_file(tag),
                labels,
                data.scope_totals.get(tag),
                min_known,
                data.rules.interval_label,
            )
            for tag, months in sorted(data.slm_share_by_scope.items())
            if tag != ALL_SCOPE
        ),
    ]
    written = {figure.path.name for figure in figures}
    for stale in out_dir.glob(f"{_SLM_SHARE_TAG_PREFIX}*.png"):
        if stale.name not in written:
            stale.unlink()
    return figures


def render_study_figures(conn: duckdb.DuckDBPyConnection, snapshot_date: date, out_dir: Path) -> list[Path]:
    """Query the marts for ``snapshot_date`` and render its figures; the written paths."""
    return [figure.path for figure in render_study_figure_set(load_study_data(conn, snapshot_date), out_dir)]
