"""The report's section "The answer under each population" and its figure.

Reads `marts.report_population_shares` (the seed `populations` beside its measured rows) through
the mart loader. Every number, interval and label is the mart's; a population without a row for
the date (the whole Hub before a census) is shown as not measured yet.
"""

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import numpy as np

from orchestration.defs.reports.figure_style import (
    CLASS_COLORS,
    LABEL_SIZE,
    SUBTLE_TEXT_COLOR,
    StudyFigure,
    add_header,
    new_figure,
    no_data_figure,
    save_figure,
    snapshot_subtitle,
    thousands,
)
from orchestration.defs.reports.marts import MART_COLUMNS, read

POPULATION_SHARES_FILE = "slm_share_by_population.png"
FIGURE_TITLE = "SLM share under each population"
INTERVAL_COLOR = "#222222"
LABEL_WIDTH_CHARS = 24  # a population's label wraps under its bar


@dataclass(frozen=True)
class PopulationShare:
    """One population on one date (marts.report_population_shares); percentages 0-100."""

    population: str
    label: str
    description: str
    unit: str  # `model` or `family`
    display_order: int
    is_measured: bool
    measured_on: date | None
    n_units: int | None
    n_slm: int | None
    n_llm: int | None
    n_known: int | None  # SLMs and LLMs: the units of known size, slm_pct's sample
    n_unknown_size: int | None
    n_unknown_modality: int | None
    slm_pct: float | None
    slm_pct_low: float | None
    slm_pct_high: float | None
    slm_pct_if_unknown_slm: float | None
    slm_pct_if_unknown_llm: float | None


def load_population_shares(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> list[PopulationShare]:
    """Every population of the seed for the date, in display order (measured or not)."""
    rows = read(
        conn,
        "report_population_shares",
        MART_COLUMNS["report_population_shares"][1:],
        where="snapshot_date = ?",
        order_by="display_order",
        params=[snapshot_date],
    )
    return [PopulationShare(*row) for row in rows]


def _plural_unit(n: int, unit: str) -> str:
    if n == 1:
        return unit
    return unit[:-1] + "ies" if unit.endswith("y") else unit + "s"


def _units(n: int, unit: str) -> str:
    return f"{thousands(n)} {_plural_unit(n, unit)}"


def population_sentence(share: PopulationShare, interval_label: str) -> str:
    """What the population answers on the date, in one sentence (plain text)."""
    if not share.is_measured:
        return "Not measured yet."
    n_units = share.n_units or 0
    n_slm, n_llm = share.n_slm or 0, share.n_llm or 0
    if share.slm_pct is None:
        measured = f"No {share.unit} of known size among {_units(n_units, share.unit)}."
    else:
        measured = (
            f"{share.slm_pct:.1f}% SLMs ({interval_label} {share.slm_pct_low:.1f}% to "
            f"{share.slm_pct_high:.1f}%): {_units(n_slm, 'SLM')} and {_units(n_llm, 'LLM')} among "
            f"{_units(n_units, share.unit)}."
        )
    if share.n_unknown_size:
        measured += (
            f" With the {_units(share.n_unknown_size, share.unit)} of unknown size counted as LLMs "
            f"or as SLMs: {share.slm_pct_if_unknown_llm:.1f}% to {share.slm_pct_if_unknown_slm:.1f}%."
        )
    if share.n_unknown_modality:
        measured += f" {_units(share.n_unknown_modality, share.unit)} of unknown modality, counted apart."
    if share.measured_on is not None:
        measured += f" Measured on {share.measured_on}."
    return measured


def population_shares_reading(shares: Sequence[PopulationShare], day: date) -> str:
    """The reading of the figure: how far apart the measured answers are."""
    measured = [share for share in shares if share.is_measured and share.slm_pct is not None]
    if not measured:
        return f"On {day}, no population has a measured SLM share."
    low = min(measured, key=lambda share: share.slm_pct)
    high = max(measured, key=lambda share: share.slm_pct)
    missing = [share.label for share in shares if not share.is_measured]
    text = (
        f"On {day}, the SLM share ranges from {low.slm_pct:.1f}% ({low.label}) to "
        f"{high.slm_pct:.1f}% ({high.label}) depending on what is counted; the lines are each "
        "share's interval."
    )
    if missing:
        text += f" Not measured yet: {', '.join(missing)}."
    return text


@dataclass(frozen=True)
class PopulationView:
    label: str
    description: str
    is_measured: bool
    slm_pct: str
    sentence: str


def populations_view(shares: Sequence[PopulationShare], interval_label: str) -> list[PopulationView]:
    return [
        PopulationView(
            label=share.label,
            description=share.description,
            is_measured=share.is_measured,
            slm_pct=f"{share.slm_pct:.1f}%"
            if share.slm_pct is not None
            else "not measured yet"
            if not share.is_measured
            else "-",
            sentence=population_sentence(share, interval_label),
        )
        for share in shares
    ]


def render_population_shares(
    shares: Sequence[PopulationShare], snapshot_date: date, path: Path, interval_label: str
) -> StudyFigure:
    """The SLM share of each population with its interval; a population not measured is named, empty."""
    measured = [share for share in shares if share.is_measured and share.slm_pct is not None]
    sample = f"{len(measured)} of {len(shares)} populations measured"
    if not measured:
        return no_data_figure(path, FIGURE_TITLE, snapshot_date, sample, "no population is measured", 0)

    fig, (ax,) = new_figure()
    add_header(
        fig,
        ax,
        FIGURE_TITLE,
        snapshot_subtitle(
            snapshot_date, f"{sample}  ·  bars: SLM share of known size, lines: {interval_label}"
        ),
    )
    positions = np.arange(len(shares))
    for position, share in zip(positions, shares, strict=True):
        if share.is_measured and share.slm_pct is not None:
            ax.bar(position, share.slm_pct, width=0.6, color=CLASS_COLORS["SLM"])
            ax.errorbar(
                position,
                share.slm_pct,
                yerr=[[share.slm_pct - share.slm_pct_low], [share.slm_pct_high - share.slm_pct]],
                color=INTERVAL_COLOR,
                capsize=6,
                linewidth=1.5,
            )
            ax.annotate(
                f"{share.slm_pct:.1f}%\n{_units(share.n_known or 0, share.unit)} of known size",
                (position, share.slm_pct_high),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=LABEL_SIZE - 1,
            )
        else:
            ax.text(
                position,
                50,
                "not measured yet",
                ha="center",
                va="center",
                fontsize=LABEL_SIZE,
                color=SUBTLE_TEXT_COLOR,
                parse_math=False,
            )
    labels = [textwrap.fill(share.label, LABEL_WIDTH_CHARS) for share in shares]
    ax.set_xticks(positions, labels, fontsize=LABEL_SIZE - 1, parse_math=False)
    ax.set_xlim(-0.6, len(shares) - 0.4)
    ax.set_ylim(0, 115)
    ax.set_ylabel("SLM share of units of known size (%)", fontsize=LABEL_SIZE)
    ax.grid(axis="y", alpha=0.3)
    save_figure(fig, path)
    caption = "; ".join(
        f"{share.label}: {share.slm_pct:.1f}%"
        if share.is_measured and share.slm_pct is not None
        else f"{share.label}: not measured yet"
        for share in shares
    )
    # the sample: the first measured population's units (the study's view, all models)
    n_units = measured[0].n_units or 0
    return StudyFigure(path, f"SLM share on {snapshot_date}: {caption}.", n_units, True, FIGURE_TITLE)
