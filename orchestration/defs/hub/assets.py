"""The ingestion asset: one daily snapshot of the Hub's most-downloaded models."""

import math
import uuid
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
)
from orchestration.markdown import escape_markdown
from orchestration.partitions import daily_partitions
from orchestration.warehouse import WarehouseResource


@dg.asset(
    key=["raw", "hub_model_snapshots"],
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="ingestion",
    kinds={"python", "duckdb", "parquet"},
    pool="warehouse",
)
def hub_model_snapshots(
    context: dg.AssetExecutionContext, hub: HubClientResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Daily snapshot of the Hub's top N models by downloads and the top M of each leading pipeline tag."""
    window = context.partition_time_window
    days = [window.start.date() + timedelta(days=i) for i in range((window.end - window.start).days)]
    summaries = [_snapshot_one_day(context, hub, warehouse, day) for day in days]
    last = summaries[-1]
    return dg.MaterializeResult(
        metadata={
            "snapshot_dates": dg.MetadataValue.text(", ".join(s["snapshot_date"] for s in summaries)),
            "rows": dg.MetadataValue.int(sum(s["rows"] for s in summaries)),
            "rejected_records": dg.MetadataValue.int(sum(s["rejected"] for s in summaries)),
            "list_requests": dg.MetadataValue.int(sum(s["requests"] for s in summaries)),
            "listings": dg.MetadataValue.int(last["listings"]),
            "page_size": dg.MetadataValue.int(hub.page_size),
            "per_listing": dg.MetadataValue.md(_listing_table(last)),
            "archive": dg.MetadataValue.path(str(warehouse.archive_dir)),
        }
    )


class IncompleteSnapshot(RuntimeError):
    """A listing holds too few distinct valid models; the partition is not written."""


def _snapshot_one_day(
    context: dg.AssetExecutionContext, hub: HubClientResource, warehouse: WarehouseResource, day: date
) -> dict:
    endpoint = hub.endpoint_for(day)
    spool = SnapshotSpool(warehouse.root / ".spool" / f"{day.isoformat()}-{uuid.uuid4().hex[:8]}", day)
    try:
        top_records: list[dict] = []
        _crawl(context, hub, spool, endpoint, top_listing(hub.top_n), keep=top_records)
        for tag in leading_pipeline_tags(top_records, hub.n_tags):
            _crawl(context, hub, spool, endpoint, pipeline_tag_listing(tag, hub.per_tag_n))
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
    for page_number, page in enumerate(hub.iter_listing_pages(endpoint, spec), start=1):
        spool.add_page(run, page.items, page.received_at)
        if keep is not None:
            keep.extend(item for item in page.items if isinstance(item, dict))
        context.log.info(_progress(spool.snapshot_date, spec, run, page_number, expected_pages))
        if created_after is not None and any(
            isinstance(item, dict) and str(item.get("createdAt", "")) <= created_after for item in page.items
        ):
            reached_known_models = True
            break
    run.requests = REQUESTS_SENT.count - requests_before
    run.exhausted = reached_known_models or run.received_n < spec.limit
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
    thin = [run for run in runs if run.completeness < minimum]
    if thin:
        details = "; ".join(
            f"{run.listing}: {run.unique_n} distinct valid of {run.requested_n} requested "
            f"({run.completeness:.1%}, {run.rejected_n} rejected, "
            f"{run.received_n - run.rejected_n - run.unique_n} duplicates)"
            for run in thin
        )
        raise IncompleteSnapshot(
            f"snapshot below the {minimum:.0%} completeness bound, nothing written: {details}"
        )


def _listing_table(summary: dict) -> str:
    lines = [
        f"Listings of {summary['snapshot_date']}",
        "",
        "| listing | requested | received | unique | rejected | requests |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {escape_markdown(run.listing)} | {run.requested_n} | {run.received_n} | {run.unique_n} "
        f"| {run.rejected_n} | {run.requests} |"
        for run in summary["runs"]
    ]
    return "\n".join(lines)
