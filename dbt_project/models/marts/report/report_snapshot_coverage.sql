-- One row: the span of snapshot dates the warehouse holds, how many days of it have a
-- snapshot and how many are missing, and when the latest date's last listing run finished.
-- Rebuilt whole every run.
{{ config(materialized='table', unique_key=none) }}

with

dates as (

    select * from {{ ref('report_snapshot_dates') }}

),

span as (

    select
        min(snapshot_date) as first_date,
        max(snapshot_date) as latest_date,
        count(*) as n_snapshot_dates

    from dates

),

coverage as (

    select
        span.first_date,
        span.latest_date,
        span.n_snapshot_dates,
        {{ days_between('span.first_date', 'span.latest_date') }}
        + 1 - span.n_snapshot_dates as n_missing_dates,
        latest.last_finished_at

    from span
    left join dates as latest
        on span.latest_date = latest.snapshot_date

)

select * from coverage
