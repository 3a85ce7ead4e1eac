"""Which snapshot dates the dbt models were built for, so a run also builds the dates left behind.

A day can reach `raw` without its models being built: its dbt build failed (a lock, a data test),
or its load was caught up by a later run (orchestration/defs/hub/assets.py). The incremental dbt
models only build their run's window, so such a day would stay out of the marts until someone
rebuilt it. The partitioned dbt asset therefore widens its window to every date of `raw` not
recorded here, and records its window once its build succeeded.

Table `pipeline.built_snapshot_dates(snapshot_date, built_at, run_id)` in the pipeline's file. A
warehouse made before it existed counts as built the dates its `marts.class_split` holds.
"""

from datetime import UTC, date, datetime

import duckdb

BUILT_TABLE = "pipeline.built_snapshot_dates"


def _table_exists(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        conn.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def _ensure_table(conn: duckdb.DuckDBPyConnection) -> None:
    if _table_exists(conn, "pipeline", "built_snapshot_dates"):
        return
    conn.execute("create schema if not exists pipeline")
    conn.execute(f"create table {BUILT_TABLE} (snapshot_date date, built_at timestamptz, run_id varchar)")
    if _table_exists(conn, "marts", "class_split"):
        conn.execute(
            f"insert into {BUILT_TABLE} select distinct snapshot_date, current_timestamp, 'before-tracking' "
            "from marts.class_split"
        )


def unbuilt_dates(conn: duckdb.DuckDBPyConnection) -> list[date]:
    """Dates in `raw` whose models were never built by a successful dbt build."""
    if not _table_exists(conn, "raw", "hub_listing_runs"):
        return []
    _ensure_table(conn)
    return [
        day
        for (day,) in conn.execute(
            f"select distinct snapshot_date from raw.hub_listing_runs "
            f"where snapshot_date not in (select snapshot_date from {BUILT_TABLE}) order by 1"
        ).fetchall()
    ]


def build_window(conn: duckdb.DuckDBPyConnection, first: date, last: date) -> tuple[date, date]:
    """The run's window [first, last] widened to cover every date not built yet."""
    pending = unbuilt_dates(conn)
    return min([first, *pending]), max([last, *pending])


def record_built(
    conn: duckdb.DuckDBPyConnection, first: date, last: date, run_id: str, everything: bool = False
) -> None:
    """Record the dates of `raw` in [first, last] (up to `last` with `everything`: a full refresh)."""
    if not _table_exists(conn, "raw", "hub_listing_runs"):
        return
    _ensure_table(conn)
    lower = date.min if everything else first
    conn.execute(
        f"insert into {BUILT_TABLE} select distinct snapshot_date, ?::timestamptz, ? "
        "from raw.hub_listing_runs where snapshot_date between ? and ? "
        f"and snapshot_date not in (select snapshot_date from {BUILT_TABLE})",
        [datetime.now(UTC), run_id, lower, last],
    )
