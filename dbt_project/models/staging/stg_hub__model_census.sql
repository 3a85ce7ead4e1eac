{{ config(tags=['census']) }}

-- Every model of each census, typed as the daily snapshots are (macros/hub_records.sql): one
-- row per (census_date, model_uid). A cursor crawl sorted by creation date neither skips nor
-- repeats a model, but a repository renamed during the crawl can be served twice: the first
-- record received (lowest rank) is kept.

with

source as (

    select * from {{ source('hub', 'hub_model_census') }}

),

renamed as (

    select

        ---------- census
        snapshot_date as census_date,
        rank,
        fetched_at,

        {{ hub_record_columns('record', 'model_id') }}

    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by census_date, model_uid
            order by rank
        ) as nth_time_received

    from renamed

),

deduplicated as (

    select {{ star_except(['nth_time_received']) }} from ranked
    where nth_time_received = 1

)

select * from deduplicated
