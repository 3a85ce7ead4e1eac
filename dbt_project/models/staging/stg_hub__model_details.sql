-- Base models fetched one by one because a `base_model:` tag names them but no listing served
-- them (raw.hub_model_details), typed like stg_hub__model_snapshots. Empty until the Dagster
-- asset raw/hub_model_details first runs.

with

source as (

    select * from {{ size_optional_relation(
        source('hub', 'hub_model_details'),
        {'model_id': 'varchar', 'fetched_at': 'timestamptz', 'status': 'varchar', 'record': 'json'}
    ) }}

),

renamed as (

    select
        {{ model_uid('record', 'model_id') }} as model_uid,
        model_id,
        -- the name the Hub answered with: a renamed repository's old name redirects to it
        coalesce({{ json_text('record', 'id') }}, model_id) as served_model_id,
        fetched_at,
        status,
        {{ json_text('record', 'pipeline_tag') }} as pipeline_tag,
        {{ json_text('record', 'library_name') }} as library_name,
        {{ json_string_list('record', 'tags') }} as tags,
        {{ json_bigint('record', 'safetensors.total') }} as safetensors_total,
        {{ json_bigint('record', 'gguf.total') }} as gguf_total,
        {{ size_safetensors_dtypes('record') }} as safetensors_dtypes,
        {{ json_utc_timestamp('record', 'createdAt') }} as created_at

    from source

)

select * from renamed
