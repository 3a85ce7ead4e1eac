"""The ingestion asset: one daily snapshot of the Hub's most-downloaded models."""

import math
from datetime import UTC, date, datetime, timedelta

import dagster as dg

from orchestration.defs.hub.hub_client import REQUESTS_SENT, HubClientResource
from orchestration.defs.hub.listings import (
    ListingSpec,
    leading_pipeline_tags,
    new_models_listing,
    pipeline_tag_listing,
    top_listing,
)
from orchestration.defs.hub.raw_store import (
    REJECTED_TABLE,
    SNAPSHOTS_TABLE,
    ListingRun,
    SnapshotSpool,
    archive_spool,
    claim_warehouse,
    load_partition_from_archive,
    newest_created_at_before,
    remove_orphans,
    spool_dir,
    unloaded_archived_dates,
)
from orchestration.markdown import escape_markdown
from orchestration.names import WAREHOUSE_POOL
from orchestration.partitions import daily_partitions
from orchestration.step_retries import retry_only_transient_failures
from orchestration.warehouse import WarehouseResource


@dg.asset(
    key=["raw", "hub_model_snapshots"],
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="ingestion",
    kinds={"python", "duckdb", "parquet"},
    pool=WAREHOUSE_POOL,
)
def hub_model_snapshots(
    context: dg.AssetExecutionContext, hub: HubClientResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Daily snapshot of the Hub's top N models by downloads and the top M of each leading pipeline tag."""
    with retry_only_transient_failures(context):
        return _snapshot_days(context, hub, warehouse)


def _snapshot_days(
    context: dg.AssetExecutionContext, hub: HubClientResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    window = context.partition_time_window
    days = [window.start.date() + timedelta(days=i) for i in range((window.end - window.start).days)]
    # A run killed earlier (SIGKILL, OOM) may have left a spool or a temporary archive file.
    for orphan in remove_orphans(warehouse.root, warehouse.archive_dir):
        context.log.info(f"removed {orphan.relative_to(warehouse.root)}, left by a process that is gone")
    caught_up = _load_missed_days(context, hub, warehouse, skip=days)
    summaries = []
    started = datetime.now(UTC)
    for done, day in enumerate(days, start=1):
        summaries.append(_snapshot_one_day(context, hub, warehouse, day))
        if len(days) > 1:  # a backfill: how far through its days, and when it should end
            elapsed = (datetime.now(UTC) - started).total_seconds()
            context.log.info(
                f"backfill: {done}/{len(days)} days snapshotted, {elapsed:.0f} s elapsed, "
                f"ETA {elapsed / done * (len(days) - done):.0f} s"
            )
    last = summaries[-1]
    return dg.MaterializeResult(
        metadata={
            "snapshot_dates": dg.MetadataValue.text(", ".join(s["snapshot_date"] for s in summaries)),
            "rows": dg.MetadataValue.int(sum(s["rows"] for s in summaries)),
            "rejected_records": dg.MetadataValue.int(sum(s["rejected"] for s in summaries)),
            "list_requests": dg.MetadataValue.int(sum(s["requests"] for s in summaries)),
            "listings": dg.MetadataValue.int(last["listings"]),
            # the thinnest listing of the last day: below `min_completeness` nothing is written
            "completeness": dg.MetadataValue.float(round(min(run.completeness for run in last["runs"]), 4)),
            "page_size": dg.MetadataValue.int(hub.page_size),
            "per_listing": dg.MetadataValue.md(_listing_table(last)),
            "top_models": dg.MetadataValue.md(_top_models_table(last)),
            "archive": dg.MetadataValue.path(str(warehouse.archive_dir)),
            "caught_up_dates": dg.MetadataValue.text(", ".join(day.isoformat() for day in caught_up)),
        }
    )


def _load_missed_days(
    context: dg.AssetExecutionContext, hub: HubClientResource, warehouse: WarehouseResource, skip: list[date]
) -> list[date]:
    """Load the days an earlier run archived but never loaded (its load failed on a lock, or the
    process died between the archive and the load), so the next run catches up without anyone
    acting; the dbt assets then build every date not built yet (orchestration/built_dates.py).
    The run's own days are left out: they are crawled again."""
    if not warehouse.archive_dir.is_dir():
        return []
    with warehouse.connect() as conn:
        missed = [day for day in unloaded_archived_dates(conn, warehouse.archive_dir) if day not in skip]
        if missed:
            claim_warehouse(conn, hub_kind="live" if hub.is_live else "simulated")
        for day in missed:
            counts = load_partition_from_archive(conn, warehouse.archive_dir, day)
            context.log.warning(
                f"catching up {day}: archived by an earlier run but missing from the warehouse; "
                f"loaded {counts[SNAPSHOTS_TABLE]} rows from the archive"
            )
    return missed


# How many of the day's most-downloaded models the asset's metadata lists.
TOP_MODELS_SHOWN = 10


class IncompleteSnapshot(RuntimeError):
    """A listing holds too few distinct valid models; the partition is not written."""


def _snapshot_one_day(
    context: dg.AssetExecutionContext, hub: HubClientResource, warehouse: WarehouseResource, day: date
) -> dict:
    endpoint = hub.endpoint_for(day)
    spool = SnapshotSpool(spool_dir(warehouse.root, day), day)
    try:
        top_records: list[dict] = []
        _crawl(context, hub, spool, endpoint, top_listing(hub.top_n), keep=top_records)
        for tag in leading_pipeline_tags(top_records, hub.n_tags):
            _crawl(context, hub, spool, endpoint, pipeline_tag_listing(tag, hub.per_tag_n))
        top_models = [record for record in top_records if isinstance(record.get("id"), str)]
        top_models = top_models[:TOP_MODELS_SHOWN]
        del top_records
        _crawl(
            context,
            hub,
            spool,
            endpoint,
            new_models_listing(hub.new_models_max),
            created_after=_previous_newest_model(warehouse, day),
        )
        _check_completeness(spool.runs, hub.min_completeness)
        archive_spool(spool, warehouse.archive_dir)
        with warehouse.connect() as conn:
            claim_warehouse(conn, hub_kind="live" if hub.is_live else "simulated")
            counts = load_partition_from_archive(conn, warehouse.archive_dir, day)
    finally:
        spool.discard()
    context.log.info(
        f"{day}: {counts[SNAPSHOTS_TABLE]} rows, {counts[REJECTED_TABLE]} rejected, "
        f"{len(spool.runs)} listings"
    )
    return {
        "snapshot_date": day.isoformat(),
        "rows": counts[SNAPSHOTS_TABLE],
        "rejected": counts[REJECTED_TABLE],
        "requests": sum(run.requests for run in spool.runs),
        "listings": len(spool.runs),
        "runs": spool.runs,
        "top_models": top_models,
    }


def _previous_newest_model(warehouse: WarehouseResource, day: date) -> str | None:
    if not warehouse.duckdb_path.exists():
        return None
    with warehouse.connect(read_only=True) as conn:
        return newest_created_at_before(conn, day)


def _crawl(
    context: dg.AssetExecutionContext,
    hub: HubClientResource,
    spool: SnapshotSpool,
    endpoint: str,
    spec: ListingSpec,
    keep: list | None = None,
    created_after: str | None = None,
) -> None:
    """Fetch one listing into the spool, logging progress page by page.

    With `created_after` (the `new` listing), the crawl stops after the page that reaches models
    an earlier snapshot already saw: the overlap is kept, nothing newer is missed.
    """
    run = ListingRun(
        snapshot_date=spool.snapshot_date,
        listing=spec.name,
        sort=spec.sort,
        requested_n=spec.limit,
        endpoint=endpoint,
        started_at=datetime.now(UTC),
    )
    expected_pages = math.ceil(spec.limit / hub.page_size)
    requests_before = REQUESTS_SENT.count
    reached_known_models = False
    held = 0
    for page_number, page in enumerate(hub.iter_listing_pages(endpoint, spec), start=1):
        spool.add_page(run, page.items, page.received_at)
        held = page.held
        if keep is not None:
            keep.extend(item for item in page.items if isinstance(item, dict))
        context.log.info(_progress(spool.snapshot_date, spec, run, page_number, expected_pages))
        if created_after is not None and any(
            isinstance(item, dict) and str(item.get("createdAt", "")) <= created_after for item in page.items
        ):
            reached_known_models = True
            break
    run.requests = REQUESTS_SENT.count - requests_before
    # Fewer distinct models than asked: the Hub had no further page (a small tag's listing).
    run.exhausted = reached_known_models or held < spec.limit
    run.finished_at = datetime.now(UTC)
    spool.runs.append(run)


def _progress(day: date, spec: ListingSpec, run: ListingRun, page: int, expected_pages: int) -> str:
    elapsed = (datetime.now(UTC) - run.started_at).total_seconds()
    eta = elapsed / page * max(expected_pages - page, 0)
    return (
        f"{day} {spec.name}: page {page}/{expected_pages}, {run.received_n}/{spec.limit} models, "
        f"{elapsed:.1f} s elapsed, ETA {eta:.1f} s"
    )


def _check_completeness(runs: list[ListingRun], minimum: float) -> None:
    """Fail the day when a listing holds too few distinct valid models, or repeated so many that it
    probably skipped as many: the crawl fetches past repeats, but a model a rank shift moved over a
    page edge the other way is never seen, and each repeat is the trace of such a shift."""
    thin = [
        run for run in runs if run.completeness < minimum or run.duplicate_n > (1 - minimum) * run.requested_n
    ]
    if thin:
        details = "; ".join(
            f"{run.listing}: {run.unique_n} distinct valid of {run.requested_n} requested "
            f"({run.completeness:.1%}, {run.rejected_n} rejected, "
            f"{run.duplicate_n} duplicates)"
            for run in thin
        )
        raise IncompleteSnapshot(
            f"snapshot below the {minimum:.0%} completeness bound, nothing written: {details}"
        )


def _listing_table(summary: dict) -> str:
    lines = [
        f"Listings of {summary['snapshot_date']}",
        "",
        "| listing | requested | received | unique | rejected | completeness | requests |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {escape_markdown(run.listing)} | {run.requested_n} | {run.received_n} | {run.unique_n} "
        f"| {run.rejected_n} | {run.completeness:.1%} | {run.requests} |"
        for run in summary["runs"]
    ]
    return "\n".join(lines)


def _top_models_table(summary: dict) -> str:
    lines = [
        f"Most-downloaded models of {summary['snapshot_date']} (30-day downloads as the Hub reports them)",
        "",
        "| rank | model | downloads (30 days) | pipeline tag |",
        "| ---: | --- | ---: | --- |",
    ]
    lines += [
        f"| {rank} | {escape_markdown(record['id'])} | {_count(record.get('downloads'))} "
        f"| {escape_markdown(str(record.get('pipeline_tag') or ''))} |"
        for rank, record in enumerate(summary["top_models"], start=1)
    ]
    return "\n".join(lines)


def _count(value) -> str:
    return f"{value:,}" if isinstance(value, int) else "?"
