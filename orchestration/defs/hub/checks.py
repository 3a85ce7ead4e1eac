"""Data checks on the daily snapshot, shown in the Dagster UI beside the asset.

Each check reads the latest snapshot date's listing runs on a short read-only connection. The
completeness bound itself is enforced before anything is written (a thin snapshot fails its run);
these checks make the margins visible day after day.

The checks are in the "warehouse" pool like the writers: a read-only DuckDB connection in one
process makes a writer in another fail (a dbt build of a concurrent run), so the pool serialises
every step that opens the file.
"""

from datetime import UTC, datetime, timedelta

import dagster as dg

from orchestration.defs.hub.assets import hub_model_snapshots
from orchestration.defs.hub.hub_client import HubClientResource
from orchestration.defs.hub.raw_store import completeness_share
from orchestration.names import WAREHOUSE_POOL
from orchestration.warehouse import WarehouseResource

MAX_DUPLICATE_RATE = 0.01
MAX_REJECTED_RATE = 0.01
MAX_SNAPSHOT_AGE = timedelta(hours=48)
# Percentage points the share of `top` models with a known parameter count may lose in a day.
MAX_PARAMETER_COVERAGE_DROP = 5.0

_LATEST_RUNS_SQL = """
select listing, requested_n, received_n, unique_n, rejected_n, exhausted, snapshot_date
from raw.hub_listing_runs
where snapshot_date = (select max(snapshot_date) from raw.hub_listing_runs)
order by listing
"""


def _latest_runs(warehouse: WarehouseResource) -> list[tuple]:
    with warehouse.connect(read_only=True) as conn:
        return conn.execute(_LATEST_RUNS_SQL).fetchall()


@dg.asset_check(
    asset=hub_model_snapshots,
    pool=WAREHOUSE_POOL,
    description="Every listing holds enough distinct valid models.",
)
def listing_completeness(warehouse: WarehouseResource, hub: HubClientResource) -> dg.AssetCheckResult:
    rows = _latest_runs(warehouse)
    shares = {
        listing: completeness_share(requested_n, received_n, unique_n, exhausted)
        for listing, requested_n, received_n, unique_n, _, exhausted, _ in rows
    }
    worst = min(shares, key=shares.get)
    return dg.AssetCheckResult(
        passed=shares[worst] >= hub.min_completeness,
        metadata={
            "snapshot_date": str(rows[0][-1]),
            "worst_listing": worst,
            "worst_completeness": shares[worst],
            "bound": hub.min_completeness,
        },
    )


@dg.asset_check(
    asset=hub_model_snapshots, pool=WAREHOUSE_POOL, description="Few models served twice within a listing."
)
def duplicate_rate(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    rows = _latest_runs(warehouse)
    received = sum(row[2] - row[4] for row in rows)
    duplicates = sum(row[2] - row[4] - row[3] for row in rows)
    rate = duplicates / received if received else 0.0
    return dg.AssetCheckResult(
        passed=rate <= MAX_DUPLICATE_RATE,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"duplicates": duplicates, "rate": rate, "bound": MAX_DUPLICATE_RATE},
    )


@dg.asset_check(
    asset=hub_model_snapshots,
    pool=WAREHOUSE_POOL,
    description="Few records quarantined in raw.rejected_records.",
)
def rejected_record_rate(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    rows = _latest_runs(warehouse)
    received = sum(row[2] for row in rows)
    rejected = sum(row[4] for row in rows)
    rate = rejected / received if received else 0.0
    return dg.AssetCheckResult(
        passed=rate <= MAX_REJECTED_RATE,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"rejected": rejected, "rate": rate, "bound": MAX_REJECTED_RATE},
    )


@dg.asset_check(
    asset=hub_model_snapshots,
    pool=WAREHOUSE_POOL,
    description="The latest live snapshot is at most two days old.",
)
def snapshot_freshness(warehouse: WarehouseResource, hub: HubClientResource) -> dg.AssetCheckResult:
    latest = _latest_runs(warehouse)[0][-1]
    if not hub.is_live:
        # A simulated Hub replays past days: wall-clock freshness does not apply.
        return dg.AssetCheckResult(passed=True, metadata={"latest_snapshot": str(latest), "hub": "simulated"})
    age = datetime.now(UTC) - datetime.combine(latest, datetime.min.time(), tzinfo=UTC)
    return dg.AssetCheckResult(
        passed=age <= MAX_SNAPSHOT_AGE,
        metadata={"latest_snapshot": str(latest), "age_hours": round(age.total_seconds() / 3600, 1)},
    )


# Share (in %) of the `top` listing's distinct models whose record has a parameter count, as the
# intermediate model reads it (`safetensors.total`, else `gguf.total`), for the two latest dates.
# Only those dates' records are parsed: the daily check must not grow with history.
_PARAMETER_COVERAGE_SQL = """
with latest_dates as (
    select distinct snapshot_date
    from raw.hub_model_snapshots
    where listing = 'top'
    order by snapshot_date desc
    limit 2
),
models as (
    select
        snapshot_date,
        model_id,
        bool_or(
            (record ->> '$.safetensors.total') is not null or (record ->> '$.gguf.total') is not null
        ) as has_parameters
    from raw.hub_model_snapshots
    where listing = 'top' and snapshot_date in (select snapshot_date from latest_dates)
    group by snapshot_date, model_id
)
select snapshot_date, 100.0 * avg(case when has_parameters then 1 else 0 end) as coverage_pct
from models
group by snapshot_date
order by snapshot_date desc
limit 2
"""


@dg.asset_check(
    asset=hub_model_snapshots,
    pool=WAREHOUSE_POOL,
    description="The share of top models with a parameter count did not drop by more than 5 points.",
)
def parameter_coverage(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """A drop means the Hub stopped sending `safetensors`/`gguf` for many models (an API change, an
    `expand` refused): every SLM/LLM share would silently move to `unknown`."""
    with warehouse.connect(read_only=True) as conn:
        rows = conn.execute(_PARAMETER_COVERAGE_SQL).fetchall()
    (latest, coverage), previous = rows[0], rows[1] if len(rows) > 1 else None
    metadata = {"snapshot_date": str(latest), "coverage_pct": round(coverage, 2)}
    if previous is None:
        return dg.AssetCheckResult(passed=True, metadata={**metadata, "previous_snapshot": "none"})
    drop = previous[1] - coverage
    return dg.AssetCheckResult(
        passed=drop <= MAX_PARAMETER_COVERAGE_DROP,
        metadata={
            **metadata,
            "previous_snapshot": str(previous[0]),
            "previous_coverage_pct": round(previous[1], 2),
            "drop_points": round(drop, 2),
            "bound_points": MAX_PARAMETER_COVERAGE_DROP,
        },
    )
