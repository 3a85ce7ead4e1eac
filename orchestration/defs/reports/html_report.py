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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import jinja2

from orchestration.defs.reports.figure_style import billions, display_text, thousands
from orchestration.defs.reports.findings import Finding, findings_view, load_findings
from orchestration.defs.reports.mart_queries import (
    ClassDownloads,
    ListingShares,
    ReportRules,
    ScopeTotals,
    StudyData,
    TagCount,
    load_rules,
)
from orchestration.defs.reports.marts import read
from orchestration.defs.reports.method_text import render_method
from orchestration.defs.reports.pipeline_text import PipelineText
from orchestration.defs.reports.populations import (
    POPULATION_SHARES_FILE,
    population_shares_reading,
    populations_view,
)
from orchestration.defs.reports.study_figures import (
    CLASS_SPLIT_FILE,
    LANGUAGE_MODELS_LABEL,
    SLM_SHARE_FILE,
    StudyFigure,
    downloads_file,
    language_model_tags_file,
    slm_share_tag_file,
    tags_file,
)
from orchestration.names import (
    ALL_SCOPE,
    NEW_MODELS_FROM_NEW_LISTING,
    RAW_SCHEMA,
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
class DateRun:
    """Consecutive days, all with a snapshot or all without (marts.report_snapshot_date_runs)."""

    first: date
    last: date
    n_days: int


@dataclass(frozen=True)
class SnapshotFreshness:
    """Snapshot dates the warehouse holds (marts.report_snapshot_coverage, report_snapshot_date_runs)."""

    first: date | None
    latest: date | None
    n_dates: int
    n_missing: int
    last_finished_at: datetime | None  # when the latest date's last listing run finished
    present: tuple[DateRun, ...] = ()  # ascending
    missing: tuple[DateRun, ...] = ()  # ascending

    def has_snapshot(self, day: date) -> bool:
        return any(run.first <= day <= run.last for run in self.present)


NO_SNAPSHOT = SnapshotFreshness(None, None, 0, 0, None)


@dataclass(frozen=True)
class NewModelTotals:
    """Every model a listing has shown up to the date (marts.report_new_model_totals)."""

    n_models: int
    n_slm: int
    n_known: int
    slm_pct: float | None


@dataclass(frozen=True)
class ReportContext:
    """What the report reads besides `StudyData`."""

    snapshot_date: date
    freshness: SnapshotFreshness
    rules: ReportRules
    pipeline: PipelineText  # the dbt descriptions the method section quotes
    new_models: NewModelTotals | None = None  # None: the new-models mart has no row for the date
    hub_kind: str | None = None  # `live` or `simulated`, from `raw.warehouse_identity`
    findings: list[Finding] = field(default_factory=list)  # from `marts.hypothesis_findings`


def load_snapshot_freshness(conn: duckdb.DuckDBPyConnection) -> SnapshotFreshness:
    (row,) = read(
        conn,
        "report_snapshot_coverage",
        ("first_date", "latest_date", "n_snapshot_dates", "n_missing_dates", "last_finished_at"),
    )
    first, latest, n_dates, n_missing, last_finished_at = row
    if first is None:
        return NO_SNAPSHOT
    runs = read(
        conn,
        "report_snapshot_date_runs",
        ("first_date", "last_date", "n_days", "has_snapshot"),
        order_by="first_date",
    )
    return SnapshotFreshness(
        first,
        latest,
        n_dates,
        n_missing,
        last_finished_at.astimezone(UTC) if last_finished_at is not None else None,
        tuple(DateRun(*run[:3]) for run in runs if run[3]),
        tuple(DateRun(*run[:3]) for run in runs if not run[3]),
    )


def load_new_models_share(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> NewModelTotals | None:
    """Every model the `new` listing has shown up to the date, each counted once; None when the
    mart has no `new_listing` row for the date."""
    rows = read(
        conn,
        "report_new_model_totals",
        ("n_models", "n_slm", "n_known", "slm_pct"),
        where="snapshot_date = ? and source_listing = ?",
        params=[snapshot_date, NEW_MODELS_FROM_NEW_LISTING],
    )
    return NewModelTotals(*rows[0]) if rows else None


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


def _opt(value: float | None) -> float:
    return value if value is not None else 0.0


def key_numbers(data: StudyData, context: ReportContext) -> list[KeyNumber]:
    day = data.snapshot_date
    top = data.top
    slm = data.class_downloads.get("SLM")
    llm = data.class_downloads.get("LLM")
    slm_downloads = slm.downloads_30d if slm else 0
    known_downloads = slm_downloads + (llm.downloads_30d if llm else 0)
    n_slm, n_known, n_models = (top.n_slm, top.n_known, top.n_models) if top else (0, 0, 0)
    numbers = [
        KeyNumber(
            "SLM share of the top listing's models of known size",
            top.slm_pct if top else None,
            f"{thousands(n_slm)} SLMs of {thousands(n_known)} models of known size among the "
            f"{thousands(n_models)} most-downloaded models on {day}"
            + (f" ({pct(top.slm_pct_of_all)} of all of them)." if top else "."),
        ),
        KeyNumber(
            "SLM share of the top listing's 30-day downloads",
            slm.known_share_pct if slm else None,
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
            top.known_pct if top else None,
            f"{thousands(n_known)} of the {thousands(n_models)} models have a known parameter "
            f"count; {thousands(top.n_unknown if top else 0)} are of unknown size.",
        )
    )
    return numbers


# ---------------------------------------------------------------------------------------------
# One reading per figure, for the day


def _plural(n: int, noun: str) -> str:
    return f"{thousands(n)} {noun}{'' if n == 1 else 's'}"


def class_split_reading(data: StudyData) -> str:
    day, top = data.snapshot_date, data.top
    if top is None:
        return f"On {day}, the top listing holds no model: no snapshot of that day reached the marts."
    parts = [
        f"On {day}, the top listing held the {thousands(top.n_models)} most-downloaded models: "
        f"{thousands(top.n_slm)} SLMs ({pct(top.slm_pct_of_all)}), "
        f"{thousands(top.n_llm)} LLMs ({pct(top.llm_pct_of_all)}) and "
        f"{thousands(top.n_unknown)} of unknown size ({pct(top.unknown_pct_of_all)})."
    ]
    if top.slm_pct is not None and top.llm_pct is not None:
        parts.append(
            f"Of the {thousands(top.n_known)} models with a known size, {pct(top.slm_pct)} are SLMs "
            f"and {pct(top.llm_pct)} LLMs."
        )
    else:
        parts.append("None of them has a known size, so no SLM share can be given.")
    return " ".join(parts)


def tags_reading(
    model_class: str, tags: Sequence[TagCount], n_class: int, day: date, population: str = ""
) -> str:
    """The reading of a tag chart; with a ``population`` ("language models"), of that population's."""
    plural = f"{model_class}s"
    among = f" among its {population}" if population else ""
    if n_class == 0:
        return f"On {day}, the top listing holds no {model_class}{among}, so there are no task tags to show."
    if not tags:
        return (
            f"On {day}, none of the {thousands(n_class)} {plural} of the top listing{among} has a task tag."
        )
    ranked = sorted(tags, key=lambda t: (-t.n_models, t.tag))
    named = ", ".join(
        f"“{display_text(t.tag)}” ({_plural(t.n_models, model_class)}, {pct(t.pct_of_class)})"
        for t in ranked[:TAGS_IN_READING]
    )
    most_common = "the only one is" if len(tags) == 1 else "the most common are"
    return (
        f"On {day}, the {_plural(n_class, model_class)} of the top listing{among} carry "
        f"{_plural(len(tags), 'distinct task tag')}; {most_common} {named}. A model can carry several "
        "tags, so the shares do not add up to 100%."
    )


def slm_share_reading(
    totals: ScopeTotals | None, scope: str, day: date, cutoff: date | None, min_known: int
) -> str:
    """``totals``: the scope's months summed (marts.report_creation_month_totals); ``cutoff``:
    models created before this month are old on ``day`` (marts.report_snapshot_dates);
    ``min_known``: var min_known_models_per_period (marts.report_rules)."""
    where = (
        "the top listing" if scope == ALL_SCOPE else f"the listing of pipeline tag “{display_text(scope)}”"
    )
    if totals is None:
        return f"On {day}, {where} holds no model with a creation date."
    if totals.slm_pct is None:
        return (
            f"On {day}, none of the {thousands(totals.n_models)} models of {where} has a known size, "
            "so no SLM share can be given for any creation month."
        )
    if cutoff is None:
        raise ValueError(f"no old-model cutoff for {day}: marts.report_snapshot_dates has no row")

    def share_of(n_models: int, n_slm: int, n_known: int, slm_pct: float | None, label: str) -> str:
        if n_models == 0:
            return f"{label}: no model"
        if slm_pct is None:
            return f"{label}: no model of known size"
        return f"{label}: {pct(slm_pct)} SLM ({thousands(n_slm)} of {thousands(n_known)})"

    sparse = totals.n_sparse_months
    if sparse == 0:
        caveat = f"Every month rests on at least {min_known} models of known size."
    else:
        caveat = (
            f"{sparse} of the {_plural(totals.n_months, 'month')} "
            f"{'rests' if sparse == 1 else 'rest'} on fewer than {min_known} models of "
            "known size: such a month's share swings with one or two models."
        )
    recent = share_of(
        totals.n_recent_models,
        totals.n_recent_slm,
        totals.n_recent_known,
        totals.recent_slm_pct,
        f"Created since {cutoff:%Y-%m}",
    )
    older = share_of(
        totals.n_old_models, totals.n_old_slm, totals.n_old_known, totals.old_slm_pct, "created earlier"
    )
    return (
        f"On {day}, {pct(totals.slm_pct)} of the {thousands(totals.n_known)} models of known size in {where} "
        f"are SLMs ({thousands(totals.n_models)} models, created over {_plural(totals.n_months, 'month')}). "
        f"{recent}; {older}. {caveat}"
    )


def downloads_reading(
    model_class: str,
    downloads: ClassDownloads | None,
    n_class: int,
    day: date,
    cutoff: date | None,
    old_model_age_days: int,
) -> str:
    plural = f"{model_class}s"
    total = downloads.downloads_30d if downloads else 0
    if downloads is None or total == 0:
        if n_class == 0:
            return f"On {day}, the top listing holds no {model_class}, so there are no downloads to share."
        return f"On {day}, the {thousands(n_class)} {plural} of the top listing report no 30-day downloads."
    if cutoff is None:
        raise ValueError(f"no old-model cutoff for {day}: marts.report_snapshot_dates has no row")
    return (
        f"On {day}, the {thousands(n_class)} {plural} of the top listing drew {thousands(total)} "
        f"downloads in the last 30 days; {pct(_opt(downloads.old_share_pct))} of them went to {plural} "
        f"created before {cutoff:%Y-%m} (over {old_model_age_days} days old). The creation month drawing "
        f"the most is {downloads.busiest_creation_month:%Y-%m} ({pct(_opt(downloads.busiest_share_pct))})."
    )


def figure_readings(data: StudyData) -> dict[str, tuple[str, str]]:
    """Title and reading of each figure the day can have, by file name (as `study_figures` names them)."""
    day = data.snapshot_date
    top = data.top
    n_by_class = {"SLM": top.n_slm if top else 0, "LLM": top.n_llm if top else 0}
    min_known = data.rules.min_known_models_per_period
    readings = {
        CLASS_SPLIT_FILE: ("Small vs large models in the top listing", class_split_reading(data)),
        SLM_SHARE_FILE: (
            "SLM share of the models created each month",
            slm_share_reading(
                data.scope_totals.get(ALL_SCOPE), ALL_SCOPE, day, data.old_before_month, min_known
            ),
        ),
    }
    for c in ("LLM", "SLM"):
        readings[tags_file(c)] = (
            f"Most used task tags among {c}s",
            tags_reading(c, data.tags_by_class.get(c, []), n_by_class[c], day),
        )
    for c in ("LLM", "SLM"):
        readings[language_model_tags_file(c)] = (
            f"Most used task tags among {c}s (language models only)",
            tags_reading(
                c,
                data.language_model_tags.get(c, []),
                data.language_models_by_class[c],
                day,
                LANGUAGE_MODELS_LABEL,
            ),
        )
    readings[POPULATION_SHARES_FILE] = (
        "SLM share under each population",
        population_shares_reading(data.population_shares, day),
    )
    for c in ("SLM", "LLM"):
        readings[downloads_file(c)] = (
            f"{c}s: 30-day downloads by creation month",
            downloads_reading(
                c,
                data.class_downloads.get(c),
                n_by_class[c],
                day,
                data.old_before_month,
                data.rules.old_model_age_days,
            ),
        )
    for scope in data.slm_share_by_scope:
        if scope != ALL_SCOPE:
            readings[slm_share_tag_file(scope)] = (
                f"SLM share by creation month — pipeline tag “{display_text(scope)}”",
                slm_share_reading(data.scope_totals.get(scope), scope, day, data.old_before_month, min_known),
            )
    return readings


# ---------------------------------------------------------------------------------------------
# HTML


def method_values(rules: ReportRules, pipeline: PipelineText) -> dict[str, str]:
    """The values docs/method.md names in double braces (method_text.VALUE_NAMES), as Markdown."""
    return {
        "slm_max_params": f"{rules.slm_max_params:,} ({billions(rules.slm_max_params)})",
        "medium_max_params": (
            f"{rules.medium_max_params:,} ({billions(rules.medium_max_params)})"
            if rules.medium_max_params is not None
            else "off"
        ),
        "size_mode": f"`{rules.size_mode}`",
        "old_model_age_days": str(rules.old_model_age_days),
        "min_known_models_per_period": str(rules.min_known_models_per_period),
        "size_sources": pipeline.size_sources,
    }


_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("orchestration.defs.reports", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)

_TOC = (
    ("findings", "Findings"),
    ("populations", "The answer under each population"),
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


def _listing_view(item: ListingShares) -> dict[str, object]:
    return {
        "listing": display_text(item.listing, 80),
        "cells": [
            thousands(item.n_models),
            thousands(item.n_slm),
            thousands(item.n_llm),
            thousands(item.n_unknown),
            _opt_pct(item.known_pct),
            _opt_pct(item.slm_pct),
        ],
    }


def _format_runs(runs: Sequence[DateRun]) -> str:
    return ", ".join(
        str(run.first) if run.n_days == 1 else f"{run.first} to {run.last} ({run.n_days} days)"
        for run in runs
    )


def _freshness_facts(day: date, freshness: SnapshotFreshness) -> list[tuple[str, str]]:
    if freshness.latest is None:
        return []
    return [
        ("Latest snapshot", str(freshness.latest)),
        (
            "Latest run finished",
            f"{freshness.last_finished_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
            if freshness.last_finished_at is not None
            else "unknown",
        ),
        ("Snapshot dates", f"{freshness.n_dates} from {freshness.first} to {freshness.latest}"),
        ("Dates present", _format_runs(freshness.present)),
        (
            "Missing dates",
            _format_runs(freshness.missing)
            if freshness.missing
            else "none: every day in the range has a snapshot",
        ),
        (
            "This report's date",
            f"{day} has a snapshot" if freshness.has_snapshot(day) else f"{day} has no snapshot in raw",
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
    readings = figure_readings(data)
    return _TEMPLATES.get_template("report.html.j2").render(
        content_security_policy=CONTENT_SECURITY_POLICY,
        day=day,
        generated_at=f"{generated_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC",
        hub_kind=context.hub_kind,
        newer_snapshot=freshness.latest if freshness.latest is not None and freshness.latest > day else None,
        toc=_TOC,
        findings=findings_view(context.findings),
        populations=populations_view(data.population_shares, context.rules.interval_label),
        key_numbers=key_numbers(data, context),
        figures=[_figure_view(figure, readings) for figure in figures],
        listings=[_listing_view(item) for item in data.listings],
        facts=_freshness_facts(day, freshness),
        missing_note=(
            f"{_plural(freshness.n_missing, 'day')} without a snapshot: the Hub only reports the last 30 "
            "days of downloads, so a missed day of the live Hub cannot be fetched later."
            if freshness.n_missing
            else ""
        ),
        method=render_method(context.pipeline.method, method_values(context.rules, context.pipeline)),
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
