"""The daily partitioning shared by every asset: one partition per UTC snapshot date."""

from collections.abc import Mapping
from datetime import date

import dagster as dg

# end_offset=1 makes today's partition exist, so the daily schedule snapshots the Hub as it is
# today; the first date leaves room for simulated history (the demo ends on 2025-01-08).
daily_partitions = dg.DailyPartitionsDefinition(start_date="2024-01-01", timezone="UTC", end_offset=1)

# The tags Dagster puts on a run of one partition (the schedule) and on a single-run backfill
# of a range: every partitioned asset of the run sees that window.
PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def run_days(tags: Mapping[str, str]) -> tuple[date, date] | None:
    """The first and last snapshot date of a run, from its tags; None for an unpartitioned run."""
    first = tags.get(RANGE_START_TAG, tags.get(PARTITION_TAG))
    last = tags.get(RANGE_END_TAG, tags.get(PARTITION_TAG))
    if first is None or last is None:
        return None
    return date.fromisoformat(first), date.fromisoformat(last)
