"""The report's test warehouse: the hand-made Hub records of tests/dbt/hub_records.py, a few more
days and listings, through the real `dbt build`; the report and figure tests read what dbt built.

Snapshot dates (raw.hub_model_snapshots and raw.hub_listing_runs), every one through dbt:
- 2025-01-04: DAY_1's listings again (hub_records.DAY_1, copied under this date).
- NO_LLM_DAY (2025-01-05): a top listing of acme/tiny-bert (SLM) and acme/mystery (unknown size)
  and the fill-mask listing of acme/tiny-bert: no LLM at all.
- 2025-01-06: no snapshot (the gap the freshness section reports).
- 2025-01-07: hub_records.DAY_1.
- DAY (2025-01-08): hub_records.DAY_2, plus two listings named after hostile pipeline tags
  (`<script>alert(1)</script>` serving acme/tiny-bert, `../../etc` serving acme/chat-7b-gguf) and
  uni/tiny-mlm (SLM, created 2024-12-31) as the `new` listing's second model.
- EMPTY_DAY (2025-01-09): nothing.

On DAY, the top listing holds acme/tiny-bert (SLM, created 2023-06, 1,000 downloads),
acme/chat-7b (LLM, 2024-05, 500; its duplicate at rank 4 never counts), acme/chat-7b-gguf (SLM,
2024-05, 300), acme/mystery (unknown size, 2024-06, 200) and big/llm-70b (LLM, 2024-06, 100).
"""

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from orchestration.defs.hub.raw_store import claim_warehouse
from orchestration.defs.reports.html_report import load_report_context, render_html_report
from orchestration.defs.reports.mart_queries import load_study_data
from orchestration.defs.reports.marts import load_manifest
from orchestration.defs.reports.pipeline_text import PipelineText, pipeline_text
from orchestration.defs.reports.study_figures import render_study_figure_set
from tests.dbt import hub_records
from tests.dbt.conftest import Warehouse

DAY = hub_records.DAY_2
NO_LLM_DAY = date(2025, 1, 5)
COPY_OF_DAY_1 = date(2025, 1, 4)
EMPTY_DAY = date(2025, 1, 9)
SCRIPT_TAG = "<script>alert(1)</script>"
ESCAPED_SCRIPT_TAG = "&lt;script&gt;alert(1)&lt;/script&gt;"
HOSTILE_TAG = "../../etc"
NO_LLM_TAG = "fill-mask"  # DAY's fill-mask listing: acme/tiny-bert and uni/tiny-mlm, both SLMs
MISSING_DATE = "2025-01-06"
GENERATED_AT = datetime(2025, 1, 9, 3, 30, tzinfo=UTC)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# (listing, rank, model_id, 30-day downloads) added to raw, per snapshot date.
EXTRA_LISTINGS = {
    NO_LLM_DAY: [
        (hub_records.TOP, 1, "acme/tiny-bert", 900),
        (hub_records.TOP, 2, "acme/mystery", 150),
        (hub_records.FILL_MASK, 1, "acme/tiny-bert", 900),
    ],
    DAY: [
        (f"pipeline_tag:{SCRIPT_TAG}", 1, "acme/tiny-bert", 1000),
        (f"pipeline_tag:{HOSTILE_TAG}", 1, "acme/chat-7b-gguf", 300),
        (hub_records.NEW, 2, "uni/tiny-mlm", 50),
    ],
}


def _add_listings(warehouse: Warehouse, day: date, listings: list[tuple]) -> None:
    """Raw rows written as the ingestion writes them, with one listing run per new listing."""
    fetched_at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=2)
    rows = [
        (day, listing, rank, fetched_at, model_id, json.dumps(hub_records.record(model_id, n)))
        for listing, rank, model_id, n in listings
    ]
    with duckdb.connect(str(warehouse.path)) as conn:
        conn.executemany("insert into raw.hub_model_snapshots values (?, ?, ?, ?, ?, ?)", rows)
        for listing in dict.fromkeys(listing for listing, *_ in listings):
            served = [row[4] for row in rows if row[1] == listing]
            existing = conn.execute(
                "select count(*) from raw.hub_listing_runs where snapshot_date = ? and listing = ?",
                [day, listing],
            ).fetchone()[0]
            if existing:
                conn.execute(
                    "update raw.hub_listing_runs set received_n = received_n + ?, unique_n = unique_n + ? "
                    "where snapshot_date = ? and listing = ?",
                    [len(served), len(set(served)), day, listing],
                )
                continue
            sort = "createdAt" if listing == hub_records.NEW else "downloads"
            conn.execute(
                "insert into raw.hub_listing_runs values (?, ?, ?, 10000, ?, ?, 0, true, 1, ?, ?, "
                "'https://huggingface.co')",
                [
                    day,
                    listing,
                    sort,
                    len(served),
                    len(set(served)),
                    fetched_at,
                    fetched_at + timedelta(seconds=5),
                ],
            )


def build_report_warehouse(root: Path) -> Path:
    """Raw records of every date above, claimed as simulated data, through `dbt build`; the DuckDB file."""
    warehouse = Warehouse(root)
    with duckdb.connect(str(warehouse.path)) as conn:
        claim_warehouse(conn, "simulated")
    warehouse.load_raw([hub_records.DAY_1], as_date=COPY_OF_DAY_1)
    warehouse.load_raw([hub_records.DAY_1, hub_records.DAY_2])
    for day, listings in EXTRA_LISTINGS.items():
        _add_listings(warehouse, day, listings)
    warehouse.build()
    return warehouse.path


def copy_warehouse(built: Path, root: Path) -> Path:
    """A private copy of a built warehouse's DuckDB file under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    target = root / built.name
    shutil.copy2(built, target)
    return target


def repository_pipeline_text() -> PipelineText:
    """The method text as the code location reads it: from the repository's dbt manifest."""
    from orchestration.defs.transform.project import dbt_project

    return pipeline_text(load_manifest(dbt_project.manifest_path))


@dataclass
class Rendered:
    root: Path  # the warehouse directory
    html: str
    index: Path
    dated: Path
    n_figures: int


def render_day_report(root: Path, day: date = DAY, built: Path | None = None) -> Rendered:
    """Build (or copy ``built``) the warehouse under ``root``, render the day's figures and report
    as the asset does."""
    db = copy_warehouse(built, root) if built is not None else build_report_warehouse(root)
    with duckdb.connect(str(db), read_only=True) as conn:
        data = load_study_data(conn, day)
        context = load_report_context(conn, day, repository_pipeline_text())
    figures = render_study_figure_set(data, root / "figures" / day.isoformat())
    report = render_html_report(data, figures, context, root / "report", generated_at=GENERATED_AT)
    assert report.index is not None
    return Rendered(root, report.index.read_text(encoding="utf-8"), report.index, report.dated, len(figures))
