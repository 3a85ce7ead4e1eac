"""The study's reference evidence (hypotheses 1 and 2), redrawn daily from the seeds in schema `reference`.

| file | study figure | seed (mart: report_*) |
| --- | --- | --- |
| `reference_size_labels.png` | SLMvsLLM_size | reference_publisher_size_labels (publisher_size_labels) |
| `reference_size_labels_on_hub.png` | (new) | + the top listing (top_listing_sizes) |
| `reference_medqa.png` | medical_domain | reference_medqa_accuracy (reference_results) |
| `reference_bigcodebench.png` | codegen_domain | reference_bigcodebench_pass_at_1 (reference_results) |
| `reference_rte.png` | NLI | reference_rte_accuracy (reference_results) |

Every seed row carries its source; the figures say where the values come from. Classes, size bins
and threshold lines come from dbt (the marts above, report_size_thresholds): nothing here knows a
parameter count. A seed without a row gives a "no data" figure under the same name.
`load_reference_data` reads everything with one short read-only connection; the render functions
take plain rows.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from orchestration.defs.reports.figure_style import (
    CLASS_COLORS,
    LABEL_SIZE,
    SUBTLE_TEXT_COLOR,
    StudyFigure,
    add_header,
    billions,
    display_text,
    new_figure,
    no_data_figure,
    save_figure,
    snapshot_subtitle,
    thousands,
)
from orchestration.defs.reports.marts import read

SIZE_LABELS_FILE = "reference_size_labels.png"
SIZE_LABELS_ON_HUB_FILE = "reference_size_labels_on_hub.png"
MEDQA_FILE = "reference_medqa.png"
BIGCODEBENCH_FILE = "reference_bigcodebench.png"
RTE_FILE = "reference_rte.png"

# Line styles of the threshold lines (report_size_thresholds): the class boundary solid, the
# study's band of interpretation dashed then dotted, in ascending order.
BOUNDARY_STYLE = "-"
BAND_STYLES = ("--", ":", "-.")
LABEL_COLORS = {
    "very small": "#56B4E9",
    "lightweight": "#009E73",
    "small": "#0072B2",
    "medium": "#E69F00",
    "large": "#D55E00",
    "large language model": "#CC79A7",
}
OTHER_LABEL_COLOR = "#7F7F7F"
MEDQA_CATEGORIES = {
    "closed_source": ("Closed-source models", "#009E73"),
    "large_open": ("Large open models", "#CC79A7"),
    "sub_10b": ("Sub-10B models", "#E69F00"),
    "sub_5b": ("Sub-5B models", "#0072B2"),
}
USMLE_PASSING_PCT = 60.0
# Colours of the study's NLI bins (the `size_bucket` values of macros/model_size.sql).
SIZE_BUCKET_COLORS = {
    "very_small": "#CC79A7",
    "sub_5b": "#0072B2",
    "sub_10b": "#E69F00",
    "very_large": "#009E73",
}
OTHER_BUCKET_COLOR = "#7F7F7F"


@dataclass(frozen=True)
class SizeLabel:
    publisher: str
    model: str
    parameters: int
    publisher_label: str
    year: int
    is_small_label: bool  # the publisher's word says small (marts.report_publisher_size_labels)


@dataclass(frozen=True)
class MedQaResult:
    model: str
    parameters: int | None
    category: str
    model_date: date
    accuracy_pct: float
    model_class: str


@dataclass(frozen=True)
class CodeResult:
    model: str
    parameters: int | None
    split: str | None
    pass_at_1: float
    model_class: str


@dataclass(frozen=True)
class RteResult:
    model: str
    parameters: int
    year: int
    accuracy_pct: float
    size_bucket: str


@dataclass(frozen=True)
class Threshold:
    parameters: int
    is_class_boundary: bool


@dataclass
class ReferenceData:
    snapshot_date: date
    size_labels: list[SizeLabel] = field(default_factory=list)
    medqa: list[MedQaResult] = field(default_factory=list)
    bigcodebench: list[CodeResult] = field(default_factory=list)
    rte: list[RteResult] = field(default_factory=list)
    # (parameter count, class) of the day's top-listing models of known size
    hub_sizes: list[tuple[int, str]] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)  # ascending
    hub_slm_pct: float | None = None  # SLM share of hub_sizes (marts.report_top_listing_size_shares)

    @property
    def hub_parameter_counts(self) -> list[int]:
        return [parameters for parameters, _ in self.hub_sizes]


def _results(conn: duckdb.DuckDBPyConnection, benchmark: str, columns: tuple[str, ...], order: str) -> list:
    return read(
        conn, "report_reference_results", columns, where="benchmark = ?", order_by=order, params=[benchmark]
    )


def load_reference_data(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> ReferenceData:
    data = ReferenceData(snapshot_date)
    data.size_labels = [
        SizeLabel(*row)
        for row in read(
            conn,
            "report_publisher_size_labels",
            ("publisher", "model", "parameter_count", "publisher_label", "published_year", "is_small_label"),
            order_by="publisher, parameter_count, model",
        )
    ]
    data.medqa = [
        MedQaResult(*row)
        for row in _results(
            conn,
            "medqa",
            ("model", "parameter_count", "category", "model_date", "score", "model_class"),
            "model_date, model",
        )
    ]
    data.bigcodebench = [
        CodeResult(*row)
        for row in _results(
            conn,
            "bigcodebench",
            ("model", "parameter_count", "bigcodebench_split", "score", "model_class"),
            "parameter_count, model",
        )
    ]
    data.rte = [
        RteResult(*row)
        for row in _results(
            conn,
            "rte",
            ("model", "parameter_count", "published_year", "score", "size_bucket"),
            "published_year, model",
        )
    ]
    data.hub_sizes = [
        (parameters, model_class)
        for parameters, model_class in read(
            conn,
            "report_top_listing_sizes",
            ("parameter_count", "model_class"),
            where="snapshot_date = ?",
            params=[snapshot_date],
        )
    ]
    data.hub_slm_pct = next(
        (
            slm_pct
            for (slm_pct,) in read(
                conn,
                "report_top_listing_size_shares",
                ("slm_pct",),
                where="snapshot_date = ?",
                params=[snapshot_date],
            )
        ),
        None,
    )
    data.thresholds = [
        Threshold(*row)
        for row in read(
            conn,
            "report_size_thresholds",
            ("parameter_count", "is_class_boundary"),
            order_by="parameter_count",
        )
    ]
    return data


_billions = billions


def _threshold_styles(thresholds: Sequence[Threshold]) -> list[tuple[int, str, str]]:
    """(parameters, line style, legend label) of each threshold line, ascending."""
    bands = iter(BAND_STYLES)
    return [
        (
            t.parameters,
            BOUNDARY_STYLE if t.is_class_boundary else next(bands, ":"),
            f"{billions(t.parameters)} (SLM/LLM boundary)" if t.is_class_boundary else billions(t.parameters),
        )
        for t in thresholds
    ]


def _boundary(thresholds: Sequence[Threshold]) -> str:
    return next((billions(t.parameters) for t in thresholds if t.is_class_boundary), "the boundary")


def _threshold_lines(ax: Axes, thresholds: Sequence[Threshold], vertical: bool) -> None:
    for value, style, label in _threshold_styles(thresholds):
        line = ax.axvline if vertical else ax.axhline
        line(value, color=CLASS_COLORS["LLM"], linestyle=style, linewidth=1.2, label=label)


def _label_color(label: str) -> str:
    return LABEL_COLORS.get(label.lower(), OTHER_LABEL_COLOR)


def render_size_labels(
    labels: Sequence[SizeLabel], thresholds: Sequence[Threshold], snapshot_date: date, path: Path
) -> StudyFigure:
    """Study figure SLMvsLLM_size: each publisher's models by size, coloured by the publisher's word."""
    title = "How publishers name their models' size (hypothesis 1)"
    sample = f"{len(labels)} models from {len({s.publisher for s in labels})} publishers"
    if not labels:
        return no_data_figure(path, title, snapshot_date, sample, "the seed has no row")
    fig, (ax,) = new_figure()
    add_header(
        fig, ax, title, sample + "  ·  sizes and words as published (seed reference_publisher_size_labels)"
    )
    positions = np.arange(len(labels))
    ax.bar(positions, [s.parameters for s in labels], color=[_label_color(s.publisher_label) for s in labels])
    for x, s in zip(positions, labels, strict=True):
        ax.text(x, s.parameters * 1.08, _billions(s.parameters), ha="center", fontsize=8, rotation=90)
    ax.set_yscale("log")
    ax.set_xticks(positions, [display_text(s.model, 24) for s in labels], rotation=90, fontsize=8)
    _threshold_lines(ax, thresholds, vertical=False)
    starts = [0, *[i for i in range(1, len(labels)) if labels[i].publisher != labels[i - 1].publisher]]
    for start, end in zip(starts, [*starts[1:], len(labels)], strict=True):
        # publisher names inside the axes, over their bars (vertical for a single bar)
        ax.text(
            (start + end - 1) / 2,
            0.97,
            labels[start].publisher,
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="top",
            rotation=0 if end - start > 1 else 90,
            fontsize=LABEL_SIZE - 2,
            fontweight="bold",
        )
        if start:
            ax.axvline(start - 0.5, color=SUBTLE_TEXT_COLOR, linewidth=0.5)
    handles = [
        Patch(color=_label_color(word), label=f"“{word}”")
        for word in dict.fromkeys(s.publisher_label for s in labels)
    ]
    handles += [
        Line2D([], [], color=CLASS_COLORS["LLM"], linestyle=style, label=label)
        for _, style, label in _threshold_styles(thresholds)
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.9), fontsize=LABEL_SIZE - 3, ncol=2)
    ax.set_ylabel("Parameters (log scale)", fontsize=LABEL_SIZE)
    ax.set_ylim(min(s.parameters for s in labels) / 3, max(s.parameters for s in labels) * 40)
    ax.grid(axis="y", alpha=0.3)
    save_figure(fig, path)
    largest_small = max((s for s in labels if s.is_small_label), key=lambda s: s.parameters)
    caption = (
        f"{len(labels)} publisher-labelled models; the largest called small or lightweight by its "
        f"publisher: {display_text(largest_small.model)} ({_billions(largest_small.parameters)})."
    )
    return StudyFigure(path, caption, len(labels), True)


def render_size_labels_on_hub(
    labels: Sequence[SizeLabel],
    hub_sizes: Sequence[tuple[int, str]],
    thresholds: Sequence[Threshold],
    snapshot_date: date,
    path: Path,
    hub_slm_pct: float | None = None,
) -> StudyFigure:
    """The publisher-labelled models placed on the size distribution of the day's top listing."""
    title = "Publisher-labelled models on the Hub's size distribution"
    hub_counts = [parameters for parameters, _ in hub_sizes]
    sample = f"top listing  ·  n = {thousands(len(hub_counts))} models of known size"
    if not hub_counts or not labels:
        reason = "no model of known size in the top listing" if not hub_counts else "the seed has no row"
        return no_data_figure(path, title, snapshot_date, sample, reason)
    fig, (ax,) = new_figure()
    add_header(fig, ax, title, snapshot_subtitle(snapshot_date, sample))
    counts = np.asarray(hub_counts, dtype=float)
    bins = np.logspace(np.log10(max(counts.min(), 1e5) / 1.5), np.log10(counts.max() * 1.5), 50)
    ax.hist(counts, bins=bins, color=CLASS_COLORS["unknown"], label="Hub models (resolved size)")
    ax.set_xscale("log")
    top = ax.get_ylim()[1]
    for k, s in enumerate(sorted(labels, key=lambda s: s.parameters)):
        y = top * (1.05 + 0.075 * (k % 9))
        ax.plot([s.parameters], [y], marker="v", color=_label_color(s.publisher_label), markersize=7)
        ax.text(s.parameters, y * 1.01, display_text(s.model, 18), rotation=45, fontsize=7, ha="left")
    _threshold_lines(ax, thresholds, vertical=True)
    ax.set_ylim(0, top * 1.9)
    ax.set_xlabel("Parameters (log scale)", fontsize=LABEL_SIZE)
    ax.set_ylabel("Models of the top listing", fontsize=LABEL_SIZE)
    ax.legend(loc="center left", fontsize=LABEL_SIZE - 2, framealpha=0.9)
    ax.grid(axis="y", alpha=0.3)
    save_figure(fig, path)
    caption = (
        f"{hub_slm_pct or 0.0:.1f}% of the {thousands(len(hub_counts))} top-listing models of known size on "
        f"{snapshot_date} are SLMs (below {_boundary(thresholds)}); {len(labels)} publisher-labelled "
        "models marked."
    )
    return StudyFigure(path, caption, len(hub_counts), True)


def render_medqa(
    results: Sequence[MedQaResult], thresholds: Sequence[Threshold], snapshot_date: date, path: Path
) -> StudyFigure:
    """Study figure medical_domain: MedQA accuracy over time, by model category."""
    title = "MedQA (USMLE) accuracy: specialised small vs large models (hypothesis 2)"
    sample = f"{len(results)} published results (seed reference_medqa_accuracy)"
    if not results:
        return no_data_figure(path, title, snapshot_date, sample, "the seed has no row")
    fig, (ax,) = new_figure()
    add_header(fig, ax, title, sample)
    for category, (label, color) in MEDQA_CATEGORIES.items():
        rows = sorted((r for r in results if r.category == category), key=lambda r: r.model_date)
        if not rows:
            continue
        x = mdates.date2num([r.model_date for r in rows])
        ax.plot(x, [r.accuracy_pct for r in rows], marker="o", color=color, label=label)
        for xi, r in zip(x, rows, strict=True):
            size = f" {_billions(r.parameters)}" if r.parameters else ""
            ax.annotate(
                f"{display_text(r.model, 28)}{size}",
                (xi, r.accuracy_pct),
                textcoords="offset points",
                xytext=(4, 6),
                fontsize=8,
            )
    ax.axhline(USMLE_PASSING_PCT, color="#D55E00", linewidth=1.2, label="USMLE passing score (~60%)")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.set_ylabel("MedQA accuracy (%)", fontsize=LABEL_SIZE)
    ax.set_xlabel("Publication", fontsize=LABEL_SIZE)
    ax.set_ylim(40, 100)
    ax.legend(loc="upper left", fontsize=LABEL_SIZE - 2)
    ax.grid(alpha=0.3)
    save_figure(fig, path)
    best_small = max(
        (r for r in results if r.model_class == "SLM"),
        key=lambda r: r.accuracy_pct,
        default=None,
    )
    caption = f"{len(results)} MedQA results" + (
        f"; best below {_boundary(thresholds)}: {display_text(best_small.model)} "
        f"({best_small.accuracy_pct:.1f}%)."
        if best_small
        else "."
    )
    return StudyFigure(path, caption, len(results), True)


def render_bigcodebench(
    results: Sequence[CodeResult], thresholds: Sequence[Threshold], snapshot_date: date, path: Path
) -> StudyFigure:
    """Study figure codegen_domain: BigCodeBench pass@1 against model size."""
    title = "BigCodeBench pass@1 against model size (hypothesis 2)"
    sample = f"{len(results)} published results (seed reference_bigcodebench_pass_at_1)"
    sized = [r for r in results if r.parameters]
    if not sized:
        return no_data_figure(
            path, title, snapshot_date, sample, "no verified leaderboard value in the seed yet"
        )
    fig, (ax,) = new_figure()
    add_header(fig, ax, title, sample)
    colors = [CLASS_COLORS.get(r.model_class, CLASS_COLORS["unknown"]) for r in sized]
    ax.scatter([r.parameters for r in sized], [r.pass_at_1 for r in sized], color=colors)
    for r in sized:
        ax.annotate(
            display_text(r.model, 28),
            (r.parameters, r.pass_at_1),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=8,
        )
    ax.set_xscale("log")
    _threshold_lines(ax, thresholds, vertical=True)
    ax.set_xlabel("Parameters (log scale)", fontsize=LABEL_SIZE)
    ax.set_ylabel("pass@1 (%)", fontsize=LABEL_SIZE)
    ax.legend(loc="upper left", fontsize=LABEL_SIZE - 2)
    ax.grid(alpha=0.3)
    save_figure(fig, path)
    return StudyFigure(path, f"{len(sized)} BigCodeBench results by size.", len(sized), True)


def render_rte(results: Sequence[RteResult], snapshot_date: date, path: Path) -> StudyFigure:
    """Study figure NLI: RTE accuracy by year, coloured by the study's size bins."""
    title = "Natural language inference on RTE by model size (hypothesis 2)"
    sample = f"{len(results)} published results (seed reference_rte_accuracy)"
    if not results:
        return no_data_figure(path, title, snapshot_date, sample, "the seed has no row")
    fig, (ax,) = new_figure()
    add_header(fig, ax, title, sample + "  ·  bins as the project's size_bucket")
    # Bins in ascending size: ordered by their smallest model, named as dbt names them.
    buckets = sorted(
        {r.size_bucket for r in results},
        key=lambda b: min(r.parameters for r in results if r.size_bucket == b),
    )
    for bucket in buckets:
        rows = sorted((r for r in results if r.size_bucket == bucket), key=lambda r: r.year)
        color = SIZE_BUCKET_COLORS.get(bucket, OTHER_BUCKET_COLOR)
        ax.plot([r.year for r in rows], [r.accuracy_pct for r in rows], marker="o", color=color, label=bucket)
        for r in rows:
            ax.annotate(
                f"{display_text(r.model, 24)} {_billions(r.parameters)}",
                (r.year, r.accuracy_pct),
                textcoords="offset points",
                xytext=(6, 0),
                fontsize=8,
            )
    years = sorted({r.year for r in results})
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(years[0] - 0.3, years[-1] + 0.8)
    ax.set_xlabel("Year", fontsize=LABEL_SIZE)
    ax.set_ylabel("RTE accuracy (%)", fontsize=LABEL_SIZE)
    ax.legend(title="Size bin", loc="lower right", fontsize=LABEL_SIZE - 2)
    ax.grid(alpha=0.3, linestyle="--")
    save_figure(fig, path)
    best = max(results, key=lambda r: r.accuracy_pct)
    caption = (
        f"{len(results)} RTE results; best: {display_text(best.model)} ({_billions(best.parameters)}, "
        f"{best.accuracy_pct:.1f}%)."
    )
    return StudyFigure(path, caption, len(results), True)


def render_reference_figures(data: ReferenceData, out_dir: Path) -> list[StudyFigure]:
    """The five reference figures of ``data`` into ``out_dir`` (created if needed)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    day = data.snapshot_date
    return [
        render_size_labels(data.size_labels, data.thresholds, day, out_dir / SIZE_LABELS_FILE),
        render_size_labels_on_hub(
            data.size_labels,
            data.hub_sizes,
            data.thresholds,
            day,
            out_dir / SIZE_LABELS_ON_HUB_FILE,
            data.hub_slm_pct,
        ),
        render_medqa(data.medqa, data.thresholds, day, out_dir / MEDQA_FILE),
        render_bigcodebench(data.bigcodebench, data.thresholds, day, out_dir / BIGCODEBENCH_FILE),
        render_rte(data.rte, day, out_dir / RTE_FILE),
    ]
