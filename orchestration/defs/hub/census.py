"""The census: every model on the Hub, paged by creation date, streamed to disk in bounded parts.

The daily snapshot keeps the most downloaded models; a census lists all of them (about 2 M on the
live Hub), the unbiased population behind the shares the marts compute. It is its own Dagster
asset, `raw/hub_model_census`, partitioned daily like the snapshot, run by the job `hub_census`
(then the dbt census models) on `weekly_census_schedule` (orchestration/defs/schedules.py).

Pacing: one page request every `CensusConfig.min_request_interval_s` at most, by default the
interval that spends 80 % of the Hub's published quota for the client (anonymous, or a free
token in HF_TOKEN); a 429 is waited out as the Hub asks, and once the waits pass
`rate_limit_wait_budget_s` the census fails (`CensusRateLimited`) writing nothing. The
arithmetic for the live Hub is in docs/reliability.md ("The census and the Hub's rate limit").

One listing, sorted by `createdAt` (newest first; stable under changing download counts, so a
cursor neither skips nor repeats a model: shared/notes/hub-api.md), through the same page loop as
the snapshot (`HubClientResource.iter_listing_pages`: one request per page of `page_size` models,
huggingface_hub's retries, 429s waited out), run in a thread that stays `READ_AHEAD_PAGES` pages
ahead so the next requests wait on the network while a page is stored. Memory stays bounded
whatever the Hub's size:
1. pages go through `SnapshotSpool` (the snapshot's validation and quarantine) into a part of
   `pages_per_part` pages; a full part becomes a Parquet file through `archive_spool` (zstd,
   fsync, batch id) and its spool is deleted, so at most one part is ever on disk as NDJSON and
   a few pages are in memory;
2. when the listing has no next page, the date's part files are published as one directory per
   table, `archive/hub_model_census/snapshot_date=YYYY-MM-DD/part-NNNNN.parquet` (each directory
   renamed into place whole; rejected records beside them under `hub_model_census_rejected`, the
   run's row of raw.hub_census_runs under `hub_census_runs`, published first);
3. the warehouse partition (`raw.hub_model_census`, the columns of `raw.hub_model_snapshots`
   with listing `census`) is replaced from those files in one transaction, DuckDB streaming them
   under a memory limit; `raw.hub_census_runs` gets the run's row.
A census killed before step 2 leaves only a spool directory, removed by the next ingestion
(`remove_orphans`); the archive and the warehouse keep the previous census of that date, if any.
A load that fails after step 2 (the DuckDB file held too long) leaves the new census archived and
the previous one in the warehouse; materialising the partition again crawls again.

The census does not take the "warehouse" pool: a crawl of the live Hub lasts long (2,000 pages,
rate-limited), and the daily snapshot must not wait for it. It opens the DuckDB file only for its
final load, waiting up to `warehouse_wait_s` for another writer to finish.
"""

import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from queue import Empty, Full, Queue

import dagster as dg
import duckdb
from huggingface_hub.errors import HfHubHTTPError

from orchestration.defs.hub.hub_client import (
    REQUESTS_SENT,
    HubClientResource,
    Page,
    RateLimitBudgetExceeded,
    paced_interval_s,
)
from orchestration.defs.hub.listings import ListingSpec
from orchestration.defs.hub.raw_store import (
    ARCHIVE_FILENAME,
    CENSUS_REJECTED_TABLE,
    CENSUS_RUNS_TABLE,
    CENSUS_TABLE,
    CENSUS_TABLE_COLUMNS,
    REJECTED_TABLE,
    SNAPSHOTS_TABLE,
    ListingRun,
    SnapshotSpool,
    archive_spool,
    claim_warehouse,
    ensure_tables,
    fsync_and_rename,
    fsync_directory,
    partition_dir,
    remove_orphans,
    replace_partition,
    spool_dir,
)
from orchestration.partitions import daily_partitions
from orchestration.step_retries import retry_only_transient_failures
from orchestration.warehouse import WarehouseResource, sql_path

CENSUS_LISTING = "census"
CENSUS_SORT = "createdAt"
# Where each archived table's part comes from in a part's `archive_spool` output.
_PART_SOURCES = {CENSUS_TABLE: SNAPSHOTS_TABLE, CENSUS_REJECTED_TABLE: REJECTED_TABLE}
# The run's row of raw.hub_census_runs, archived beside its parts (without snapshot_date, which is
# in the partition's path, and with unique_n null: a load counts it from the rows it loaded).
RUN_FILENAME = "run.parquet"
# Published before the parts: the census table's directory is what marks a date as archived
# (`archived_census_dates`), so an archived census always has its run's row.
_PUBLISH_ORDER = (CENSUS_RUNS_TABLE, *_PART_SOURCES)

# Pages fetched ahead of the one being stored (about 4 MB each once parsed).
READ_AHEAD_PAGES = 4
# DuckDB's buffer pool during the final load (it spills beyond): the census process stays small.
LOAD_MEMORY_LIMIT = "256MB"


def census_listing(max_models: int | None = None) -> ListingSpec:
    """Every model, newest first; `max_models` caps it (tests, benchmarks)."""
    return ListingSpec(name=CENSUS_LISTING, sort=CENSUS_SORT, limit=max_models or sys.maxsize)


@dataclass
class CensusRun:
    snapshot_date: date
    endpoint: str
    started_at: datetime
    finished_at: datetime | None = None
    received_n: int = 0
    unique_n: int = 0
    rejected_n: int = 0
    requests: int = 0
    pages: int = 0
    parts: int = 0
    exhausted: bool = False  # the Hub had no further page: every model was listed
    crawl_s: float = 0.0
    load_s: float = 0.0
    rate_limited_requests: int = 0
    rate_limit_waited_s: float = 0.0

    def as_row(self) -> list:
        return [
            self.snapshot_date,
            CENSUS_SORT,
            self.received_n,
            self.unique_n,
            self.rejected_n,
            self.exhausted,
            self.requests,
            self.pages,
            self.parts,
            self.started_at,
            self.finished_at,
            self.endpoint,
        ]


class _Part:
    """A spool of at most `pages_per_part` pages whose ranks continue the census's."""

    def __init__(self, work_dir: Path, number: int, run: CensusRun, spec: ListingSpec):
        self.number = number
        self.directory = work_dir / f"part-{number:05d}"
        self.spool = SnapshotSpool(self.directory / "spool", run.snapshot_date)
        # A run per part: its set of model ids stays as small as the part.
        self.listing_run = ListingRun(
            snapshot_date=run.snapshot_date,
            listing=spec.name,
            sort=spec.sort,
            requested_n=spec.limit,
            endpoint=run.endpoint,
            started_at=datetime.now(UTC),
            received_n=run.received_n,
        )
        self.pages = 0

    def add_page(self, items: list, fetched_at: datetime) -> None:
        self.spool.add_page(self.listing_run, items, fetched_at)
        self.pages += 1

    def archive(self, staged_dir: Path) -> None:
        """Write the part as Parquet (the snapshot's archive step), keep its files, drop the rest."""
        part_archive = self.directory / "archive"
        archive_spool(self.spool, part_archive)
        for table, source in _PART_SOURCES.items():
            target = staged_dir / table / f"part-{self.number:05d}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(
                partition_dir(part_archive, source, self.spool.snapshot_date) / ARCHIVE_FILENAME, target
            )
        shutil.rmtree(self.directory, ignore_errors=True)


_END = object()


class CensusRateLimited(RuntimeError):
    """The Hub's quota stayed exhausted past the census's wait budget: nothing was written."""


def read_ahead(pages: Iterator[Page], depth: int) -> Iterator[Page]:
    """`pages`, fetched by a thread up to `depth` pages ahead of the caller.

    The next request then waits on the network while the caller validates, spools and archives
    the current page (a part's Parquet write takes several pages' time). At most `depth` pages
    are held in memory; an error of the page loop is raised here, at the page it stopped at.
    """
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.2)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for page in pages:
                if not put(page):
                    return
            put(_END)
        except BaseException as exc:  # handed to the consumer, raised there
            put(exc)

    thread = threading.Thread(target=produce, name="census-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            try:
                item = queue.get(timeout=0.2)
            except Empty:
                if not thread.is_alive() and queue.empty():
                    raise RuntimeError("the census page reader stopped without a result") from None
                continue
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def crawl_census(
    hub: HubClientResource,
    endpoint: str,
    snapshot_date: date,
    work_dir: Path,
    pages_per_part: int,
    max_models: int | None = None,
    log: Callable[[str], None] = print,
    read_ahead_pages: int = READ_AHEAD_PAGES,
) -> CensusRun:
    """Page through the census listing into Parquet part files under `work_dir / "staged"`.

    `read_ahead_pages=0` fetches each page only once the previous one is stored.
    """
    spec = census_listing(max_models)
    run = CensusRun(snapshot_date=snapshot_date, endpoint=endpoint, started_at=datetime.now(UTC))
    staged_dir = work_dir / "staged"
    requests_before = REQUESTS_SENT.count
    started = time.monotonic()
    part: _Part | None = None

    def close_part() -> None:
        nonlocal part
        part.archive(staged_dir)
        run.received_n = part.listing_run.received_n
        run.rejected_n += part.listing_run.rejected_n
        run.parts += 1
        part = None

    pages = hub.iter_listing_pages(endpoint, spec, distinct=False)
    if read_ahead_pages > 0:
        pages = read_ahead(pages, read_ahead_pages)
    try:
        for page in pages:
            if part is None:
                part = _Part(work_dir, run.parts + 1, run, spec)
            part.add_page(page.items, page.received_at)
            run.pages += 1
            run.rate_limited_requests = page.rate_limited_requests
            run.rate_limit_waited_s = page.rate_limit_waited_s
            if part.pages >= pages_per_part:
                close_part()
                elapsed = time.monotonic() - started
                log(
                    f"{snapshot_date} census: {run.received_n:,} models in {run.pages} pages, "
                    f"{run.parts} parts, {elapsed:.0f} s, {run.received_n / elapsed:,.0f} models/s, "
                    f"{run.rate_limited_requests} requests rate-limited"
                )
    except (RateLimitBudgetExceeded, HfHubHTTPError) as exc:
        status = getattr(getattr(exc, "response", None), "status_code", None)
        if isinstance(exc, HfHubHTTPError) and status != 429:
            raise
        held = run.pages * hub.page_size
        raise CensusRateLimited(
            f"census of {snapshot_date} stopped after about {held:,} models ({run.pages} pages): "
            f"{exc if isinstance(exc, RateLimitBudgetExceeded) else 'the Hub kept answering 429'}. "
            "Nothing of it was written: the archive and raw.hub_model_census keep the previous "
            "census. Run it again when the quota is free, set HF_TOKEN (a free token doubles the "
            "quota), or raise rate_limit_wait_budget_s."
        ) from exc
    if part is not None:
        close_part()
    run.requests = REQUESTS_SENT.count - requests_before
    run.exhausted = run.received_n < spec.limit
    run.crawl_s = time.monotonic() - started
    run.finished_at = datetime.now(UTC)
    return run


def stage_run_row(run: CensusRun, staged_dir: Path) -> Path:
    """The run's row of raw.hub_census_runs as a Parquet file under `staged_dir`, for the archive."""
    columns = {
        name: sql_type
        for name, sql_type in CENSUS_TABLE_COLUMNS[CENSUS_RUNS_TABLE].items()
        if name != "snapshot_date"
    }
    row = dict(zip(CENSUS_TABLE_COLUMNS[CENSUS_RUNS_TABLE], run.as_row(), strict=True))
    row["unique_n"] = None
    target = staged_dir / CENSUS_RUNS_TABLE / RUN_FILENAME
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{RUN_FILENAME}.tmp")
    select = ", ".join(f"cast(? as {sql_type}) as {name}" for name, sql_type in columns.items())
    with duckdb.connect() as scratch:
        values = [row[name] for name in columns]
        scratch.execute(f"copy (select {select}) to '{sql_path(tmp)}' (format parquet)", values)
    fsync_and_rename(tmp, target)
    return target


def publish_census(run: CensusRun, work_dir: Path, archive_dir: Path) -> dict[str, Path]:
    """Move the staged parts and the run's row into the archive as the date's partition, replacing
    an older one whole."""
    stage_run_row(run, work_dir / "staged")
    published = {}
    for table in _PUBLISH_ORDER:
        staged = work_dir / "staged" / table
        staged.mkdir(parents=True, exist_ok=True)  # a census without rejected records has none
        target = partition_dir(archive_dir, table, run.snapshot_date)
        target.parent.mkdir(parents=True, exist_ok=True)
        previous = target.with_name(f".{target.name}.{os.getpid()}.previous")
        if target.exists():
            os.replace(target, previous)
        os.replace(staged, target)
        fsync_directory(target.parent)
        shutil.rmtree(previous, ignore_errors=True)
        published[table] = target
    return published


def load_census(conn: duckdb.DuckDBPyConnection, run: CensusRun, archive_dir: Path) -> None:
    """Replace the date's census rows with the archived parts, and its run row, in one transaction."""
    ensure_tables(conn, CENSUS_TABLE_COLUMNS)
    conn.execute(f"set memory_limit = '{LOAD_MEMORY_LIMIT}'")
    day = run.snapshot_date
    conn.execute("begin transaction")
    try:
        for table in _PART_SOURCES:
            files = sorted(partition_dir(archive_dir, table, day).glob("part-*.parquet"))
            replace_partition(conn, table, CENSUS_TABLE_COLUMNS[table], day, files)
        run.unique_n = conn.execute(
            f"select count(distinct model_id) from raw.{CENSUS_TABLE} where snapshot_date = ?", [day]
        ).fetchone()[0]
        conn.execute(f"delete from raw.{CENSUS_RUNS_TABLE} where snapshot_date = ?", [day])
        placeholders = ", ".join("?" for _ in CENSUS_TABLE_COLUMNS[CENSUS_RUNS_TABLE])
        conn.execute(f"insert into raw.{CENSUS_RUNS_TABLE} values ({placeholders})", run.as_row())
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise


def archived_census_dates(archive_dir: Path) -> list[date]:
    """Census dates whose parts are in the archive (each date's directory is renamed in whole)."""
    table_dir = archive_dir / CENSUS_TABLE
    if not table_dir.is_dir():
        return []
    return sorted(
        date.fromisoformat(child.name.removeprefix("snapshot_date="))
        for child in table_dir.iterdir()
        if child.name.startswith("snapshot_date=") and any(child.glob("part-*.parquet"))
    )


def load_census_from_archive(conn: duckdb.DuckDBPyConnection, archive_dir: Path, day: date) -> int:
    """Replace the warehouse's census rows of `day` with its archived parts, and its run's row
    with the archived one (`make rebuild`), unique_n counted from the rows as the census's own
    load counts it. A census archived without its run's row leaves that table as it is. Returns
    the rows loaded."""
    ensure_tables(conn, CENSUS_TABLE_COLUMNS)
    conn.execute(f"set memory_limit = '{LOAD_MEMORY_LIMIT}'")
    run_row = partition_dir(archive_dir, CENSUS_RUNS_TABLE, day) / RUN_FILENAME
    conn.execute("begin transaction")
    try:
        for table in _PART_SOURCES:
            files = sorted(partition_dir(archive_dir, table, day).glob("part-*.parquet"))
            replace_partition(conn, table, CENSUS_TABLE_COLUMNS[table], day, files)
        if run_row.exists():
            conn.execute(f"delete from raw.{CENSUS_RUNS_TABLE} where snapshot_date = ?", [day])
            conn.execute(
                f"insert into raw.{CENSUS_RUNS_TABLE} by name "
                "select cast(? as date) as snapshot_date, * replace ("
                f"(select count(distinct model_id) from raw.{CENSUS_TABLE} where snapshot_date = ?) "
                "as unique_n) from read_parquet(?, hive_partitioning = false)",
                [day, day, str(run_row)],
            )
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return conn.execute(f"select count(*) from raw.{CENSUS_TABLE} where snapshot_date = ?", [day]).fetchone()[
        0
    ]


def take_census(
    hub: HubClientResource,
    warehouse: WarehouseResource,
    snapshot_date: date,
    pages_per_part: int,
    max_models: int | None = None,
    warehouse_wait_s: float = 1800.0,
    log: Callable[[str], None] = print,
) -> CensusRun:
    """Crawl, archive and load one census partition; see the module's docstring."""
    for orphan in remove_orphans(warehouse.root, warehouse.archive_dir):
        log(f"removed {orphan}, left by a process that is gone")
    work_dir = spool_dir(warehouse.root, snapshot_date)
    try:
        run = crawl_census(
            hub, hub.endpoint_for(snapshot_date), snapshot_date, work_dir, pages_per_part, max_models, log
        )
        publish_census(run, work_dir, warehouse.archive_dir)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    started = time.monotonic()
    with _connect_patiently(warehouse, warehouse_wait_s) as conn:
        claim_warehouse(conn, hub_kind="live" if hub.is_live else "simulated")
        load_census(conn, run, warehouse.archive_dir)
    run.load_s = time.monotonic() - started
    return run


@contextmanager
def _connect_patiently(warehouse: WarehouseResource, wait_s: float) -> Iterator[duckdb.DuckDBPyConnection]:
    """`warehouse.connect()`, tried again while another process holds the file, up to `wait_s`."""
    deadline = time.monotonic() + wait_s
    with ExitStack() as stack:
        while True:
            try:
                conn = stack.enter_context(warehouse.connect())
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(5.0)
        yield conn


class CensusConfig(dg.Config):
    """How the census pages, how fast it asks, and how long it may take.

    Pacing (docs/reliability.md, "The census and the Hub's rate limit"): the census asks at most
    one page every `min_request_interval_s`; unset, the interval that spends `quota_share` of the
    Hub's published quota for the client (500 requests per 300 s anonymous, 1,000 with a free
    token in HF_TOKEN): 0.75 s anonymous, 0.375 s with a token.
    """

    # Pages per Parquet part: the NDJSON spool on disk never holds more (1,000 models a page).
    pages_per_part: int = 20
    # None: every model. A cap, for trials and benchmarks.
    max_models: int | None = None
    # The whole listing's time budget, waits for the rate limit included (the daily listings'
    # `listing_budget_s` is sized for 10 pages, not 2,000).
    listing_budget_s: float = 6 * 3600.0
    # How long the final load waits for another process to release the DuckDB file.
    warehouse_wait_s: float = 1800.0
    # Seconds between two page requests; None: derived from the published quota (above).
    min_request_interval_s: float | None = None
    # Share of the published quota the census may spend: the rest is left to the daily
    # snapshot, the base-model fetches and anyone else behind the same IP or token.
    quota_share: float = 0.8
    # Total seconds of rate-limit waits (HTTP 429 while someone else spends the quota) the census
    # may sit through before it fails, writing nothing: three of the Hub's 300 s windows.
    rate_limit_wait_budget_s: float = 900.0


def census_hub(hub: HubClientResource, config: CensusConfig) -> HubClientResource:
    """The hub client as the census uses it: paced, with its own time and rate-limit budgets."""
    interval = config.min_request_interval_s
    if interval is None:
        interval = paced_interval_s(has_token=bool(hub.token), quota_share=config.quota_share)
    return hub.model_copy(
        update={
            "listing_budget_s": config.listing_budget_s,
            "min_request_interval_s": interval,
            "rate_limit_wait_budget_s": config.rate_limit_wait_budget_s,
        }
    )


@dg.asset(
    key=["raw", "hub_model_census"],
    partitions_def=daily_partitions,
    group_name="ingestion",
    kinds={"python", "duckdb", "parquet"},
)
def hub_model_census(
    context: dg.AssetExecutionContext,
    hub: HubClientResource,
    warehouse: WarehouseResource,
    config: CensusConfig,
) -> dg.MaterializeResult:
    """Every model on the Hub for a date (sorted by creation date), paced inside the Hub's rate
    limit, archived in Parquet parts and loaded into raw.hub_model_census (job `hub_census`,
    weekly)."""
    day = date.fromisoformat(context.partition_key)
    paced = census_hub(hub, config)
    context.log.info(
        f"census of {day}: one request every {paced.min_request_interval_s:.3f} s at most "
        f"({'token' if hub.token else 'anonymous'} quota), {paced.page_size} models a page"
    )
    with retry_only_transient_failures(context):
        run = take_census(
            paced,
            warehouse,
            day,
            pages_per_part=config.pages_per_part,
            max_models=config.max_models,
            warehouse_wait_s=config.warehouse_wait_s,
            log=context.log.info,
        )
    return dg.MaterializeResult(
        metadata={
            "snapshot_date": dg.MetadataValue.text(day.isoformat()),
            "models": dg.MetadataValue.int(run.received_n),
            "unique_models": dg.MetadataValue.int(run.unique_n),
            "rejected_records": dg.MetadataValue.int(run.rejected_n),
            "complete": dg.MetadataValue.bool(run.exhausted),
            "list_requests": dg.MetadataValue.int(run.requests),
            "pages": dg.MetadataValue.int(run.pages),
            "rate_limited_requests": dg.MetadataValue.int(run.rate_limited_requests),
            "rate_limit_wait_seconds": dg.MetadataValue.float(round(run.rate_limit_waited_s, 1)),
            "min_request_interval_seconds": dg.MetadataValue.float(paced.min_request_interval_s),
            "parts": dg.MetadataValue.int(run.parts),
            "crawl_seconds": dg.MetadataValue.float(round(run.crawl_s, 1)),
            "load_seconds": dg.MetadataValue.float(round(run.load_s, 1)),
            "models_per_second": dg.MetadataValue.float(round(run.received_n / max(run.crawl_s, 1e-9), 1)),
            "archive": dg.MetadataValue.path(str(partition_dir(warehouse.archive_dir, CENSUS_TABLE, day))),
        }
    )
