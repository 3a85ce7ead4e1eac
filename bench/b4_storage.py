"""B4, storage: bytes per snapshot row in the Parquet archive and in DuckDB.

Measured on B2's warehouse with the shorter history (D's real crawl plus its synthetic days):

- archive: the size of D's Parquet file (`archive/hub_model_snapshots/snapshot_date=D/`, written
  by the real ingestion, zstd) over its rows: bytes per raw row (the record kept verbatim);
- DuckDB, a table alone: each table copied into a fresh DuckDB file (`CREATE TABLE AS SELECT *`,
  source order kept, `CHECKPOINT`), its used blocks (`pragma_database_size`) minus an empty
  file's, over its rows. Tables: `raw.hub_model_snapshots` (the JSON as received), a typed copy
  of the staging view `staging.stg_hub__model_snapshots` (what a typed raw layer would hold: one
  row per model, listing and day, every field parsed), and every table of the `intermediate`
  schema with a `snapshot_date` column (the typed history the incremental models keep);
- the typed copy's columns one by one (same method), to show where the bytes go;
- DuckDB, the warehouse as a whole: (used blocks with the longer history - with the shorter) /
  (raw rows of the longer - of the shorter): what one more raw row costs across every table
  (used blocks, not the file size: a full refresh leaves free blocks in the file).

"Model-day": one model in one listing on one snapshot date (a raw row, a staging row). The
target (< 120 bytes per model-day for the typed tables) is checked on the typed staging copy and
on the intermediate history tables together, per model-day of staging.
"""

import itertools
from datetime import date
from pathlib import Path

import duckdb

from orchestration.defs.hub.raw_store import ARCHIVE_FILENAME, SNAPSHOTS_TABLE, partition_dir
from orchestration.warehouse import DUCKDB_FILENAME

TARGET_TYPED_BYTES_PER_MODEL_DAY = 120.0
TYPED_STAGING = "staging.stg_hub__model_snapshots"
_SCRATCH_NUMBERS = itertools.count(1)


def _used_bytes(conn: duckdb.DuckDBPyConnection, database: str) -> int:
    row = conn.execute(
        "select used_blocks, block_size from pragma_database_size() where database_name = ?", [database]
    ).fetchone()
    return row[0] * row[1]


def _table_bytes(conn: duckdb.DuckDBPyConnection, scratch_dir: Path, select_sql: str) -> tuple[int, int]:
    """(rows, bytes) of `select_sql`'s result stored alone in a new DuckDB file."""
    path = scratch_dir / f"scratch-{next(_SCRATCH_NUMBERS)}.duckdb"
    path.unlink(missing_ok=True)
    conn.execute(f"attach '{path}' as scratch")
    try:
        empty = _used_bytes(conn, "scratch")
        conn.execute(f"create table scratch.t as {select_sql}")
        conn.execute("checkpoint scratch")
        rows = conn.execute("select count(*) from scratch.t").fetchone()[0]
        return rows, _used_bytes(conn, "scratch") - empty
    finally:
        conn.execute("detach scratch")
        path.unlink(missing_ok=True)


def _per_row(rows: int, size: int) -> dict:
    return {"rows": rows, "bytes": size, "bytes_per_row": round(size / rows, 1) if rows else None}


def run_b4(small_dir: Path, large_dir: Path, day: date, scratch_dir: Path) -> dict:
    scratch_dir.mkdir(parents=True, exist_ok=True)
    report: dict = {}
    archive_file = partition_dir(small_dir / "archive", SNAPSHOTS_TABLE, day) / ARCHIVE_FILENAME
    with duckdb.connect() as conn:
        archive_rows = conn.execute("select count(*) from read_parquet(?)", [str(archive_file)]).fetchone()[0]
    report["archive_parquet"] = _per_row(archive_rows, archive_file.stat().st_size)

    with duckdb.connect() as conn:
        # the warehouse attached read-only under its own name (dbt's views name their catalog),
        # scratch files attached read-write beside it
        conn.execute(f"attach '{small_dir / DUCKDB_FILENAME}' as observatory (read_only)")
        conn.execute("use observatory")
        conn.execute("set preserve_insertion_order = true")
        tables = {"raw.hub_model_snapshots": "select * from raw.hub_model_snapshots"}
        tables[f"{TYPED_STAGING} (typed copy)"] = f"select * from {TYPED_STAGING}"
        history_tables = [
            f"{schema}.{name}"
            for schema, name in conn.execute(
                "select distinct table_schema, table_name from information_schema.columns "
                "join information_schema.tables using (table_catalog, table_schema, table_name) "
                "where table_schema = 'intermediate' and column_name = 'snapshot_date' "
                "and table_type = 'BASE TABLE' order by 1, 2"
            ).fetchall()
        ]
        tables.update({name: f"select * from {name}" for name in history_tables})
        report["duckdb_tables"] = {
            name: _per_row(*_table_bytes(conn, scratch_dir, sql)) for name, sql in tables.items()
        }

        # where the typed copy's bytes go, column by column
        typed_path = scratch_dir / "typed.duckdb"
        typed_path.unlink(missing_ok=True)
        conn.execute(f"attach '{typed_path}' as typed")
        conn.execute(f"create table typed.t as select * from {TYPED_STAGING}")
        columns = [row[0] for row in conn.execute("select name from pragma_table_info('typed.t')").fetchall()]
        report["typed_copy_columns_bytes_per_row"] = {
            column: _per_row(*_table_bytes(conn, scratch_dir, f'select "{column}" from typed.t'))[
                "bytes_per_row"
            ]
            for column in columns
        }
        conn.execute("detach typed")
        typed_path.unlink(missing_ok=True)
        model_days = report["duckdb_tables"][f"{TYPED_STAGING} (typed copy)"]["rows"]

    sizes = {}
    for name, directory in (("small", small_dir), ("large", large_dir)):
        with duckdb.connect(str(directory / DUCKDB_FILENAME), read_only=True) as conn:
            sizes[name] = {
                "used_bytes": _used_bytes(conn, "observatory"),
                "file_bytes": (directory / DUCKDB_FILENAME).stat().st_size,
                "raw_rows": conn.execute("select count(*) from raw.hub_model_snapshots").fetchone()[0],
            }
    small, large = sizes["small"], sizes["large"]
    report["warehouse_growth"] = {
        "bytes_per_raw_row": round(
            (large["used_bytes"] - small["used_bytes"]) / (large["raw_rows"] - small["raw_rows"]), 1
        ),
        "small": small,
        "large": large,
    }

    typed_copy = report["duckdb_tables"][f"{TYPED_STAGING} (typed copy)"]["bytes_per_row"]
    history_bytes = sum(report["duckdb_tables"][name]["bytes"] for name in history_tables)
    history_per_model_day = round(history_bytes / model_days, 1) if model_days else None
    report["typed_bytes_per_model_day"] = {
        "typed_staging_copy": typed_copy,
        "intermediate_history_tables": history_per_model_day,
        "history_tables": history_tables,
    }
    report["targets"] = {
        "typed_staging_copy": {
            "target": f"< {TARGET_TYPED_BYTES_PER_MODEL_DAY:g} B/model-day",
            "pass": typed_copy is not None and typed_copy < TARGET_TYPED_BYTES_PER_MODEL_DAY,
        },
        "intermediate_history_tables": {
            "target": f"< {TARGET_TYPED_BYTES_PER_MODEL_DAY:g} B/model-day",
            "pass": history_per_model_day is not None
            and history_per_model_day < TARGET_TYPED_BYTES_PER_MODEL_DAY,
        },
    }
    return report
