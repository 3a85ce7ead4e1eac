"""Read the study marts for one snapshot date into plain rows for the figures.

Every query goes through `marts.read` and binds the date as a parameter; Hub strings (tags) only
ever come out of the database, never go into SQL text. The contracts fix every column's type
(bigint, double, date), so values arrive as plain ``int``/``float``/``date``.
"""

from dataclasses import dataclass, field, fields
from datetime import date

import duckdb

from orchestration.defs.reports.figure_style import class_labels
from orchestration.defs.reports.marts import MART_COLUMNS, read
from orchestration.defs.reports.populations import PopulationShare, load_population_shares
from orchestration.names import LANGUAGE_MODELS_POPULATION, STUDY_POPULATION, TOP_LISTING


@dataclass(frozen=True)
class ReportRules:
    """The rules the marts were built with (marts.report_rules): stated, never restated."""

    slm_max_params: int
    medium_max_params: int | None
    size_mode: str
    old_model_age_days: int
    min_known_models_per_period: int
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
    pct_of_class: float  # of the class's top-listing models of the population (marts.report_tag_shares)


@dataclass(frozen=True)
class MonthClassCounts:
    creation_month: date
    n_slm: int
    n_llm: int
    n_unknown: int
    slm_pct: float | None  # None when the month has no model of known size
    is_sparse: bool = False  # too few models of known size to read (marts.report_creation_months)
    # slm_pct's 95 % interval and its values were every unknown size an SLM / an LLM (the mart's)
    slm_pct_low: float | None = None
    slm_pct_high: float | None = None
    slm_pct_if_unknown_slm: float | None = None
    slm_pct_if_unknown_llm: float | None = None


@dataclass(frozen=True)
class ListingShares:
    """One listing of one day (marts.report_listing_shares); percentages 0-100."""

    listing: str
    n_models: int
    n_slm: int
    n_llm: int
    n_unknown: int  # neither SLM nor LLM
    n_known: int  # SLM + LLM
    slm_pct: float | None  # of n_known; None when it is 0
    llm_pct: float | None
    slm_pct_of_all: float
    llm_pct_of_all: float
    unknown_pct_of_all: float
    known_pct: float


@dataclass(frozen=True)
class ScopeTotals:
    """The creation months of one scope summed (marts.report_creation_month_totals)."""

    n_months: int
    n_sparse_months: int
    n_models: int
    n_slm: int
    n_known: int
    slm_pct: float | None
    n_recent_models: int
    n_recent_slm: int
    n_recent_known: int
    recent_slm_pct: float | None
    n_old_models: int
    n_old_slm: int
    n_old_known: int
    old_slm_pct: float | None


@dataclass(frozen=True)
class ClassDownloads:
    """A class's 30-day downloads in the top listing (marts.report_class_downloads)."""

    downloads_30d: int
    known_share_pct: float | None
    old_share_pct: float | None
    busiest_creation_month: date | None
    busiest_share_pct: float | None


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
        where="snapshot_date = ? and listing = ? and population = ?",
        order_by="model_class",
        params=[snapshot_date, TOP_LISTING, STUDY_POPULATION],
    )
    return [ClassCount(*row) for row in rows]


def load_tags_by_class(
    conn: duckdb.DuckDBPyConnection, snapshot_date: date, population: str = STUDY_POPULATION
) -> dict[str, list[TagCount]]:
    """Task tags per model class, most used first (ties by tag name, for stable figures), of a
    population of marts.report_tag_shares: every model (the study's view) or the language models."""
    rows = read(
        conn,
        "report_tag_shares",
        ("model_class", "tag", "n_models", "pct_of_class"),
        where="snapshot_date = ? and population = ?",
        order_by="model_class, n_models desc, tag",
        params=[snapshot_date, population],
    )
    by_class: dict[str, list[TagCount]] = {}
    for model_class, *tag_row in rows:
        by_class.setdefault(model_class, []).append(TagCount(*tag_row))
    return by_class


def load_slm_share_by_creation_month(
    conn: duckdb.DuckDBPyConnection, snapshot_date: date
) -> dict[str, list[MonthClassCounts]]:
    """Monthly class counts per scope (`all` or a pipeline tag), months in order."""
    rows = read(
        conn,
        "report_creation_months",
        # every declared column but the date, in MonthClassCounts' order after the scope
        tuple(c for c in MART_COLUMNS["report_creation_months"] if c != "snapshot_date"),
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
        where="snapshot_date = ? and population = ?",
        order_by="model_class, creation_month",
        params=[snapshot_date, STUDY_POPULATION],
    )
    by_class: dict[str, list[MonthDownloads]] = {}
    for model_class, *month_row in rows:
        by_class.setdefault(model_class, []).append(MonthDownloads(*month_row))
    return by_class


LISTING_SHARES_COLUMNS = (
    "listing",
    "n_models",
    "n_slm",
    "n_llm",
    "n_unknown",
    "n_known",
    "slm_pct",
    "llm_pct",
    "slm_pct_of_all",
    "llm_pct_of_all",
    "unknown_pct_of_all",
    "known_pct",
)


def load_listing_shares(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> list[ListingShares]:
    """Every listing of the day, the top listing first."""
    rows = read(
        conn,
        "report_listing_shares",
        LISTING_SHARES_COLUMNS,
        where="snapshot_date = ?",
        order_by="listing <> ?, listing",
        params=[snapshot_date, TOP_LISTING],
    )
    return [ListingShares(*row) for row in rows]


def load_scope_totals(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> dict[str, ScopeTotals]:
    columns = tuple(f.name for f in fields(ScopeTotals))
    rows = read(
        conn,
        "report_creation_month_totals",
        ("scope", *columns),
        where="snapshot_date = ?",
        params=[snapshot_date],
    )
    return {scope: ScopeTotals(*row) for scope, *row in rows}


def load_class_downloads(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> dict[str, ClassDownloads]:
    columns = tuple(f.name for f in fields(ClassDownloads))
    rows = read(
        conn,
        "report_class_downloads",
        ("model_class", *columns),
        where="snapshot_date = ?",
        params=[snapshot_date],
    )
    return {model_class: ClassDownloads(*row) for model_class, *row in rows}


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
    # The day's listings, the top listing first (its absence: no snapshot of that day).
    listings: list[ListingShares]
    scope_totals: dict[str, ScopeTotals]
    class_downloads: dict[str, ClassDownloads]
    # Task tags per class of the top listing's language models (marts.report_tag_shares)
    language_model_tags: dict[str, list[TagCount]] = field(default_factory=dict)
    # The answer under each population, in display order (marts.report_population_shares)
    population_shares: list[PopulationShare] = field(default_factory=list)

    @property
    def top(self) -> ListingShares | None:
        return next((item for item in self.listings if item.listing == TOP_LISTING), None)

    @property
    def language_models_by_class(self) -> dict[str, int]:
        """The top listing's language models per class (the denominators of their tag charts)."""
        share = next((p for p in self.population_shares if p.population == LANGUAGE_MODELS_POPULATION), None)
        return {"SLM": (share.n_slm or 0) if share else 0, "LLM": (share.n_llm or 0) if share else 0}


def load_study_data(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> StudyData:
    return StudyData(
        snapshot_date=snapshot_date,
        rules=load_rules(conn),
        old_before_month=load_old_before_month(conn, snapshot_date),
        class_split=load_class_split(conn, snapshot_date),
        tags_by_class=load_tags_by_class(conn, snapshot_date),
        slm_share_by_scope=load_slm_share_by_creation_month(conn, snapshot_date),
        downloads_by_class=load_download_share_by_creation_month(conn, snapshot_date),
        listings=load_listing_shares(conn, snapshot_date),
        scope_totals=load_scope_totals(conn, snapshot_date),
        class_downloads=load_class_downloads(conn, snapshot_date),
        language_model_tags=load_tags_by_class(conn, snapshot_date, LANGUAGE_MODELS_POPULATION),
        population_shares=load_population_shares(conn, snapshot_date),
    )
