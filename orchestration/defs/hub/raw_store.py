"""The raw layer: Hub records as received, archived as Parquet, loaded into DuckDB schema `raw`.

A snapshot travels spool -> archive -> warehouse:
1. pages are appended to a local NDJSON spool while listings are crawled (memory stays bounded,
   and nothing reaches the warehouse until every listing of the day is complete);
2. the spool becomes the day's immutable Parquet partition under
   `archive/<table>/snapshot_date=YYYY-MM-DD/` (temporary name, fsync, atomic rename), an
   engine-neutral copy any other engine can read;
3. the warehouse partition is replaced from that Parquet in one transaction.
`make rebuild` replays step 3 for every archived date, so the archive alone can recreate `raw`.

A process killed anywhere leaves at worst a spool directory or a `.data.parquet.<pid>.tmp` file,
never a partial partition: the three tables' files of one snapshot carry one batch id (Parquet
key-value metadata), are all written before any is renamed, and a date counts as archived only when
its three files exist with the same batch id. The next ingestion removes the leftovers of dead
processes (`remove_orphans`).
"""

import json
import os
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

from orchestration.defs.hub.record_validation import rejection_reason
from orchestration.warehouse import process_alive, sql_path

SNAPSHOTS_TABLE = "hub_model_snapshots"
LISTING_RUNS_TABLE = "hub_listing_runs"
REJECTED_TABLE = "rejected_records"

RAW_TABLE_COLUMNS: dict[str, dict[str, str]] = {
    SNAPSHOTS_TABLE: {
        "snapshot_date": "DATE",
        "listing": "VARCHAR",
        "rank": "INTEGER",
        "fetched_at": "TIMESTAMPTZ",
        "model_id": "VARCHAR",
        "record": "JSON",
    },
    LISTING_RUNS_TABLE: {
        "snapshot_date": "DATE",
        "listing": "VARCHAR",
        "sort": "VARCHAR",
        "requested_n": "INTEGER",
        "received_n": "INTEGER",
        "unique_n": "INTEGER",
        "rejected_n": "INTEGER",
        "exhausted": "BOOLEAN",
        "requests": "INTEGER",
        "started_at": "TIMESTAMPTZ",
        "finished_at": "TIMESTAMPTZ",
        "endpoint": "VARCHAR",
    },
    REJECTED_TABLE: {
        "snapshot_date": "DATE",
        "listing": "VARCHAR",
        "rank": "INTEGER",
        "fetched_at": "TIMESTAMPTZ",
        "reason": "VARCHAR",
        "payload": "VARCHAR",
    },
}

# The census's tables (orchestration/defs/hub/census.py): a census's models with the snapshot's
# columns (listing `census`), its rejected records, one row per census run.
CENSUS_TABLE = "hub_model_census"
CENSUS_REJECTED_TABLE = "hub_model_census_rejected"
CENSUS_RUNS_TABLE = "hub_census_runs"
CENSUS_TABLE_COLUMNS: dict[str, dict[str, str]] = {
    CENSUS_TABLE: RAW_TABLE_COLUMNS[SNAPSHOTS_TABLE],
    CENSUS_REJECTED_TABLE: RAW_TABLE_COLUMNS[REJECTED_TABLE],
    CENSUS_RUNS_TABLE: {
        "snapshot_date": "DATE",
        "sort": "VARCHAR",
        "received_n": "BIGINT",
        "unique_n": "BIGINT",
        "rejected_n": "BIGINT",
        "exhausted": "BOOLEAN",
        "requests": "INTEGER",
        "pages": "INTEGER",
        "parts": "INTEGER",
        "started_at": "TIMESTAMPTZ",
        "finished_at": "TIMESTAMPTZ",
        "endpoint": "VARCHAR",
    },
}


# Archive files are renamed into place in this order: the snapshots table, which `archived_dates`
# lists, comes last.
ARCHIVE_RENAME_ORDER = (REJECTED_TABLE, LISTING_RUNS_TABLE, SNAPSHOTS_TABLE)
# Parquet key-value metadata naming the snapshot a file belongs to.
BATCH_KEY = "slm_obs_batch"
ARCHIVE_FILENAME = "data.parquet"
SPOOL_DIRNAME = ".spool"
_TMP_PREFIX = ".data.parquet."
_TMP_SUFFIX = ".tmp"

# The snapshot date lives in the Hive partition path, not in the files.
ARCHIVE_ORDER = {
    SNAPSHOTS_TABLE: "listing, rank",
    LISTING_RUNS_TABLE: "listing",
    REJECTED_TABLE: "listing, rank",
}


def ensure_tables(conn: duckdb.DuckDBPyConnection, table_columns: dict[str, dict[str, str]]) -> None:
    """Create schema `raw` and each table of `table_columns` (name -> {column: type}) if absent."""
    conn.execute("create schema if not exists raw")
    for table, columns in table_columns.items():
        column_sql = ", ".join(f"{name} {sql_type}" for name, sql_type in columns.items())
        conn.execute(f"create table if not exists raw.{table} ({column_sql})")


def ensure_raw_tables(conn: duckdb.DuckDBPyConnection) -> None:
    """Every raw table, the census's included: dbt reads them all as sources, and a warehouse
    that never took a census must still build (its census tables are then empty)."""
    ensure_tables(conn, RAW_TABLE_COLUMNS | CENSUS_TABLE_COLUMNS)


def replace_partition(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    columns: Iterable[str],
    snapshot_date: date,
    parquet_files: list[Path],
) -> None:
    """Delete `raw.<table>`'s rows of `snapshot_date` and insert those of `parquet_files` (the
    date taken from the argument: the archive keeps it in the Hive path, not in the files).

    Runs inside the caller's transaction, which commits or rolls back the whole partition.
    """
    conn.execute(f"delete from raw.{table} where snapshot_date = ?", [snapshot_date])
    if not parquet_files:
        return
    names = list(columns)
    select = ", ".join("?::date" if name == "snapshot_date" else name for name in names)
    conn.execute(
        f"insert into raw.{table} ({', '.join(names)}) select {select} from read_parquet(?)",
        [snapshot_date, [str(path) for path in parquet_files]],
    )


def completeness_share(requested_n: int, received_n: int, unique_n: int, exhausted: bool) -> float:
    """Distinct valid models over what the listing should hold (all it served, if it ran out).

    The one definition: the ingestion refuses a thin day with it, the asset check reports it.
    """
    expected = received_n if exhausted else requested_n
    return unique_n / expected if expected else 1.0


@dataclass
class ListingRun:
    snapshot_date: date
    listing: str
    sort: str
    requested_n: int
    endpoint: str
    started_at: datetime
    finished_at: datetime | None = None
    received_n: int = 0
    rejected_n: int = 0
    requests: int = 0
    exhausted: bool = False  # the Hub had no further page before `requested_n` models
    model_ids: set[str] = field(default_factory=set)

    @property
    def unique_n(self) -> int:
        return len(self.model_ids)

    @property
    def duplicate_n(self) -> int:
        """Valid records that repeat a model already received in this listing."""
        return self.received_n - self.rejected_n - self.unique_n

    @property
    def completeness(self) -> float:
        return completeness_share(self.requested_n, self.received_n, self.unique_n, self.exhausted)

    def as_row(self) -> dict:
        return {
            "snapshot_date": self.snapshot_date.isoformat(),
            "listing": self.listing,
            "sort": self.sort,
            "requested_n": self.requested_n,
            "received_n": self.received_n,
            "unique_n": self.unique_n,
            "rejected_n": self.rejected_n,
            "exhausted": self.exhausted,
            "requests": self.requests,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "endpoint": self.endpoint,
        }


class SnapshotSpool:
    """One partition's records on local disk, as newline-delimited JSON, until it is complete."""

    def __init__(self, directory: Path, snapshot_date: date) -> None:
        self.directory = directory
        self.snapshot_date = snapshot_date
        directory.mkdir(parents=True, exist_ok=True)
        self.paths = {table: directory / f"{table}.ndjson" for table in RAW_TABLE_COLUMNS}
        self._records = self.paths[SNAPSHOTS_TABLE].open("w", encoding="utf-8")
        self._rejected = self.paths[REJECTED_TABLE].open("w", encoding="utf-8")
        self.runs: list[ListingRun] = []

    def add_page(self, run: ListingRun, items: Iterable, fetched_at: datetime) -> None:
        """Append a page: valid records to the snapshot, the others to quarantine with a reason."""
        for item in items:
            run.received_n += 1
            row = {"listing": run.listing, "rank": run.received_n, "fetched_at": fetched_at.isoformat()}
            reason = rejection_reason(item)
            if reason is None:
                run.model_ids.add(item["id"])
                row.update(model_id=item["id"], record=item)
                _write_line(self._records, row)
            else:
                run.rejected_n += 1
                row.update(reason=reason, payload=json.dumps(item, ensure_ascii=False))
                _write_line(self._rejected, row)

    def close(self) -> None:
        self._records.close()
        self._rejected.close()
        with self.paths[LISTING_RUNS_TABLE].open("w", encoding="utf-8") as runs:
            for run in self.runs:
                _write_line(runs, run.as_row())

    def discard(self) -> None:
        self._records.close()
        self._rejected.close()
        shutil.rmtree(self.directory, ignore_errors=True)


def _write_line(handle, row: dict) -> None:
    handle.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")


def partition_dir(archive_dir: Path, table: str, snapshot_date: date) -> Path:
    return archive_dir / table / f"snapshot_date={snapshot_date.isoformat()}"


def archived_dates(archive_dir: Path) -> list[date]:
    """Dates whose archive is complete: every table's file present, all of one batch."""
    return [day for day in _dates_with_snapshots(archive_dir) if archive_batch(archive_dir, day) is not None]


def incomplete_archive_dates(archive_dir: Path) -> list[date]:
    """Dates with a snapshots file but not a complete archive (only after a manual edit, or a crash
    between two renames of a re-run)."""
    return [day for day in _dates_with_snapshots(archive_dir) if archive_batch(archive_dir, day) is None]


def _dates_with_snapshots(archive_dir: Path) -> list[date]:
    table_dir = archive_dir / SNAPSHOTS_TABLE
    if not table_dir.is_dir():
        return []
    return sorted(
        date.fromisoformat(child.name.removeprefix("snapshot_date="))
        for child in table_dir.iterdir()
        if child.name.startswith("snapshot_date=") and (child / ARCHIVE_FILENAME).is_file()
    )


def archive_batch(archive_dir: Path, snapshot_date: date) -> str | None:
    """The batch id shared by the day's archive files, or None when the archive is not complete.

    Files archived before batch ids existed have none: three such files count as one batch ("").
    """
    paths = [
        partition_dir(archive_dir, table, snapshot_date) / ARCHIVE_FILENAME for table in RAW_TABLE_COLUMNS
    ]
    if not all(path.is_file() for path in paths):
        return None
    with duckdb.connect() as scratch:
        batches = {
            dict(
                scratch.execute(
                    "select key::varchar, value::varchar from parquet_kv_metadata(?)", [str(path)]
                ).fetchall()
            ).get(BATCH_KEY, "")
            for path in paths
        }
    return batches.pop() if len(batches) == 1 else None


class ArchiveIncomplete(RuntimeError):
    """A date's archive files are missing or belong to different snapshots."""


def archive_spool(spool: SnapshotSpool, archive_dir: Path) -> str:
    """Publish the spool as the day's Parquet partitions; returns the batch id.

    Every table's file is written and synced under a temporary name first; only then are they
    renamed into place, the snapshots table last.
    """
    spool.close()
    batch = uuid.uuid4().hex
    staged: dict[str, Path] = {}
    with duckdb.connect() as scratch:
        for table, source in spool.paths.items():
            target_dir = partition_dir(archive_dir, table, spool.snapshot_date)
            target_dir.mkdir(parents=True, exist_ok=True)
            tmp_path = target_dir / f"{_TMP_PREFIX}{os.getpid()}{_TMP_SUFFIX}"
            columns = {
                name: sql_type
                for name, sql_type in RAW_TABLE_COLUMNS[table].items()
                if name != "snapshot_date"
            }
            scratch.execute(
                f"copy (select * from read_json(?, format='newline_delimited', "
                f"columns={_struct_literal(columns)}) order by {ARCHIVE_ORDER[table]}) "
                f"to '{sql_path(tmp_path)}' (format parquet, compression zstd, "
                f"kv_metadata {{{BATCH_KEY}: '{batch}'}})",
                [str(source)],
            )
            staged[table] = tmp_path
    for table in ARCHIVE_RENAME_ORDER:
        fsync_and_rename(staged[table], staged[table].parent / ARCHIVE_FILENAME)
    return batch


def remove_orphans(warehouse_root: Path, archive_dir: Path) -> list[Path]:
    """Delete spool directories and temporary archive files left by processes that are gone.

    Their names carry the writing process's pid; a live process's leftovers (another run writing
    right now) are never touched. Returns what was removed.
    """
    removed: list[Path] = []
    spool_root = warehouse_root / SPOOL_DIRNAME
    if spool_root.is_dir():
        for child in spool_root.iterdir():
            pid = _pid_in(child.name.rsplit("-", 2)[1] if child.name.count("-") >= 2 else "")
            if child.is_dir() and pid is not None and not process_alive(pid):
                shutil.rmtree(child, ignore_errors=True)
                removed.append(child)
    if archive_dir.is_dir():
        for tmp in archive_dir.glob(f"*/snapshot_date=*/{_TMP_PREFIX}*{_TMP_SUFFIX}"):
            pid = _pid_in(tmp.name.removeprefix(_TMP_PREFIX).removesuffix(_TMP_SUFFIX))
            if pid is not None and not process_alive(pid):
                tmp.unlink(missing_ok=True)
                removed.append(tmp)
    return removed


def spool_dir(warehouse_root: Path, snapshot_date: date) -> Path:
    """A fresh spool directory for one partition, named after the date and this process."""
    name = f"{snapshot_date.isoformat()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    return warehouse_root / SPOOL_DIRNAME / name


def _pid_in(text: str) -> int | None:
    return int(text) if text.isdigit() else None


class WarehouseKindMismatch(RuntimeError):
    """Simulated and live snapshots must never share a warehouse."""


def claim_warehouse(conn: duckdb.DuckDBPyConnection, hub_kind: str) -> None:
    """Mark an empty warehouse as holding `hub_kind` data, or refuse if it holds the other kind."""
    conn.execute("create schema if not exists raw")
    conn.execute(
        "create table if not exists raw.warehouse_identity (hub_kind varchar, claimed_at timestamptz)"
    )
    row = conn.execute("select hub_kind from raw.warehouse_identity").fetchone()
    if row is None:
        conn.execute("insert into raw.warehouse_identity values (?, current_timestamp)", [hub_kind])
    elif row[0] != hub_kind:
        raise WarehouseKindMismatch(
            f"this warehouse holds {row[0]} Hub data; refusing to add {hub_kind} data. "
            "Point SLM_OBS_WAREHOUSE_DIR at another directory (the demo uses warehouse/demo)."
        )


def newest_created_at_before(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> str | None:
    """The newest `createdAt` seen by the `new` listing of an earlier snapshot, if any."""
    exists = conn.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = ?",
        [SNAPSHOTS_TABLE],
    ).fetchone()[0]
    if not exists:
        return None
    return conn.execute(
        "select max(record ->> '$.createdAt') from raw.hub_model_snapshots "
        "where listing = 'new' and snapshot_date < ?",
        [snapshot_date],
    ).fetchone()[0]


def unloaded_archived_dates(conn: duckdb.DuckDBPyConnection, archive_dir: Path) -> list[date]:
    """Dates archived whole but absent from the warehouse: the load failed after the archive was
    written (the DuckDB file held by another process, the process killed between the two)."""
    loaded: set[date] = set()
    exists = conn.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = ?",
        [LISTING_RUNS_TABLE],
    ).fetchone()[0]
    if exists:
        dates = conn.execute(f"select distinct snapshot_date from raw.{LISTING_RUNS_TABLE}").fetchall()
        loaded = {day for (day,) in dates}
    return [
        day
        for day in _dates_with_snapshots(archive_dir)
        if day not in loaded and archive_batch(archive_dir, day) is not None
    ]


def load_partition_from_archive(
    conn: duckdb.DuckDBPyConnection, archive_dir: Path, snapshot_date: date
) -> dict[str, int]:
    """Replace the warehouse's rows for `snapshot_date` with the archived ones, in one transaction."""
    if archive_batch(archive_dir, snapshot_date) is None:
        raise ArchiveIncomplete(
            f"the archive of {snapshot_date} under {archive_dir} is incomplete: run that partition again"
        )
    ensure_raw_tables(conn)
    counts: dict[str, int] = {}
    conn.execute("begin transaction")
    try:
        for table in RAW_TABLE_COLUMNS:
            parquet = partition_dir(archive_dir, table, snapshot_date) / ARCHIVE_FILENAME
            replace_partition(conn, table, RAW_TABLE_COLUMNS[table], snapshot_date, [parquet])
            counts[table] = conn.execute(
                f"select count(*) from raw.{table} where snapshot_date = ?", [snapshot_date]
            ).fetchone()[0]
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return counts


def _struct_literal(columns: dict[str, str]) -> str:
    return "{" + ", ".join(f"'{name}': '{sql_type}'" for name, sql_type in columns.items()) + "}"


def fsync_and_rename(tmp_path: Path, final_path: Path) -> None:
    with tmp_path.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp_path, final_path)
    fsync_directory(final_path.parent)


def fsync_directory(path: Path) -> None:
    """Make the renames inside `path` durable."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
