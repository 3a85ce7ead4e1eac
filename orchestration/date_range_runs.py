"""Materialise a job over a range of dates in one run, as a single-run backfill does."""

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import dagster as dg

from orchestration.partitions import RANGE_END_TAG, RANGE_START_TAG


def contiguous_ranges(days: list[date]) -> list[tuple[date, date]]:
    """Group sorted dates into (first, last) runs of consecutive days."""
    ranges: list[tuple[date, date]] = []
    for day in days:
        if ranges and day == ranges[-1][1] + timedelta(days=1):
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def materialize_date_range(
    definitions: dg.Definitions,
    instance: dg.DagsterInstance,
    first: date,
    last: date,
    job_name: str = "daily_snapshot",
    run_config: Mapping[str, Any] | None = None,
) -> dg.ExecuteInProcessResult:
    job = definitions.resolve_job_def(job_name)
    return job.execute_in_process(
        instance=instance,
        run_config=run_config,
        tags={RANGE_START_TAG: first.isoformat(), RANGE_END_TAG: last.isoformat()},
    )
