"""Read the study marts for one snapshot date into plain rows for the figures.

Every query binds the date as a parameter; Hub strings (tags) only ever come out of the database,
never go into SQL text. Numeric columns are cast in SQL so that DECIMAL/HUGEINT results arrive as
plain ``float``/``int``.
"""

from dataclasses import dataclass
from datetime import date

import duckdb

# The listing the study's "5000 most downloaded models" corresponds to.
TOP_LISTING = "top"
# Scope of `marts.slm_share_by_creation_month` covering the whole top listing (other scopes are tags).
ALL_SCOPE = "all"


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


@dataclass(frozen=True)
class MonthDownloads:
    creation_month: date
    downloads_30d: int
    share_pct: float | None


def load_class_split(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> list[ClassCount]:
    rows = conn.execute(
        """
        select model_class, cast(n_models as bigint), cast(pct as double)
        from marts.class_split
        where snapshot_date = ? and listing = ?
        order by model_class
        """,
        [snapshot_date, TOP_LISTING],
    ).fetchall()
    return [ClassCount(*row) for row in rows]


def load_tags_by_class(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> dict[str, list[TagCount]]:
    """Task tags per model class, most used first (ties by tag name, for stable figures)."""
    rows = conn.execute(
        """
        select model_class, tag, cast(n_models as bigint)
        from marts.tags_by_class
        where snapshot_date = ?
        order by model_class, n_models desc, tag
        """,
        [snapshot_date],
    ).fetchall()
    by_class: dict[str, list[TagCount]] = {}
    for model_class, tag, n_models in rows:
        by_class.setdefault(model_class, []).append(TagCount(tag, n_models))
    return by_class


def load_slm_share_by_creation_month(
    conn: duckdb.DuckDBPyConnection, snapshot_date: date
) -> dict[str, list[MonthClassCounts]]:
    """Monthly class counts per scope (`all` or a pipeline tag), months in order."""
    rows = conn.execute(
        """
        select scope, cast(creation_month as date), cast(n_slm as bigint), cast(n_llm as bigint),
            cast(n_unknown as bigint), cast(slm_pct as double)
        from marts.slm_share_by_creation_month
        where snapshot_date = ?
        order by scope, creation_month
        """,
        [snapshot_date],
    ).fetchall()
    by_scope: dict[str, list[MonthClassCounts]] = {}
    for scope, *month_row in rows:
        by_scope.setdefault(scope, []).append(MonthClassCounts(*month_row))
    return by_scope


def load_download_share_by_creation_month(
    conn: duckdb.DuckDBPyConnection, snapshot_date: date
) -> dict[str, list[MonthDownloads]]:
    """Monthly 30-day downloads per model class (SLM, LLM), months in order."""
    rows = conn.execute(
        """
        select model_class, cast(creation_month as date), cast(downloads_30d as bigint),
            cast(share_pct as double)
        from marts.download_share_by_creation_month
        where snapshot_date = ?
        order by model_class, creation_month
        """,
        [snapshot_date],
    ).fetchall()
    by_class: dict[str, list[MonthDownloads]] = {}
    for model_class, *month_row in rows:
        by_class.setdefault(model_class, []).append(MonthDownloads(*month_row))
    return by_class


@dataclass(frozen=True)
class StudyData:
    """Everything the study figures of one snapshot date need, read in one go.

    Loading first lets the caller close its DuckDB connection before the (slower) rendering, so the
    warehouse file is not held while PNGs are written.
    """

    snapshot_date: date
    class_split: list[ClassCount]
    tags_by_class: dict[str, list[TagCount]]
    slm_share_by_scope: dict[str, list[MonthClassCounts]]
    downloads_by_class: dict[str, list[MonthDownloads]]


def load_study_data(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> StudyData:
    return StudyData(
        snapshot_date=snapshot_date,
        class_split=load_class_split(conn, snapshot_date),
        tags_by_class=load_tags_by_class(conn, snapshot_date),
        slm_share_by_scope=load_slm_share_by_creation_month(conn, snapshot_date),
        downloads_by_class=load_download_share_by_creation_month(conn, snapshot_date),
    )
