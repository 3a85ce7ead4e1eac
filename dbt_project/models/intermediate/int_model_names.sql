-- Every name each model (model_uid, the Hub's `_id`) was served under, with the first and last
-- date it was seen under it: a case change, an owner transfer or a rename adds a row, the
-- history stays one. Names come from the listings and from the base models fetched one by one
-- (asked for by the name a `base_model:` tag gives, answered under the current name).
-- Incremental on model_uid, like int_hub_models: a run reads its window's records and rewrites
-- the names of the models it saw, merged with what earlier runs found.

{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='model_uid',
    on_schema_change='fail',
) }}

with

snapshots as (

    select * from {{ ref('stg_hub__model_snapshots') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

fetched as (

    select * from {{ ref('stg_hub__model_details') }}
    where status = 'ok'

),

sightings as (

    select
        model_uid,
        model_id,
        min(snapshot_date) as first_seen_date,
        max(snapshot_date) as last_seen_date,
        true as was_served

    from snapshots

    group by model_uid, model_id

    union all

    -- the name a tag asked for (an old one redirects: an alias, never the latest name) and the
    -- name the Hub answered with
    select
        model_uid,
        model_id,
        cast(fetched_at as date) as first_seen_date,
        cast(fetched_at as date) as last_seen_date,
        model_id = served_model_id as was_served

    from fetched

    union all

    select
        model_uid,
        served_model_id as model_id,
        cast(fetched_at as date) as first_seen_date,
        cast(fetched_at as date) as last_seen_date,
        true as was_served

    from fetched

    {% if is_incremental() %}

        union all

        select
            model_uid,
            model_id,
            first_seen_date,
            last_seen_date,
            was_served

        from {{ this }}

        where
            model_uid in (select snapshots.model_uid from snapshots)
            or model_uid in (select fetched.model_uid from fetched)

    {% endif %}

),

names as (

    select
        model_uid,
        model_id,
        min(first_seen_date) as first_seen_date,
        max(last_seen_date) as last_seen_date,
        bool_or(was_served) as was_served

    from sightings

    group by model_uid, model_id

)

select
    model_uid,
    model_id,
    first_seen_date,
    last_seen_date,
    was_served,
    -- the latest name: the served one seen last (then the one first seen last; the greatest
    -- name keeps the choice independent of row order)
    row_number() over (
        partition by model_uid
        order by was_served desc, last_seen_date desc, first_seen_date desc, model_id desc
    ) = 1 as is_latest_name

from names
