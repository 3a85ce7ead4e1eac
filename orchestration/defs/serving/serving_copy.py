"""The serving copy: what users query, published whole and atomically after each successful run.

DuckDB lets one process write a file or several read it, never both: a user's session left open
on the pipeline's file would make the next run fail on its lock. So runs write
`observatory.duckdb`, which no user opens, and at the end of each successful run the pipeline
writes a new `observatory-serving.duckdb` beside it:

1. a new DuckDB file under a temporary name (`.observatory-serving.duckdb.<pid>.tmp`) receives a
   copy of every table users query (the pipeline's file attached read-only);
2. it is checkpointed and closed, fsynced, and renamed over the previous copy (`os.replace`).

A reader that opened the previous copy keeps reading it (the rename replaces the name, not the
open file, whose inode lives until the reader closes it) and never holds a lock the pipeline
needs; a new connection opens the new copy. Nobody sees a half-written copy, and a run killed
before the rename leaves the previous copy as it was, and a temporary file the next publication
removes.

What it holds: the marts, the reference evidence, the seeds and raw's small tables (listing runs,
quarantine, warehouse identity). Not the tables that keep Hub records verbatim (a JSON column:
`raw.hub_model_snapshots`, `raw.hub_model_details`, `raw.hub_model_census`), which make most of the
file and which nobody queries by hand (the Parquet archive holds them, readable at any time); not
the views over them; not the pipeline's working tables (`UNSERVED_SCHEMAS`), whose copy would cost
as much time again as the marts'. A table `meta.publication` says when the copy was published, by
which run, and the latest snapshot date it holds.
"""

import os
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from orchestration.warehouse import process_alive, sql_path

_TMP_SUFFIX = ".tmp"
PUBLICATION_TABLE = "meta.publication"
# The alias the pipeline's file is attached under: no schema of it may bear that name.
_SOURCE = "pipeline_file"


@dataclass(frozen=True)
class Publication:
    path: Path
    tables: list[str]
    bytes: int
    seconds: float
    latest_snapshot_date: date | None


def temporary_path(serving_path: Path, pid: int | None = None) -> Path:
    return serving_path.with_name(f".{serving_path.name}.{os.getpid() if pid is None else pid}{_TMP_SUFFIX}")


def remove_orphan_copies(serving_path: Path) -> list[Path]:
    """Temporary copies left by publishing processes that are gone (killed before the rename)."""
    removed = []
    prefix = f".{serving_path.name}."
    for path in serving_path.parent.glob(f"{prefix}*{_TMP_SUFFIX}*"):
        pid = path.name.removeprefix(prefix).split(".", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


# The pipeline's working tables, not what users query: the intermediate models (one row per
# model and day for the largest, read by the marts) and the run bookkeeping. Copying them would
# about double the publication's time (bench B2).
UNSERVED_SCHEMAS = ("intermediate", "pipeline")


def served_tables(conn: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, str]]:
    """(schema, table) of `database` that the serving copy holds: base tables without a JSON column,
    outside the pipeline's working schemas."""
    return conn.execute(
        f"""
        select t.schema_name, t.table_name
        from duckdb_tables() as t
        where t.database_name = ?
            and t.schema_name not in ({", ".join(f"'{schema}'" for schema in UNSERVED_SCHEMAS)})
            and not exists (
                select 1 from duckdb_columns() as c
                where c.database_name = t.database_name and c.schema_name = t.schema_name
                    and c.table_name = t.table_name and c.data_type = 'JSON'
            )
        order by 1, 2
        """,
        [database],
    ).fetchall()


def publish_serving_copy(pipeline_path: Path, serving_path: Path, run_id: str | None = None) -> Publication:
    """Write a new serving copy of `pipeline_path` and put it in place of `serving_path` atomically."""
    started = time.monotonic()
    remove_orphan_copies(serving_path)
    tmp = temporary_path(serving_path)
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(tmp)) as conn:
            conn.execute(f"attach '{sql_path(pipeline_path)}' as {_SOURCE} (read_only)")
            tables = served_tables(conn, _SOURCE)
            for schema, table in tables:
                conn.execute(f'create schema if not exists "{schema}"')
                conn.execute(
                    f'create table "{schema}"."{table}" as select * from {_SOURCE}."{schema}"."{table}"'
                )
            latest = _latest_snapshot_date(conn)
            conn.execute(f"detach {_SOURCE}")
            conn.execute("create schema if not exists meta")
            conn.execute(
                f"create table {PUBLICATION_TABLE} as select ?::timestamptz as published_at, "
                "?::varchar as run_id, ?::date as latest_snapshot_date",
                [datetime.now(UTC), run_id, latest],
            )
            conn.execute("checkpoint")
        _fsync(tmp)
        os.replace(tmp, serving_path)
        _fsync(serving_path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Publication(
        path=serving_path,
        tables=[f"{schema}.{table}" for schema, table in tables],
        bytes=serving_path.stat().st_size,
        seconds=time.monotonic() - started,
        latest_snapshot_date=latest,
    )


def _latest_snapshot_date(conn: duckdb.DuckDBPyConnection) -> date | None:
    exists = conn.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'raw' and table_name = 'hub_listing_runs'"
    ).fetchone()[0]
    if not exists:
        return None
    return conn.execute("select max(snapshot_date) from raw.hub_listing_runs").fetchone()[0]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
