"""The jobs, the daily schedule and the weekly census schedule."""

import dagster as dg

from orchestration.defs.transform.assets import dbt_census_models
from orchestration.partitions import daily_partitions
from orchestration.step_retries import step_retry_policy

RAW_SNAPSHOTS = dg.AssetSelection.assets(["raw", "hub_model_snapshots"])
# What asks the Hub: the listings, then the few base models they name but never serve.
HUB_INGESTION = RAW_SNAPSHOTS | dg.AssetSelection.assets(["raw", "hub_model_details"])
RAW_CENSUS = dg.AssetSelection.assets(["raw", "hub_model_census"])
# The census and what is built from it (the dbt models tagged `census`): never part of the daily
# jobs, which must not crawl the whole Hub.
CENSUS_BUILD = RAW_CENSUS | dg.AssetSelection.assets(dbt_census_models)
# Everything built from the snapshots, plus what those assets read besides them (dbt seeds).
FROM_SNAPSHOTS = RAW_SNAPSHOTS.downstream().upstream() - CENSUS_BUILD

daily_snapshot_job = dg.define_asset_job(
    name="daily_snapshot",
    selection=FROM_SNAPSHOTS,
    partitions_def=daily_partitions,
    description="Snapshot the Hub for one day, rebuild the dbt models and render the figures.",
    # A step failing on a lock or a transient Hub error is retried with exponential backoff
    # (orchestration/step_retries.py); other failures fail at once.
    op_retry_policy=step_retry_policy(),
)

hub_snapshot_job = dg.define_asset_job(
    name="hub_snapshot",
    selection=HUB_INGESTION,
    partitions_def=daily_partitions,
    description="Snapshot the Hub only (catch up several days, then rebuild the marts once).",
    op_retry_policy=step_retry_policy(),
)

rebuild_marts_job = dg.define_asset_job(
    name="rebuild_marts",
    selection=FROM_SNAPSHOTS - HUB_INGESTION,
    partitions_def=daily_partitions,
    description="Rebuild every dbt model and figure from raw, without calling the Hub.",
    op_retry_policy=step_retry_policy(),
)

# 02:00 UTC leaves the Hub's counters a couple of hours past midnight; the partition is today's.
daily_snapshot_schedule = dg.build_schedule_from_partitioned_job(
    daily_snapshot_job,
    hour_of_day=2,
    minute_of_hour=0,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

hub_census_job = dg.define_asset_job(
    name="hub_census",
    selection=CENSUS_BUILD,
    partitions_def=daily_partitions,
    description="Census of every model on the Hub (paced inside its rate limit), then the census marts.",
    op_retry_policy=step_retry_policy(),
)

# `make rebuild`: the census models again from raw (the census reloaded from its archive).
rebuild_census_marts_job = dg.define_asset_job(
    name="rebuild_census_marts",
    selection=dg.AssetSelection.assets(dbt_census_models),
    partitions_def=daily_partitions,
    description="Rebuild the census models from raw.hub_model_census, without calling the Hub.",
    op_retry_policy=step_retry_policy(),
)


# Sunday 04:00 UTC: after the day's snapshot (02:00), whose top-N marts `popularity_bias` puts
# beside the census. A census of the live Hub takes about half an hour (docs/reliability.md).
@dg.schedule(
    cron_schedule="0 4 * * 0",
    job=hub_census_job,
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Weekly census of the whole Hub (job hub_census), Sunday 04:00 UTC.",
)
def weekly_census_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    day = context.scheduled_execution_time.date().isoformat()
    return dg.RunRequest(run_key=f"census-{day}", partition_key=day)
