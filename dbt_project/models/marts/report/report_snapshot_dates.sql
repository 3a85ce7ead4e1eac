-- Every snapshot date with a listing run, and when that date's last listing run finished: the
-- report's freshness section and the history figures' calendar. Incremental like the other
-- marts: a run rewrites the dates of its window.

with

runs as (

    select * from {{ source('hub', 'hub_listing_runs') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

dates as (

    select
        cast(snapshot_date as date) as snapshot_date,
        max(finished_at) as last_finished_at

    from runs

    group by snapshot_date

)

select * from dates
