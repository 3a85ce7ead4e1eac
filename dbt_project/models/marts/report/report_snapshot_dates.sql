-- Every snapshot date the warehouse holds a listing run for, and when that date's last
-- listing run finished: the report's freshness section and the history figures' day axis.
{{ config(materialized='table', unique_key=none) }}

with

runs as (

    select * from {{ source('hub', 'hub_listing_runs') }}

),

dates as (

    select
        cast(snapshot_date as date) as snapshot_date,
        max(finished_at) as last_finished_at

    from runs

    group by snapshot_date

)

select * from dates
