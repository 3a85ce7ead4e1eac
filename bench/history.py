"""Synthetic history for B2: months of daily snapshots in minutes instead of days.

Crawling 365 days from the simulated Hub would take 20,000 requests; instead, one day is crawled
for real (the template day D, through the real job) and every earlier day d = D - k is derived
from D's stored records in DuckDB, straight into `raw.hub_model_snapshots` and
`raw.hub_listing_runs` (no archive files for those days: the daily run never reads past days'
archives). The derivation keeps what the history models check consistent:

- a model appears on day d only if its `createdAt` is before the end of d;
- `downloadsAllTime` goes back by the model's daily rate, `downloads // 30`, per day (clamped
  at 0): the counter never decreases from one day to the next and the daily deltas add up to the
  30-day count, as on the Hub; every other field is D's (`downloads` included);
- `fetched_at` moves back k days; each listing's run row is recomputed from the rows kept.
So the same models, ranks and record sizes repeat every day (the real distribution of one day),
and only the counters and dates a daily run's SQL compares across days move.

Days are inserted in chunks of `CHUNK_DAYS` per statement, oldest first, so the table's row
groups hold a few consecutive dates each, as daily loads leave them.
"""

from datetime import date, timedelta

import duckdb

CHUNK_DAYS = 15

_SNAPSHOTS_SQL = """
insert into raw.hub_model_snapshots (snapshot_date, listing, rank, fetched_at, model_id, record)
with template as (
    select
        listing,
        rank,
        fetched_at,
        model_id,
        record,
        record ->> '$.downloadsAllTime' as all_time,
        coalesce(cast(record ->> '$.downloads' as bigint), 0) // 30 as per_day,
        coalesce(record ->> '$.createdAt', '') as created_at
    from raw.hub_model_snapshots
    where snapshot_date = $template_day
),
days as (
    select k::integer as k, ($template_day - k::integer) as snapshot_date
    from range($first_k, $last_k - 1, -1) as t(k)
)
select
    days.snapshot_date,
    listing,
    rank,
    fetched_at - to_days(days.k),
    model_id,
    case
        when all_time is null then record
        else replace(
            cast(record as varchar),
            '"downloadsAllTime":' || all_time || ',',
            '"downloadsAllTime":' || greatest(0, cast(all_time as bigint) - days.k * per_day) || ','
        )
    end
from days, template
where created_at < cast(days.snapshot_date + 1 as varchar)
order by days.k desc
"""

_RUNS_SQL = """
insert into raw.hub_listing_runs
select
    runs.snapshot_date - $k,
    runs.listing,
    runs.sort,
    runs.requested_n,
    coalesce(kept.n, 0),
    coalesce(kept.n_unique, 0),
    0,
    runs.exhausted,
    runs.requests,
    runs.started_at - to_days($k),
    runs.finished_at - to_days($k),
    runs.endpoint
from raw.hub_listing_runs as runs
left join (
    select listing, count(*) as n, count(distinct model_id) as n_unique
    from raw.hub_model_snapshots
    where snapshot_date = $template_day - $k
    group by listing
) as kept on kept.listing = runs.listing
where runs.snapshot_date = $template_day
"""


def synthesise_history(conn: duckdb.DuckDBPyConnection, template_day: date, n_days: int) -> dict:
    """Add days template_day - n_days .. template_day - 1, derived from template_day's rows."""
    conn.execute("set preserve_insertion_order = true")
    for chunk_end in range(n_days, 0, -CHUNK_DAYS):
        chunk_start = max(1, chunk_end - CHUNK_DAYS + 1)
        conn.execute(
            _SNAPSHOTS_SQL,
            {"template_day": template_day, "first_k": chunk_end, "last_k": chunk_start},
        )
    for k in range(n_days, 0, -1):
        conn.execute(_RUNS_SQL, {"template_day": template_day, "k": k})
    conn.execute("checkpoint")
    first = template_day - timedelta(days=n_days)
    rows, days = conn.execute(
        "select count(*), count(distinct snapshot_date) from raw.hub_model_snapshots"
    ).fetchone()
    return {"first_day": first.isoformat(), "days_with_rows": days, "raw_rows": rows}
