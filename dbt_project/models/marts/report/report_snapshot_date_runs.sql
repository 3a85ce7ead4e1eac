-- The calendar of snapshot dates from the first to the latest, as runs of consecutive days:
-- each run of dates with a snapshot, and each run of days between them without one (a missed
-- day of the live Hub cannot be fetched later: the Hub only reports the last 30 days of
-- downloads). Rebuilt whole every run: a late date can close a gap anywhere.
{{ config(materialized='table', unique_key=none) }}

with

dates as (

    select snapshot_date from {{ ref('report_snapshot_dates') }}

),

ranked as (

    select
        snapshot_date,
        row_number() over (order by snapshot_date) as date_rank

    from dates

),

-- Consecutive dates share one island: the date minus its rank is constant along a run.
islands as (

    select
        snapshot_date,
        {{ add_days('snapshot_date', '-date_rank') }} as island

    from ranked

),

present as (

    select
        min(snapshot_date) as first_date,
        max(snapshot_date) as last_date,
        count(*) as n_days,
        true as has_snapshot

    from islands

    group by island

),

next_present as (

    select
        last_date,
        lead(first_date) over (order by first_date) as next_first_date

    from present

),

missing as (

    select
        {{ add_days('last_date', 1) }} as first_date,
        {{ add_days('next_first_date', -1) }} as last_date,
        {{ days_between('last_date', 'next_first_date') }} - 1 as n_days,
        false as has_snapshot

    from next_present

    where next_first_date is not null

),

runs as (

    select * from present
    union all
    select * from missing

)

select * from runs
