"""A hand-made warehouse rendered into the daily report, shared by the report and browser tests."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from orchestration.defs.reports.html_report import load_report_context, render_html_report
from orchestration.defs.reports.mart_queries import load_study_data
from orchestration.defs.reports.study_figures import render_study_figure_set
from tests.reports.mart_dataset import DAY, NO_LLM_DAY, build_marts_db

SCRIPT_TAG = "<script>alert(1)</script>"
ESCAPED_SCRIPT_TAG = "&lt;script&gt;alert(1)&lt;/script&gt;"
# Listing runs on four days around DAY (2025-01-08); 2025-01-06 is missing.
RUN_DATES = [date(2025, 1, 4), date(2025, 1, 5), date(2025, 1, 7), date(2025, 1, 8)]
MISSING_DATE = "2025-01-06"
GENERATED_AT = datetime(2025, 1, 9, 3, 30, tzinfo=UTC)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def add_report_rows(path: Path, *, new_models: bool = False, hub_kind: str | None = "simulated") -> None:
    """Add to a `build_marts_db` file what the report reads besides the study marts."""
    conn = duckdb.connect(str(path))
    try:
        conn.execute("create schema if not exists raw")
        conn.execute(
            "create table raw.hub_listing_runs (snapshot_date date, listing varchar, sort varchar, "
            "requested_n integer, received_n integer, unique_n integer, rejected_n integer, "
            "exhausted boolean, requests integer, started_at timestamptz, finished_at timestamptz, "
            "endpoint varchar)"
        )
        for day in RUN_DATES:
            for listing, minute in (("top", 41), ("new", 13)):
                conn.execute(
                    "insert into raw.hub_listing_runs values (?, ?, 'downloads', 100, 100, 100, 0, false, 1, "
                    "?, ?, 'http://127.0.0.1:9/as-of/{snapshot_date}')",
                    [day, listing, f"{day} 02:00:00+00", f"{day} 02:{minute}:00+00"],
                )
        if hub_kind is not None:
            conn.execute("create table raw.warehouse_identity (hub_kind varchar, claimed_at timestamptz)")
            conn.execute("insert into raw.warehouse_identity values (?, current_timestamp)", [hub_kind])
        # Hostile Hub strings: a tag and a listing named like markup. They do not change top numbers.
        conn.execute("insert into marts.tags_by_class values (?, 'SLM', ?, 1)", [DAY, SCRIPT_TAG])
        conn.execute(
            "insert into marts.slm_share_by_creation_month values (?, ?, date '2024-08-01', 1, 1, 0, 50.0)",
            [DAY, SCRIPT_TAG],
        )
        conn.execute(
            "insert into marts.class_split values (?, ?, 'SLM', 1, 100.0)",
            [DAY, f"pipeline_tag:{SCRIPT_TAG}"],
        )
        if new_models:
            conn.execute(
                "create table marts.slm_share_of_new_models (snapshot_date date, scope varchar, "
                "creation_month date, n_slm bigint, n_llm bigint, n_unknown bigint, slm_pct double)"
            )
            conn.executemany(
                "insert into marts.slm_share_of_new_models values (?, ?, ?, ?, ?, ?, null)",
                [
                    (DAY, "all", date(2024, 12, 1), 7, 2, 1),
                    (DAY, "all", date(2025, 1, 1), 5, 1, 0),
                    (DAY, "text-generation", date(2025, 1, 1), 100, 0, 0),  # another scope
                    (NO_LLM_DAY, "all", date(2025, 1, 1), 1, 9, 0),  # another date
                ],
            )
    finally:
        conn.close()


@dataclass
class Rendered:
    root: Path  # the warehouse directory
    html: str
    index: Path
    dated: Path
    n_figures: int


def render_day_report(root: Path, day: date = DAY, **rows) -> Rendered:
    """Build the marts under ``root``, render the day's figures and report as the asset would."""
    db = root / "observatory.duckdb"
    if not db.exists():
        build_marts_db(db)
        add_report_rows(db, **rows)
    conn = duckdb.connect(str(db), read_only=True)
    try:
        data = load_study_data(conn, day)
        context = load_report_context(conn, day)
    finally:
        conn.close()
    figures = render_study_figure_set(data, root / "figures" / day.isoformat())
    report = render_html_report(data, figures, context, root / "report", generated_at=GENERATED_AT)
    assert report.index is not None
    return Rendered(root, report.index.read_text(encoding="utf-8"), report.index, report.dated, len(figures))
