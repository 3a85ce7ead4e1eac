"""The daily HTML report: key numbers, every study figure with a reading of it for the day, data
freshness and gaps, and the method, in one self-contained file.

Written to ``<warehouse dir>/report/<YYYY-MM-DD>.html`` and, when that date is the newest report,
to ``report/index.html`` too. Figures are embedded as base64 data URIs and the stylesheet is inline,
so a report opens from disk anywhere, offline, and a dated copy stays valid after the figures
directory is re-rendered. Every string from the Hub (tags, listing names) is escaped with
``html.escape``; the page carries a Content-Security-Policy that forbids scripts and any request.

Use it in two steps, like the figures: load with a short read-only connection, close it, render::

    with warehouse.connect(read_only=True) as conn:
        data = load_study_data(conn, day)
        context = load_report_context(conn, day)
    figures = render_study_figure_set(data, out_dir)
    report = render_html_report(data, figures, context, warehouse.root / REPORT_DIRNAME)
"""

import base64
import html
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from orchestration.defs.reports.figure_style import display_text, thousands
from orchestration.defs.reports.mart_queries import (
    ALL_SCOPE,
    TOP_LISTING,
    MonthClassCounts,
    MonthDownloads,
    StudyData,
    TagCount,
)
from orchestration.defs.reports.report_template import page, section
from orchestration.defs.reports.study_figures import (
    CLASS_SPLIT_FILE,
    MIN_KNOWN_MODELS_PER_MONTH,
    SLM_SHARE_FILE,
    StudyFigure,
    downloads_file,
    slm_share_tag_file,
    tags_file,
)
from orchestration.warehouse import SERVING_FILENAME

REPORT_DIRNAME = "report"
INDEX_FILE = "index.html"
# The mart of issue "SLM share of new models"; the report works without it.
NEW_MODELS_MART = "slm_share_of_new_models"
# The listing of the newest models (sort createdAt), which stands in for the mart while it is absent.
NEW_LISTING = "new"
# Its rows counting the `new` listing's models, when it has a `source_listing` column.
NEW_MODELS_SOURCE = "new_listing"
SLM_MAX_PARAMS = 7e9  # dbt var `slm_max_params`, restated in the method section
# Tags named in a tag figure's reading.
TAGS_IN_READING = 3
# Links to earlier dated reports in the footer.
MAX_OTHER_REPORTS = 60
_DATED_REPORT = re.compile(r"(\d{4}-\d{2}-\d{2})\.html")


# ---------------------------------------------------------------------------------------------
# Data beyond the study figures' marts


@dataclass(frozen=True)
class SnapshotFreshness:
    """Snapshot dates the warehouse holds (one row per listing in `raw.hub_listing_runs`)."""

    dates: tuple[date, ...]  # ascending, distinct
    last_finished_at: datetime | None  # when the latest date's last listing run finished

    @property
    def first(self) -> date | None:
        return self.dates[0] if self.dates else None

    @property
    def latest(self) -> date | None:
        return self.dates[-1] if self.dates else None

    @property
    def missing(self) -> list[date]:
        """Days between the first and the latest snapshot date without a snapshot."""
        if not self.dates:
            return []
        present = set(self.dates)
        span = (self.dates[-1] - self.dates[0]).days
        return [d for d in (self.dates[0] + timedelta(days=i) for i in range(span + 1)) if d not in present]


@dataclass(frozen=True)
class ClassTotals:
    n_slm: int
    n_llm: int
    n_unknown: int

    @property
    def n_known(self) -> int:
        return self.n_slm + self.n_llm

    @property
    def n_models(self) -> int:
        return self.n_known + self.n_unknown

    @property
    def slm_pct(self) -> float | None:
        """SLM share among models of known size, in percent; None when none has a known size."""
        return 100 * self.n_slm / self.n_known if self.n_known else None

    @property
    def known_pct(self) -> float | None:
        """Size-resolution coverage: the share of models whose size is known, in percent."""
        return 100 * self.n_known / self.n_models if self.n_models else None


@dataclass(frozen=True)
class ListingCoverage:
    listing: str  # `top`, `pipeline_tag:<tag>`, `new`: a Hub string for tag listings
    totals: ClassTotals


@dataclass(frozen=True)
class ReportContext:
    """What the report reads besides `StudyData`; every part may be absent in a young warehouse."""

    snapshot_date: date
    freshness: SnapshotFreshness | None  # None: no `raw.hub_listing_runs` table
    listings: list[ListingCoverage] = field(default_factory=list)  # from `marts.class_split`
    new_models: ClassTotals | None = None
    new_models_note: str = ""  # why `new_models` is None
    hub_kind: str | None = None  # `live` or `simulated`, from `raw.warehouse_identity`


def _table_columns(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = conn.execute(
        """
        select column_name from information_schema.columns
        where table_schema = ? and table_name = ?
        order by ordinal_position
        """,
        [schema, table],
    ).fetchall()
    return [name for (name,) in rows]


def load_snapshot_freshness(conn: duckdb.DuckDBPyConnection) -> SnapshotFreshness | None:
    if not _table_columns(conn, "raw", "hub_listing_runs"):
        return None
    dates = tuple(
        d
        for (d,) in conn.execute(
            "select distinct cast(snapshot_date as date) from raw.hub_listing_runs order by 1"
        ).fetchall()
    )
    last_finished_at = None
    if dates:
        # Epoch seconds: a TIMESTAMPTZ fetched as such would need pytz on the Python side.
        (epoch,) = conn.execute(
            "select epoch(max(finished_at)) from raw.hub_listing_runs where snapshot_date = ?", [dates[-1]]
        ).fetchone()
        if epoch is not None:
            last_finished_at = datetime.fromtimestamp(epoch, UTC)
    return SnapshotFreshness(dates, last_finished_at)


def load_listing_coverage(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> list[ListingCoverage]:
    """Models per class for every listing of the day, the top listing first."""
    rows = conn.execute(
        """
        select
            listing,
            cast(coalesce(sum(n_models) filter (where model_class = 'SLM'), 0) as bigint),
            cast(coalesce(sum(n_models) filter (where model_class = 'LLM'), 0) as bigint),
            cast(coalesce(sum(n_models) filter (where model_class not in ('SLM', 'LLM')), 0) as bigint)
        from marts.class_split
        where snapshot_date = ?
        group by listing
        order by listing <> ?, listing
        """,
        [snapshot_date, TOP_LISTING],
    ).fetchall()
    return [ListingCoverage(listing, ClassTotals(*counts)) for listing, *counts in rows]


def load_new_models_share(
    conn: duckdb.DuckDBPyConnection, snapshot_date: date
) -> tuple[ClassTotals | None, str]:
    """SLM / LLM / unknown counts of the day's new models, or None and the reason.

    Assumed shape of `marts.slm_share_of_new_models` (the mart may not exist yet): a
    `snapshot_date`, counts `n_slm`, `n_llm` and optionally `n_unknown`, and optionally a `scope`
    column of which the `all` rows are read (as in `slm_share_by_creation_month`), or a
    `source_listing` column of which the `new_listing` rows are read (models/marts/history: every
    model the `new` listing showed up to the date, counted once). The day's rows
    are summed, so a finer grain (per creation day or month) gives the same totals.
    """
    columns = set(_table_columns(conn, "marts", NEW_MODELS_MART))
    if not columns:
        return None, f"the mart marts.{NEW_MODELS_MART} does not exist yet"
    if not {"snapshot_date", "n_slm", "n_llm"} <= columns:
        return None, f"marts.{NEW_MODELS_MART} has no snapshot_date, n_slm and n_llm columns"
    # Only fixed column names of ours are put in the SQL text; the values are bound.
    unknown = "sum(n_unknown)" if "n_unknown" in columns else "0"
    scope = "and scope = ?" if "scope" in columns else ""
    params: list[object] = [snapshot_date, *([ALL_SCOPE] if scope else [])]
    if "source_listing" in columns:
        # The history mart's shape: the `new` listing's models beside the top listing's.
        scope, params = "and source_listing = ?", [snapshot_date, NEW_MODELS_SOURCE]
    row = conn.execute(
        f"""
        select cast(sum(n_slm) as bigint), cast(sum(n_llm) as bigint), cast({unknown} as bigint)
        from marts.{NEW_MODELS_MART}
        where snapshot_date = ? {scope}
        """,
        params,
    ).fetchone()
    if row is None or row[0] is None:
        return None, f"marts.{NEW_MODELS_MART} has no row for {snapshot_date}"
    return ClassTotals(*(value or 0 for value in row)), ""


def load_hub_kind(conn: duckdb.DuckDBPyConnection) -> str | None:
    if not _table_columns(conn, "raw", "warehouse_identity"):
        return None
    row = conn.execute("select hub_kind from raw.warehouse_identity limit 1").fetchone()
    return row[0] if row else None


def load_report_context(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> ReportContext:
    """Read everything the report needs besides `load_study_data`; tolerant of missing tables."""
    new_models, note = load_new_models_share(conn, snapshot_date)
    return ReportContext(
        snapshot_date=snapshot_date,
        freshness=load_snapshot_freshness(conn),
        listings=load_listing_coverage(conn, snapshot_date),
        new_models=new_models,
        new_models_note=note,
        hub_kind=load_hub_kind(conn),
    )


# ---------------------------------------------------------------------------------------------
# Key numbers


@dataclass(frozen=True)
class KeyNumber:
    label: str
    value: float | None  # percent; None when it cannot be computed
    detail: str  # plain text

    @property
    def display(self) -> str:
        return pct(self.value) if self.value is not None else "not available"


def pct(value: float) -> str:
    return f"{value:.1f}%"


def _share(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def top_listing_totals(data: StudyData) -> ClassTotals:
    by_class = {row.model_class: row.n_models for row in data.class_split}
    return ClassTotals(
        by_class.get("SLM", 0),
        by_class.get("LLM", 0),
        sum(n for c, n in by_class.items() if c not in ("SLM", "LLM")),
    )


def key_numbers(data: StudyData, context: ReportContext) -> list[KeyNumber]:
    day = data.snapshot_date
    top = top_listing_totals(data)
    slm_downloads = sum(m.downloads_30d for m in data.downloads_by_class.get("SLM", []))
    llm_downloads = sum(m.downloads_30d for m in data.downloads_by_class.get("LLM", []))
    known_downloads = slm_downloads + llm_downloads
    numbers = [
        KeyNumber(
            "SLM share of the top listing's models of known size",
            top.slm_pct,
            f"{thousands(top.n_slm)} SLMs of {thousands(top.n_known)} models of known size among the "
            f"{thousands(top.n_models)} most-downloaded models on {day}"
            + (f" ({pct(_share(top.n_slm, top.n_models))} of all of them)." if top.n_models else "."),
        ),
        KeyNumber(
            "SLM share of the top listing's 30-day downloads",
            _share(slm_downloads, known_downloads),
            f"{thousands(slm_downloads)} of the {thousands(known_downloads)} downloads in the last 30 days "
            "of the top listing's models of known size went to SLMs.",
        ),
    ]
    new = context.new_models
    new_listing = next((item.totals for item in context.listings if item.listing == NEW_LISTING), None)
    if new is not None:
        numbers.append(
            KeyNumber(
                "SLM share of new models of known size",
                new.slm_pct,
                f"{thousands(new.n_slm)} SLMs of {thousands(new.n_known)} new models of known size "
                f"({thousands(new.n_models)} new models in all).",
            )
        )
    elif new_listing is not None and new_listing.n_models:
        # Until the mart exists, the day's `new` listing (newest models first) stands in for it.
        numbers.append(
            KeyNumber(
                "SLM share of the newest models of known size",
                new_listing.slm_pct,
                f"{thousands(new_listing.n_slm)} SLMs of {thousands(new_listing.n_known)} models of known "
                f"size in the day's listing of the newest models ({thousands(new_listing.n_models)} in "
                f"all); from marts.class_split, as {context.new_models_note}.",
            )
        )
    else:
        numbers.append(
            KeyNumber(
                "SLM share of new models",
                None,
                f"{context.new_models_note[:1].upper()}{context.new_models_note[1:]}.",
            )
        )
    numbers.append(
        KeyNumber(
            "Size resolution (top listing)",
            top.known_pct,
            f"{thousands(top.n_known)} of the {thousands(top.n_models)} models have a known parameter "
            f"count; {thousands(top.n_unknown)} are of unknown size.",
        )
    )
    return numbers


# ---------------------------------------------------------------------------------------------
# One reading per figure, for the day


def _plural(n: int, noun: str) -> str:
    return f"{thousands(n)} {noun}{'' if n == 1 else 's'}"


def _cutoff(day: date) -> date:
    """First day of the month a year before ``day``: earlier months are over 12 months old."""
    return date(day.year - 1, day.month, 1)


def class_split_reading(data: StudyData) -> str:
    day, top = data.snapshot_date, top_listing_totals(data)
    if top.n_models == 0:
        return f"On {day}, the top listing holds no model: no snapshot of that day reached the marts."
    parts = [
        f"On {day}, the top listing held the {thousands(top.n_models)} most-downloaded models: "
        f"{thousands(top.n_slm)} SLMs ({pct(100 * top.n_slm / top.n_models)}), "
        f"{thousands(top.n_llm)} LLMs ({pct(100 * top.n_llm / top.n_models)}) and "
        f"{thousands(top.n_unknown)} of unknown size ({pct(100 * top.n_unknown / top.n_models)})."
    ]
    if top.slm_pct is not None:
        parts.append(
            f"Of the {thousands(top.n_known)} models with a known size, {pct(top.slm_pct)} are SLMs "
            f"and {pct(100 - top.slm_pct)} LLMs."
        )
    else:
        parts.append("None of them has a known size, so no SLM share can be given.")
    return " ".join(parts)


def tags_reading(model_class: str, tags: Sequence[TagCount], n_class: int, day: date) -> str:
    plural = f"{model_class}s"
    if n_class == 0:
        return f"On {day}, the top listing holds no {model_class}, so there are no task tags to show."
    if not tags:
        return f"On {day}, none of the {thousands(n_class)} {plural} of the top listing has a task tag."
    ranked = sorted(tags, key=lambda t: (-t.n_models, t.tag))
    named = ", ".join(
        f"“{display_text(t.tag)}” ({_plural(t.n_models, model_class)}, {pct(100 * t.n_models / n_class)})"
        for t in ranked[:TAGS_IN_READING]
    )
    most_common = "the only one is" if len(tags) == 1 else "the most common are"
    return (
        f"On {day}, the {_plural(n_class, model_class)} of the top listing carry "
        f"{_plural(len(tags), 'distinct task tag')}; {most_common} {named}. A model can carry several "
        "tags, so the shares do not add up to 100%."
    )


def _totals(months: Iterable[MonthClassCounts]) -> ClassTotals:
    months = list(months)
    return ClassTotals(
        sum(m.n_slm for m in months), sum(m.n_llm for m in months), sum(m.n_unknown for m in months)
    )


def slm_share_reading(months: Sequence[MonthClassCounts], scope: str, day: date) -> str:
    where = (
        "the top listing" if scope == ALL_SCOPE else f"the listing of pipeline tag “{display_text(scope)}”"
    )
    if not months:
        return f"On {day}, {where} holds no model with a creation date."
    total = _totals(months)
    if total.slm_pct is None:
        return (
            f"On {day}, none of the {thousands(total.n_models)} models of {where} has a known size, "
            "so no SLM share can be given for any creation month."
        )
    cutoff = _cutoff(day)
    recent = _totals(m for m in months if m.creation_month >= cutoff)
    older = _totals(m for m in months if m.creation_month < cutoff)

    def share_of(group: ClassTotals, label: str) -> str:
        if group.n_models == 0:
            return f"{label}: no model"
        if group.slm_pct is None:
            return f"{label}: no model of known size"
        return f"{label}: {pct(group.slm_pct)} SLM ({thousands(group.n_slm)} of {thousands(group.n_known)})"

    sparse = sum(1 for m in months if m.n_slm + m.n_llm < MIN_KNOWN_MODELS_PER_MONTH)
    if sparse == 0:
        caveat = f"Every month rests on at least {MIN_KNOWN_MODELS_PER_MONTH} models of known size."
    else:
        caveat = (
            f"{sparse} of the {_plural(len(months), 'month')} "
            f"{'rests' if sparse == 1 else 'rest'} on fewer than {MIN_KNOWN_MODELS_PER_MONTH} models of "
            "known size: such a month's share swings with one or two models."
        )
    return (
        f"On {day}, {pct(total.slm_pct)} of the {thousands(total.n_known)} models of known size in {where} "
        f"are SLMs ({thousands(total.n_models)} models, created over {_plural(len(months), 'month')}). "
        f"{share_of(recent, f'Created since {cutoff:%Y-%m}')}; "
        f"{share_of(older, 'created earlier')}. {caveat}"
    )


def downloads_reading(model_class: str, months: Sequence[MonthDownloads], n_class: int, day: date) -> str:
    plural = f"{model_class}s"
    total = sum(m.downloads_30d for m in months)
    if total == 0:
        if n_class == 0:
            return f"On {day}, the top listing holds no {model_class}, so there are no downloads to share."
        return f"On {day}, the {thousands(n_class)} {plural} of the top listing report no 30-day downloads."
    cutoff = _cutoff(day)
    old = 100 * sum(m.downloads_30d for m in months if m.creation_month < cutoff) / total
    busiest = max(months, key=lambda m: (m.downloads_30d, m.creation_month))
    return (
        f"On {day}, the {thousands(n_class)} {plural} of the top listing drew {thousands(total)} "
        f"downloads in the last 30 days; {pct(old)} of them went to {plural} created before "
        f"{cutoff:%Y-%m} (over 12 months old). The creation month drawing the most is "
        f"{busiest.creation_month:%Y-%m} ({pct(100 * busiest.downloads_30d / total)})."
    )


def figure_readings(data: StudyData) -> dict[str, tuple[str, str]]:
    """Title and reading of each figure the day can have, by file name (as `study_figures` names them)."""
    day = data.snapshot_date
    top = top_listing_totals(data)
    n_by_class = {"SLM": top.n_slm, "LLM": top.n_llm}
    readings = {
        CLASS_SPLIT_FILE: ("Small vs large models in the top listing", class_split_reading(data)),
        SLM_SHARE_FILE: (
            "SLM share of the models created each month",
            slm_share_reading(data.slm_share_by_scope.get(ALL_SCOPE, []), ALL_SCOPE, day),
        ),
    }
    for c in ("LLM", "SLM"):
        readings[tags_file(c)] = (
            f"Most used task tags among {c}s",
            tags_reading(c, data.tags_by_class.get(c, []), n_by_class[c], day),
        )
    for c in ("SLM", "LLM"):
        readings[downloads_file(c)] = (
            f"{c}s: 30-day downloads by creation month",
            downloads_reading(c, data.downloads_by_class.get(c, []), n_by_class[c], day),
        )
    for scope, months in data.slm_share_by_scope.items():
        if scope != ALL_SCOPE:
            readings[slm_share_tag_file(scope)] = (
                f"SLM share by creation month — pipeline tag “{display_text(scope)}”",
                slm_share_reading(months, scope, day),
            )
    return readings


# ---------------------------------------------------------------------------------------------
# HTML


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _header(data: StudyData, context: ReportContext, generated_at: datetime) -> str:
    day = data.snapshot_date
    banners = []
    if context.hub_kind == "simulated":
        banners.append(
            "This warehouse holds <strong>simulated</strong> Hub data (the demo): the numbers describe "
            "a synthetic world, not the real Hugging Face Hub."
        )
    freshness = context.freshness
    if freshness is not None and freshness.latest is not None and freshness.latest > day:
        banners.append(f"A newer snapshot exists ({esc(freshness.latest)}): this report is not the latest.")
    toc = "".join(
        f'<li><a href="#{anchor}">{esc(label)}</a></li>'
        for anchor, label in (
            ("key-numbers", "Key numbers"),
            ("figures", "Figures"),
            ("listings", "Listings"),
            ("freshness", "Data freshness"),
            ("method", "Method and limits"),
        )
    )
    return (
        '<header class="page">\n'
        f"<h1>SLM Observatory — {esc(day)}</h1>\n"
        '<p class="muted">Are small language models taking over from large ones? The Hugging Face '
        f"Hub as snapshotted on {esc(day)}. Generated {esc(f'{generated_at:%Y-%m-%d %H:%M} UTC')}.</p>\n"
        + "".join(f'<p class="banner">{b}</p>\n' for b in banners)
        + f'<nav class="toc"><ul>{toc}</ul></nav>\n</header>'
    )


def _key_numbers_section(numbers: Sequence[KeyNumber]) -> str:
    cards = "\n".join(
        f'<div class="card{"" if n.value is not None else " unavailable"}">'
        f'<p class="label">{esc(n.label)}</p>'
        f'<p class="value">{esc(n.display)}</p>'
        f'<p class="detail">{esc(n.detail)}</p></div>'
        for n in numbers
    )
    return section("key-numbers", "Key numbers", f'<div class="cards">\n{cards}\n</div>')


def _png_data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _figure_html(figure: StudyFigure, readings: dict[str, tuple[str, str]]) -> str:
    # A figure without a reading here (the history figures) brings its own title and caption.
    fallback = (getattr(figure, "title", "") or figure.path.stem, figure.caption)
    title, reading = readings.get(figure.path.name, fallback)
    if figure.path.is_file():
        image = (
            f'<img src="{_png_data_uri(figure.path)}" alt="{esc(title)}" width="1200" height="700" '
            'loading="eager">'
        )
    else:
        image = f'<p class="banner">The figure file {esc(figure.path.name)} is missing.</p>'
    return (
        f'<figure class="study">\n<h3>{esc(title)}</h3>\n{image}\n'
        f"<figcaption><p>{esc(reading)}</p>"
        f'<p class="file">{esc(figure.path.name)}</p></figcaption>\n</figure>'
    )


def _figures_section(data: StudyData, figures: Sequence[StudyFigure]) -> str:
    readings = figure_readings(data)
    body = "\n".join(_figure_html(figure, readings) for figure in figures)
    return section("figures", "Figures", body or "<p>No figure was rendered for this day.</p>")


def _listings_section(context: ReportContext) -> str:
    if not context.listings:
        return section("listings", "Listings", "<p>No listing of this day is in marts.class_split.</p>")
    rows = "\n".join(
        f"<tr><td>{esc(display_text(item.listing, 80))}</td>"
        f'<td class="num">{thousands(item.totals.n_models)}</td>'
        f'<td class="num">{thousands(item.totals.n_slm)}</td>'
        f'<td class="num">{thousands(item.totals.n_llm)}</td>'
        f'<td class="num">{thousands(item.totals.n_unknown)}</td>'
        f'<td class="num">{esc(_opt_pct(item.totals.known_pct))}</td>'
        f'<td class="num">{esc(_opt_pct(item.totals.slm_pct))}</td></tr>'
        for item in context.listings
    )
    table = (
        "<p>Models per class in each listing of the day, and how many have a known size (the "
        "size-resolution coverage).</p>\n<table>\n<thead><tr><th>listing</th>"
        '<th class="num">models</th><th class="num">SLM</th><th class="num">LLM</th>'
        '<th class="num">unknown size</th><th class="num">known size</th>'
        '<th class="num">SLM share of known</th></tr></thead>\n'
        f"<tbody>\n{rows}\n</tbody>\n</table>"
    )
    return section("listings", "Listings", table)


def _opt_pct(value: float | None) -> str:
    return pct(value) if value is not None else "-"


def date_ranges(days: Sequence[date]) -> list[tuple[date, date]]:
    """Consecutive days grouped into (first, last) ranges; ``days`` ascending."""
    ranges: list[tuple[date, date]] = []
    for d in days:
        if ranges and d - ranges[-1][1] == timedelta(days=1):
            ranges[-1] = (ranges[-1][0], d)
        else:
            ranges.append((d, d))
    return ranges


def _format_ranges(days: Sequence[date]) -> str:
    return ", ".join(
        str(first) if first == last else f"{first} to {last} ({(last - first).days + 1} days)"
        for first, last in date_ranges(days)
    )


def _freshness_section(data: StudyData, context: ReportContext) -> str:
    freshness = context.freshness
    day = data.snapshot_date
    if freshness is None or not freshness.dates:
        body = (
            "<p>No listing run is recorded (raw.hub_listing_runs is absent or empty): the snapshot "
            "dates of this warehouse are unknown.</p>"
        )
        return section("freshness", "Data freshness and gaps", body)
    missing = freshness.missing
    facts = [
        ("Latest snapshot", str(freshness.latest)),
        (
            "Latest run finished",
            f"{freshness.last_finished_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
            if freshness.last_finished_at is not None
            else "unknown",
        ),
        (
            "Snapshot dates",
            f"{len(freshness.dates)} from {freshness.first} to {freshness.latest}",
        ),
        ("Dates present", _format_ranges(freshness.dates)),
        (
            "Missing dates",
            _format_ranges(missing) if missing else "none: every day in the range has a snapshot",
        ),
        (
            "This report's date",
            f"{day} has a snapshot" if day in freshness.dates else f"{day} has no snapshot in raw",
        ),
    ]
    rows = "\n".join(f"<dt>{esc(name)}</dt><dd>{esc(value)}</dd>" for name, value in facts)
    note = (
        f"<p>{_plural(len(missing), 'day')} without a snapshot: the Hub only reports the last 30 days of "
        "downloads, so a missed day of the live Hub cannot be fetched later.</p>"
        if missing
        else ""
    )
    return section("freshness", "Data freshness and gaps", f'<dl class="facts">\n{rows}\n</dl>\n{note}')


_METHOD = f"""
<p><strong>Classes.</strong> A model is an <em>SLM</em> when its parameter count is below
{SLM_MAX_PARAMS:,.0f} (7e9, 7 billion) and an <em>LLM</em> at or above it (dbt variable
<code>slm_max_params</code>), the threshold of the 2025 Polytech Nice-Sophia study “LLM vs SLM”.
A model without a parameter count is of <em>unknown size</em> and is left out of every SLM share.</p>
<p><strong>Sources.</strong> Every day the Hub API's model listing (<code>/api/models</code>) is read
with <code>expand</code> fields (author, creation date, downloads, likes, pipeline tag, tags,
<code>safetensors</code>, <code>gguf</code>, …): the top listing (the most-downloaded models), one
listing per leading pipeline tag, and the newest models. The parameter count is the
<code>safetensors</code> total, else the <code>gguf</code> total.</p>
<p><strong>Limits.</strong></p>
<ul>
<li>Downloads are the Hub's count over the last 30 days only; older usage is known only from earlier
snapshots.</li>
<li>The listings hold the most-downloaded models, not every model on the Hub: shares describe what is
used, and models created long ago survive in the listing only if still downloaded (top-N sampling
bias).</li>
<li>Models without safetensors or gguf metadata have an unknown size; the size-resolution share above
says how many.</li>
<li>Creation-month shares resting on few models of known size swing with one or two models.</li>
</ul>
"""


def _footer(day: date, other_days: Sequence[date]) -> str:
    links = ", ".join(f'<a href="{d.isoformat()}.html">{d.isoformat()}</a>' for d in other_days)
    more = f"<p>Reports of other days: {links}.</p>" if links else ""
    return (
        f'<footer>\n<p class="muted">SLM Observatory daily report for {esc(day)}; this file is '
        f"self-contained (figures embedded) and can be opened offline. Its numbers can be queried in "
        f"<code>{SERVING_FILENAME}</code> beside this folder (<code>make sql</code>, read-only).</p>"
        f"\n{more}\n</footer>"
    )


def build_report_html(
    data: StudyData,
    figures: Sequence[StudyFigure],
    context: ReportContext,
    *,
    generated_at: datetime,
    other_days: Sequence[date] = (),
) -> str:
    """The report as one HTML document (no file written)."""
    sections = [
        _key_numbers_section(key_numbers(data, context)),
        _figures_section(data, figures),
        _listings_section(context),
        _freshness_section(data, context),
        section("method", "Method and limits", _METHOD),
    ]
    return page(
        title=f"SLM Observatory — {data.snapshot_date}",
        header=_header(data, context, generated_at.astimezone(UTC)),
        sections=sections,
        footer=_footer(data.snapshot_date, other_days),
    )


# ---------------------------------------------------------------------------------------------
# Files


@dataclass(frozen=True)
class HtmlReport:
    dated: Path  # report/<YYYY-MM-DD>.html
    index: Path | None  # report/index.html, None when a newer dated report already holds it


def _dated_reports(report_dir: Path) -> list[date]:
    days = []
    for path in report_dir.glob("*.html"):
        match = _DATED_REPORT.fullmatch(path.name)
        if match:
            try:
                days.append(date.fromisoformat(match.group(1)))
            except ValueError:
                continue
    return sorted(days)


def write_atomically(path: Path, text: str) -> None:
    """Write under a temporary name in the same directory, fsync, then rename over ``path``."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def render_html_report(
    data: StudyData,
    figures: Sequence[StudyFigure],
    context: ReportContext,
    report_dir: Path,
    *,
    generated_at: datetime | None = None,
) -> HtmlReport:
    """Write ``report_dir/<date>.html`` and, unless a later date's report exists, ``index.html``.

    ``figures`` are the day's rendered figures (`render_study_figure_set`), read from disk and
    embedded. No database connection is used: load ``data`` and ``context`` first, then close it.
    """
    if context.snapshot_date != data.snapshot_date:
        raise ValueError(f"report context is for {context.snapshot_date}, the data for {data.snapshot_date}")
    report_dir.mkdir(parents=True, exist_ok=True)
    day = data.snapshot_date
    existing = _dated_reports(report_dir)
    other_days = [d for d in existing if d != day][-MAX_OTHER_REPORTS:]
    text = build_report_html(
        data,
        figures,
        context,
        generated_at=generated_at or datetime.now(UTC),
        other_days=other_days,
    )
    dated = report_dir / f"{day.isoformat()}.html"
    write_atomically(dated, text)
    # A backfill or a re-run of an old date must not replace the newest report as the index.
    if existing and max(existing) > day:
        return HtmlReport(dated, None)
    index = report_dir / INDEX_FILE
    write_atomically(index, text)
    return HtmlReport(dated, index)
