-- Every model the warehouse knows, once: the latest record of each model any listing served on
-- any snapshot date, and the base models fetched one by one (raw.hub_model_details) that no
-- listing ever served. What each record says about the model's size, before any lineage:
-- its safetensors and GGUF counts, whether those count the whole model (adapters and packed
-- quantizations do not), and the size its name gives.
-- One row per model_uid (the Hub's `_id`, kept by a rename), under its latest name
-- (int_model_names): a renamed model's records are one model's.
-- Incremental on model_uid: a run reads its window's records only (the daily cost must not grow
-- with history, bench B2) and replaces the rows of the models it saw; a record from an earlier
-- run that is later than the window's (a backfill of past dates) is kept. A full refresh gives
-- the same rows (tests/history/test_rebuilds.py).

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

-- one record per model: two names asked for (an old one redirects) may answer with one model
fetched as (

    select * from {{ ref('stg_hub__model_details') }}
    where status = 'ok'
    qualify row_number() over (
        partition by model_uid
        order by fetched_at desc, model_id asc
    ) = 1

),

latest_names as (

    select
        model_uid,
        model_id

    from {{ ref('int_model_names') }}

    where is_latest_name

),

moe_sizes as (

    select * from {{ ref('moe_name_sizes') }}

),

-- the latest snapshot record wins: a later record may have gained safetensors or tags
window_snapshot_records as (

    select
        model_uid,
        model_id as record_model_id,
        'snapshot' as known_from,
        snapshot_date as last_seen_on,
        library_name,
        pipeline_tag,
        tags,
        safetensors_total,
        safetensors_dtypes,
        gguf_total,
        0 as from_earlier_run

    from snapshots

    qualify row_number() over (
        partition by model_uid
        order by snapshot_date desc, listing asc, rank asc
    ) = 1

),

{% if is_incremental() %}

    earlier_snapshot_records as (

        select
            model_uid,
            model_id as record_model_id,
            known_from,
            last_seen_on,
            library_name,
            pipeline_tag,
            tags,
            safetensors_total,
            safetensors_dtypes,
            gguf_total,
            1 as from_earlier_run

        from {{ this }}

        where known_from = 'snapshot'

    ),

{% endif %}

-- on a tie, the window's record: a rerun of a date replaces that date's records
latest_snapshot_records as (

    select
        model_uid,
        record_model_id,
        known_from,
        last_seen_on,
        library_name,
        pipeline_tag,
        tags,
        safetensors_total,
        safetensors_dtypes,
        gguf_total

    from (
        select * from window_snapshot_records
        {% if is_incremental() %}
            union all
            select * from earlier_snapshot_records
            where
                earlier_snapshot_records.model_uid in (
                    select window_snapshot_records.model_uid from window_snapshot_records
                )
        {% endif %}
    ) as candidates

    qualify row_number() over (
        partition by model_uid
        order by last_seen_on desc, from_earlier_run asc
    ) = 1

),

fetched_only as (

    select
        fetched.model_uid,
        coalesce(fetched.served_model_id, fetched.model_id) as record_model_id,
        'model_info' as known_from,
        cast(fetched.fetched_at as date) as last_seen_on,
        fetched.library_name,
        fetched.pipeline_tag,
        fetched.tags,
        fetched.safetensors_total,
        fetched.safetensors_dtypes,
        fetched.gguf_total

    from fetched

    anti join latest_snapshot_records
        on fetched.model_uid = latest_snapshot_records.model_uid

    {% if is_incremental() %}
        anti join earlier_snapshot_records
            on fetched.model_uid = earlier_snapshot_records.model_uid
    {% endif %}

),

known as (

    select * from latest_snapshot_records
    union all
    select * from fetched_only

),

latest_named as (

    select
        known.*,
        coalesce(latest_names.model_id, known.record_model_id) as model_id

    from known

    left join latest_names
        on known.model_uid = latest_names.model_uid

),

named as (

    select
        *,
        {{ size_name_of('model_id') }} as repo_name

    from latest_named

),

{{ size_evidence_ctes([
    'model_uid', 'model_id', 'known_from', 'last_seen_on', 'library_name', 'pipeline_tag',
    'tags', 'safetensors_total', 'safetensors_dtypes', 'gguf_total'
]) }}

select
    model_uid,
    model_id,
    known_from,
    last_seen_on,
    library_name,
    pipeline_tag,
    tags,
    safetensors_total,
    safetensors_dtypes,
    gguf_total,
    is_adapter_by_tags,
    has_packed_weights,
    name_parameter_count,
    name_size_pattern

from sized_by_name
