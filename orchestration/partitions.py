"""The daily partitioning shared by every asset: one partition per UTC snapshot date."""

import dagster as dg

# end_offset=1 makes today's partition exist, so the daily schedule snapshots the Hub as it is
# today; the first date leaves room for simulated history (the demo ends on 2025-01-08).
daily_partitions = dg.DailyPartitionsDefinition(start_date="2024-01-01", timezone="UTC", end_offset=1)
