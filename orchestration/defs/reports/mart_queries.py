"""Read the study marts for one snapshot date into plain rows for the figures.

Every query goes through `marts.read` and binds the date as a parameter; Hub strings (tags) only
ever come out of the database, never go into SQL text. The contracts fix every column's type
(bigint, double, date), so values arrive as plain ``int``/``float``/``date``.
"""

from dataclasses import dataclass
from datetime import date

import duckdb

from orchestration.defs.reports.figure_style import class_labels
from orchestration.defs.reports.marts import MART_COLUMNS, read
from orchestration.names import TOP_LISTING


@dataclass(frozen=True)
class ReportRules:
    """The rules the marts were built with (marts.report_rules): stated, never restated."""

    slm_max_params: int
    medium_max_params: int | None
    size_mode: str
    old_model_age_days: int
    interval_z: float
    interval_level_pct: float  # the confidence level of every `<share>_low` / `_high` interval

    @property
    def class_labels(self) -> dict[str, str]:
        return class_labels(self.slm_max_params)

    @property
    def interval_label(self) -> str:
        return f"{self.interval_level_pct:g}% interval (Wilson score)"


def load_rules(conn: duckdb.DuckDBPyConnection) -> ReportRules:
    (row,) = read(conn, "report_rules", MART_COLUMNS["report_rules"])
    return ReportRules(*row)


@dataclass(frozen=True)
class ClassCount:
    model_class: str
    n_models: int
    pct: float


@dataclass(frozen=True)
class TagCount:
    tag: str
    n_models: int


@dataclass(frozen=True)
class MonthClassCounts:
    creation_month: date
    n_slm: int
    n_llm: int
    n_unknown: int
    slm_pct: float | None  # None when the month has no model of known size
    # slm_pct's 95 % interval and its values were every unknown size an SLM / an LLM (the mart's)
    slm_pct_low: float | None = None
    slm_pct_high: float | None = None
    slm_pct_if_unknown_slm: float | None = None
    slm_pct_if_unknown_llm: float | None = None


@dataclass(frozen=True)
class MonthDownloads:
    creation_month: date
    downloads_30d: int
    share_pct: float | None


def load_class_split(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> list[ClassCount]:
    rows = read(
        conn,
        "class_split",
        ("model_class", "n_models", "pct"),
        where="snapshot_date = ? and listing = ?",
        order_by="model_class",
        params=[snapshot_date, TOP_LISTING],
    )
    return [ClassCount(*row) for row in rows]


def load_tags_by_class(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> dict[str, list[TagCount]]:
    """Task tags per model class, most used first (ties by tag name, for stable figures)."""
    rows = read(
        conn,
        "tags_by_class",
        ("model_class", "tag", "n_models"),
        where="snapshot_date = ?",
        order_by="model_class, n_models desc, tag",
        params=[snapshot_date],
    )
    by_class: dict[str, list[TagCount]] = {}
    for model_class, tag, n_models in rows:
        by_class.setdefault(model_class, []).append(TagCount(tag, n_models))
    return by_class


def load_slm_share_by_creation_month(
    conn: duckdb.DuckDBPyConnection, snapshot_date: date
) -> dict[str, list[MonthClassCounts]]:
    """Monthly class counts per scope (`all` or a pipeline tag), months in order."""
    rows = read(
        conn,
        "slm_share_by_creation_month",
        # every declared column but the date, in MonthClassCounts' order after the scope
        tuple(c for c in MART_COLUMNS["slm_share_by_creation_month"] if c != "snapshot_date"),
        where="snapshot_date = ?",
        order_by="scope, creation_month",
        params=[snapshot_date],
    )
    by_scope: dict[str, list[MonthClassCounts]] = {}
    for scope, *month_row in rows:
        by_scope.setdefault(scope, []).append(MonthClassCounts(*month_row))
    return by_scope


def load_download_share_by_creation_month(
    conn: duckdb.DuckDBPyConnection, snapshot_date: date
) -> dict[str, list[MonthDownloads]]:
    """Monthly 30-day downloads per model class (SLM, LLM), months in order."""
    rows = read(
        conn,
        "download_share_by_creation_month",
        ("model_class", "creation_month", "downloads_30d", "share_pct"),
        where="snapshot_date = ?",
        order_by="model_class, creation_month",
        params=[snapshot_date],
    )
    by_class: dict[str, list[MonthDownloads]] = {}
    for model_class, *month_row in rows:
        by_class.setdefault(model_class, []).append(MonthDownloads(*month_row))
    return by_class


def load_old_before_month(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> date | None:
    rows = read(
        conn,
        "report_snapshot_dates",
        ("old_before_month",),
        where="snapshot_date = ?",
        params=[snapshot_date],
    )
    return rows[0][0] if rows else None


@dataclass(frozen=True)
class StudyData:
    """Everything the study figures of one snapshot date need, read in one go.

    Loading first lets the caller close its DuckDB connection before the (slower) rendering, so the
    warehouse file is not held while PNGs are written.
    """

    snapshot_date: date
    rules: ReportRules
    # Models created before this month are older than rules.old_model_age_days on the date
    # (marts.report_snapshot_dates); None for a date without a snapshot.
    old_before_month: date | None
    class_split: list[ClassCount]
    tags_by_class: dict[str, list[TagCount]]
    slm_share_by_scope: dict[str, list[MonthClassCounts]]
    downloads_by_class: dict[str, list[MonthDownloads]]


def load_study_data(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> StudyData:
    return StudyData(
        snapshot_date=snapshot_date,
        rules=load_rules(conn),
        old_before_month=load_old_before_month(conn, snapshot_date),
        class_split=load_class_split(conn, snapshot_date),
        tags_by_class=load_tags_by_class(conn, snapshot_date),
        slm_share_by_scope=load_slm_share_by_creation_month(conn, snapshot_date),
        downloads_by_class=load_download_share_by_creation_month(conn, snapshot_date),
    )
