"""How every model got its size: the coverage figure and Dagster metadata of marts.size_resolution_coverage.

`load_size_coverage` reads one snapshot date of the mart (short read-only connection, date bound as
a parameter); `render_size_coverage` draws, per listing, the share of the models and of the 30-day
downloads whose parameter count came from each source of the resolution chain (safetensors, gguf,
base model, name, unknown); `size_coverage_metadata` restates the top listing's shares for the
asset's metadata.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import numpy as np

from orchestration.defs.reports.figure_style import (
    LABEL_SIZE,
    StudyFigure,
    add_header,
    display_text,
    new_figure,
    no_data_figure,
    save_figure,
    snapshot_subtitle,
    thousands,
)
from orchestration.defs.reports.marts import read
from orchestration.markdown import escape_markdown
from orchestration.names import PIPELINE_TAG_LISTING_PREFIX, TOP_LISTING

SIZE_COVERAGE_FILE = "size_resolution_coverage.png"
# The resolution chain's order, and a colour per source (Okabe-Ito; unknown in grey).
SIZE_SOURCES = ("safetensors", "gguf", "base_model", "known_base", "name", "unknown")
SOURCE_COLORS = {
    "safetensors": "#0072B2",
    "gguf": "#56B4E9",
    "base_model": "#009E73",
    "known_base": "#CC79A7",
    "name": "#E69F00",
    "unknown": "#BDBDBD",
}
SOURCE_LABELS = {
    "safetensors": "safetensors.total",
    "gguf": "gguf.total",
    "base_model": "base model (base_model: tags)",
    "known_base": "published count of the named architecture",
    "name": "size written in the name",
    "unknown": "unknown",
}
_MAX_LISTINGS = 24


@dataclass(frozen=True)
class CoverageRow:
    listing: str
    parameter_source: str
    n_models: int
    pct_models: float
    downloads_30d: int
    pct_downloads: float | None


@dataclass(frozen=True)
class ResolvedShare:
    """The top listing's models and downloads of known size (marts.report_size_resolution)."""

    pct_models: float
    pct_downloads: float | None  # None when the listing has no download


@dataclass(frozen=True)
class SizeCoverage:
    rows: list[CoverageRow]
    top_resolved: ResolvedShare | None  # None when the day has no top listing


def load_size_coverage(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> SizeCoverage:
    rows = read(
        conn,
        "size_resolution_coverage",
        ("listing", "parameter_source", "n_models", "pct_models", "downloads_30d", "pct_downloads"),
        where="snapshot_date = ?",
        order_by="listing, parameter_source",
        params=[snapshot_date],
    )
    resolved = read(
        conn,
        "report_size_resolution",
        ("resolved_pct_models", "resolved_pct_downloads"),
        where="snapshot_date = ? and listing = ?",
        params=[snapshot_date, TOP_LISTING],
    )
    return SizeCoverage(
        [CoverageRow(*row) for row in rows], ResolvedShare(*resolved[0]) if resolved else None
    )


def _listing_order(listings: set[str]) -> list[str]:
    """`top` first, then the pipeline-tag listings by name, then the others (`new`)."""
    tags = sorted(name for name in listings if name.startswith(PIPELINE_TAG_LISTING_PREFIX))
    others = sorted(listings - set(tags) - {TOP_LISTING})
    return ([TOP_LISTING] if TOP_LISTING in listings else []) + tags + others


def render_size_coverage(coverage: SizeCoverage, snapshot_date: date, path: Path) -> StudyFigure:
    """Per listing, the shares of models (top panel) and of downloads (bottom) by size source."""
    rows = coverage.rows
    title = "Where each model's size comes from"
    listings = _listing_order({row.listing for row in rows})[:_MAX_LISTINGS]
    n_top = sum(row.n_models for row in rows if row.listing == TOP_LISTING)
    sample = f"{len(listings)} listings  ·  top listing n = {thousands(n_top)} models"
    if not rows:
        return no_data_figure(path, title, snapshot_date, sample, "no listing that day")

    share = {(row.listing, row.parameter_source): row for row in rows}
    fig, (models_ax, downloads_ax) = new_figure(height_ratios=(1.0, 1.0))
    add_header(
        fig,
        models_ax,
        title,
        snapshot_subtitle(snapshot_date, sample)
        + "\nResolution chain: safetensors → gguf → base model → known architecture → name → unknown",
    )
    positions = np.arange(len(listings))
    labels = [display_text(name, 40) for name in listings]
    for ax, field, what in (
        (models_ax, "pct_models", "models"),
        (downloads_ax, "pct_downloads", "30-day downloads"),
    ):
        left = np.zeros(len(listings))
        for source in SIZE_SOURCES:
            values = np.array(
                [
                    (getattr(share[(name, source)], field) or 0.0) if (name, source) in share else 0.0
                    for name in listings
                ]
            )
            ax.barh(
                positions,
                values,
                left=left,
                height=0.7,
                color=SOURCE_COLORS[source],
                label=SOURCE_LABELS[source],
            )
            left += values
        ax.set_yticks(positions, labels, parse_math=False, fontsize=LABEL_SIZE - 2)
        ax.set_ylim(len(listings) - 0.5, -0.5)
        ax.set_xlim(0, 100)
        ax.set_ylabel(f"Share of {what}", fontsize=LABEL_SIZE)
        ax.grid(axis="x", alpha=0.3)
    downloads_ax.set_xlabel("% of the listing", fontsize=LABEL_SIZE)
    handles, legend_labels = models_ax.get_legend_handles_labels()
    fig.legend(
        handles, legend_labels, loc="outside lower center", ncol=len(SIZE_SOURCES), fontsize=LABEL_SIZE - 2
    )
    save_figure(fig, path)
    resolved = coverage.top_resolved.pct_models if coverage.top_resolved else 0.0
    caption = (
        f"Sizes resolved for {resolved:.1f}% of the {thousands(n_top)} top-listing models on "
        f"{snapshot_date}, by source, per listing (models and 30-day downloads)."
    )
    return StudyFigure(path, caption, n_top, True)


def size_coverage_metadata(coverage: SizeCoverage) -> dict[str, dg.MetadataValue]:
    """The top listing's coverage by source, for the figures asset's metadata."""
    top = {row.parameter_source: row for row in coverage.rows if row.listing == TOP_LISTING}
    resolved = coverage.top_resolved
    table = ["| size source | models | % models | % downloads |", "| --- | ---: | ---: | ---: |"]
    for source in SIZE_SOURCES:
        row = top.get(source)
        if row is None:
            continue
        downloads = "" if row.pct_downloads is None else f"{row.pct_downloads:.1f}"
        table.append(f"| {escape_markdown(source)} | {row.n_models:,} | {row.pct_models:.1f} | {downloads} |")
    return {
        "size_coverage_top": dg.MetadataValue.md("\n".join(table)),
        "size_resolved_pct_models_top": dg.MetadataValue.float(
            round(resolved.pct_models, 2) if resolved else 0.0
        ),
        # A listing without any download has no share of them: 0.0 then, never a made-up 100.
        "size_resolved_pct_downloads_top": dg.MetadataValue.float(
            round(resolved.pct_downloads, 2) if resolved and resolved.pct_downloads is not None else 0.0
        ),
    }
