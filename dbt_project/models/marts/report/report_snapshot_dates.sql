-- Every snapshot date with a listing run, when that date's last listing run finished, and the
-- first creation month whose models are not all old on that date (var old_model_age_days): the
-- report's freshness section, the history figures' calendar and the readings of downloads by
-- creation month. Incremental like the other marts: a run rewrites the dates of its window.

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

),

-- A model created before this month was created more than old_model_age_days days before the
-- snapshot date, whatever its day in the month.
with_cutoff as (

    select
        snapshot_date,
        last_finished_at,
        cast(
            date_trunc(
                'month', snapshot_date - interval {{ var('old_model_age_days') }} day
            ) as date
        ) as old_before_month

    from dates

)

select * from with_cutoff
