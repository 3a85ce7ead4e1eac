"""The daily HTML report: key numbers, every study figure with a reading of it for the day, data
freshness and gaps, and the method, in one self-contained file.

Written to ``<warehouse dir>/report/<YYYY-MM-DD>.html`` and, when that date is the newest report,
to ``report/index.html`` too. Figures are embedded as base64 data URIs and the stylesheet is inline,
so a report opens from disk anywhere, offline, and a dated copy stays valid after the figures
directory is re-rendered. The page is a Jinja2 template (templates/report.html.j2) with
autoescape on, so every string from the Hub (tags, listing names) reaches the page escaped; the
page carries a Content-Security-Policy that forbids scripts and any request.

Use it in two steps, like the figures: load with a short read-only connection, close it, render::

    with warehouse.connect(read_only=True) as conn:
        data = load_study_data(conn, day)
        context = load_report_context(conn, day, pipeline)
    figures = render_study_figure_set(data, out_dir)
    report = render_html_report(data, figures, context, warehouse.root / REPORT_DIRNAME)
"""

import base64
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import jinja2
from markupsafe import Markup, escape

from orchestration.defs.reports.figure_style import billions, display_text, thousands
from orchestration.defs.reports.findings import Finding, findings_view, load_findings
from orchestration.defs.reports.mart_queries import (
    MonthClassCounts,
    MonthDownloads,
    ReportRules,
    StudyData,
    TagCount,
    load_rules,
)
from orchestration.defs.reports.marts import read
from orchestration.defs.reports.pipeline_text import PipelineText
from orchestration.defs.reports.study_figures import (
    CLASS_SPLIT_FILE,
    MIN_KNOWN_MODELS_PER_MONTH,
    SLM_SHARE_FILE,
    StudyFigure,
    downloads_file,
    slm_share_tag_file,
    tags_file,
)
from orchestration.names import (
    ALL_SCOPE,
    NEW_MODELS_FROM_NEW_LISTING,
    RAW_SCHEMA,
    TOP_LISTING,
    WAREHOUSE_IDENTITY_TABLE,
)
from orchestration.warehouse import SERVING_FILENAME

REPORT_DIRNAME = "report"
INDEX_FILE = "index.html"
# Tags named in a tag figure's reading.
TAGS_IN_READING = 3
# Links to earlier dated reports in the footer.
MAX_OTHER_REPORTS = 60
_DATED_REPORT = re.compile(r"(\d{4}-\d{2}-\d{2})\.html")
# Nothing may be fetched or run: images only from data URIs, styles only inline.
CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


# ---------------------------------------------------------------------------------------------
# Data beyond the study figures' marts


@dataclass(frozen=True)
class SnapshotFreshness:
    """Snapshot dates the warehouse holds (marts.report_snapshot_dates)."""

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
    """What the report reads besides `StudyData`."""

    snapshot_date: date
    freshness: SnapshotFreshness
    rules: ReportRules
    pipeline: PipelineText  # the dbt descriptions the method section quotes
    listings: list[ListingCoverage] = field(default_factory=list)  # from `marts.class_split`
    new_models: ClassTotals | None = None  # None: the new-models mart has no row for the date
    hub_kind: str | None = None  # `live` or `simulated`, from `raw.warehouse_identity`
    findings: list[Finding] = field(default_factory=list)  # from `marts.hypothesis_findings`


def load_snapshot_freshness(conn: duckdb.DuckDBPyConnection) -> SnapshotFreshness:
    rows = read(
        conn, "report_snapshot_dates", ("snapshot_date", "last_finished_at"), order_by="snapshot_date"
    )
    last_finished_at = rows[-1][1].astimezone(UTC) if rows and rows[-1][1] is not None else None
    return SnapshotFreshness(tuple(day for day, _ in rows), last_finished_at)


def load_listing_coverage(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> list[ListingCoverage]:
    """Models per class for every listing of the day, the top listing first."""
    by_listing: dict[str, dict[str, int]] = {}
    for listing, model_class, n_models in read(
        conn,
        "class_split",
        ("listing", "model_class", "n_models"),
        where="snapshot_date = ?",
        order_by="listing <> ?, listing",
        params=[snapshot_date, TOP_LISTING],
    ):
        by_listing.setdefault(listing, {})[model_class] = n_models
    return [
        ListingCoverage(
            listing,
            ClassTotals(
                counts.get("SLM", 0),
                counts.get("LLM", 0),
                sum(n for c, n in counts.items() if c not in ("SLM", "LLM")),
            ),
        )
        for listing, counts in by_listing.items()
    ]


def load_new_models_share(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> ClassTotals | None:
    """SLM / LLM / unknown counts of every model the `new` listing has shown up to the date.

    The `new_listing` rows of marts.slm_share_of_new_models, one per creation week, each model
    counted once across days; None when the mart has no such row for the date.
    """
    rows = read(
        conn,
        "slm_share_of_new_models",
        ("n_slm", "n_llm", "n_unknown"),
        where="snapshot_date = ? and source_listing = ?",
        params=[snapshot_date, NEW_MODELS_FROM_NEW_LISTING],
    )
    if not rows:
        return None
    return ClassTotals(*(sum(row[i] for row in rows) for i in range(3)))


def load_hub_kind(conn: duckdb.DuckDBPyConnection) -> str | None:
    """The kind of Hub the warehouse was claimed for (raw_store.claim_warehouse, before any snapshot)."""
    row = conn.execute(f"select hub_kind from {RAW_SCHEMA}.{WAREHOUSE_IDENTITY_TABLE} limit 1").fetchone()
    return row[0] if row else None


def load_report_context(
    conn: duckdb.DuckDBPyConnection, snapshot_date: date, pipeline: PipelineText
) -> ReportContext:
    """Read everything the report needs besides `load_study_data`."""
    return ReportContext(
        snapshot_date=snapshot_date,
        freshness=load_snapshot_freshness(conn),
        rules=load_rules(conn),
        pipeline=pipeline,
        listings=load_listing_coverage(conn, snapshot_date),
        new_models=load_new_models_share(conn, snapshot_date),
        hub_kind=load_hub_kind(conn),
        findings=load_findings(conn, snapshot_date),
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
    if new is not None:
        numbers.append(
            KeyNumber(
                "SLM share of new models of known size",
                new.slm_pct,
                f"{_plural(new.n_slm, 'SLM')} of {_plural(new.n_known, 'new model')} of known size "
                f"({_plural(new.n_models, 'new model')} in all).",
            )
        )
    else:
        numbers.append(
            KeyNumber(
                "SLM share of new models",
                None,
                f"No model of the newest-models listing is in marts.slm_share_of_new_models up to {day}.",
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


def slm_share_reading(months: Sequence[MonthClassCounts], scope: str, day: date, cutoff: date | None) -> str:
    """``cutoff``: models created before this month are old on ``day`` (marts.report_snapshot_dates)."""
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
    if cutoff is None:
        raise ValueError(f"no old-model cutoff for {day}: marts.report_snapshot_dates has no row")
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


def downloads_reading(
    model_class: str,
    months: Sequence[MonthDownloads],
    n_class: int,
    day: date,
    cutoff: date | None,
    old_model_age_days: int,
) -> str:
    plural = f"{model_class}s"
    total = sum(m.downloads_30d for m in months)
    if total == 0:
        if n_class == 0:
            return f"On {day}, the top listing holds no {model_class}, so there are no downloads to share."
        return f"On {day}, the {thousands(n_class)} {plural} of the top listing report no 30-day downloads."
    if cutoff is None:
        raise ValueError(f"no old-model cutoff for {day}: marts.report_snapshot_dates has no row")
    old = 100 * sum(m.downloads_30d for m in months if m.creation_month < cutoff) / total
    busiest = max(months, key=lambda m: (m.downloads_30d, m.creation_month))
    return (
        f"On {day}, the {thousands(n_class)} {plural} of the top listing drew {thousands(total)} "
        f"downloads in the last 30 days; {pct(old)} of them went to {plural} created before "
        f"{cutoff:%Y-%m} (over {old_model_age_days} days old). The creation month drawing the most is "
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
            slm_share_reading(
                data.slm_share_by_scope.get(ALL_SCOPE, []), ALL_SCOPE, day, data.old_before_month
            ),
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
            downloads_reading(
                c,
                data.downloads_by_class.get(c, []),
                n_by_class[c],
                day,
                data.old_before_month,
                data.rules.old_model_age_days,
            ),
        )
    for scope, months in data.slm_share_by_scope.items():
        if scope != ALL_SCOPE:
            readings[slm_share_tag_file(scope)] = (
                f"SLM share by creation month — pipeline tag “{display_text(scope)}”",
                slm_share_reading(months, scope, day, data.old_before_month),
            )
    return readings


# ---------------------------------------------------------------------------------------------
# HTML


def _code_spans(text: str) -> Markup:
    """Plain text with `code` between backticks (as dbt descriptions write it), escaped."""
    code = Markup("<code>{}</code>")
    return Markup("").join(
        code.format(part) if i % 2 else escape(part) for i, part in enumerate(text.split("`"))
    )


_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("orchestration.defs.reports", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_TEMPLATES.filters["billions"] = billions
_TEMPLATES.filters["code_spans"] = _code_spans

_TOC = (
    ("findings", "Findings"),
    ("key-numbers", "Key numbers"),
    ("figures", "Figures"),
    ("listings", "Listings"),
    ("freshness", "Data freshness and gaps"),
    ("method", "Method and limits"),
)


def _png_data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _figure_view(figure: StudyFigure, readings: dict[str, tuple[str, str]]) -> dict[str, str | None]:
    # A figure without a reading here (the history figures) brings its own title and caption.
    title, reading = readings.get(figure.path.name, (figure.title or figure.path.stem, figure.caption))
    return {
        "title": title,
        "reading": reading,
        "name": figure.path.name,
        "data_uri": _png_data_uri(figure.path) if figure.path.is_file() else None,
    }


def _opt_pct(value: float | None) -> str:
    return pct(value) if value is not None else "-"


def _listing_view(item: ListingCoverage) -> dict[str, object]:
    totals = item.totals
    return {
        "listing": display_text(item.listing, 80),
        "cells": [
            thousands(totals.n_models),
            thousands(totals.n_slm),
            thousands(totals.n_llm),
            thousands(totals.n_unknown),
            _opt_pct(totals.known_pct),
            _opt_pct(totals.slm_pct),
        ],
    }


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


def _freshness_facts(day: date, freshness: SnapshotFreshness) -> list[tuple[str, str]]:
    if not freshness.dates:
        return []
    missing = freshness.missing
    return [
        ("Latest snapshot", str(freshness.latest)),
        (
            "Latest run finished",
            f"{freshness.last_finished_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
            if freshness.last_finished_at is not None
            else "unknown",
        ),
        ("Snapshot dates", f"{len(freshness.dates)} from {freshness.first} to {freshness.latest}"),
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


def build_report_html(
    data: StudyData,
    figures: Sequence[StudyFigure],
    context: ReportContext,
    *,
    generated_at: datetime,
    other_days: Sequence[date] = (),
) -> str:
    """The report as one HTML document (no file written)."""
    day = data.snapshot_date
    freshness = context.freshness
    missing = freshness.missing
    readings = figure_readings(data)
    return _TEMPLATES.get_template("report.html.j2").render(
        content_security_policy=CONTENT_SECURITY_POLICY,
        day=day,
        generated_at=f"{generated_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC",
        hub_kind=context.hub_kind,
        newer_snapshot=freshness.latest if freshness.latest is not None and freshness.latest > day else None,
        toc=_TOC,
        findings=findings_view(context.findings),
        key_numbers=key_numbers(data, context),
        figures=[_figure_view(figure, readings) for figure in figures],
        listings=[_listing_view(item) for item in context.listings],
        facts=_freshness_facts(day, freshness),
        missing_note=(
            f"{_plural(len(missing), 'day')} without a snapshot: the Hub only reports the last 30 days "
            "of downloads, so a missed day of the live Hub cannot be fetched later."
            if missing
            else ""
        ),
        rules=context.rules,
        pipeline=context.pipeline,
        other_days=[d.isoformat() for d in other_days],
        serving_filename=SERVING_FILENAME,
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
