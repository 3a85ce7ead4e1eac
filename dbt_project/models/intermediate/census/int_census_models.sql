-- Every model of each census, keyed by census_key (macros/hub_records.sql), with what its own
-- record says about its size before any lineage: the columns int_hub_models gives the daily
-- path, by the same macro (macros/size_evidence.sql). Incremental by census date: a run reads
-- its window's census dates only.

with

census as (

    select * from {{ ref('stg_hub__model_census') }}
    where {{ incremental_snapshot_window('census_date') }}

),

moe_sizes as (

    select * from {{ ref('moe_name_sizes') }}

),

named as (

    select
        census_date,
        {{ census_key('census_date', 'model_uid') }} as census_key,
        model_uid,
        model_id,
        created_at,
        library_name,
        pipeline_tag,
        tags,
        safetensors_total,
        safetensors_dtypes,
        gguf_total,
        {{ size_name_of('model_id') }} as repo_name

    from census

),

{{ size_evidence_ctes([
    'census_date', 'census_key', 'model_uid', 'model_id', 'created_at', 'library_name',
    'pipeline_tag', 'tags', 'safetensors_total', 'safetensors_dtypes', 'gguf_total'
]) }}

select
    census_date,
    census_key,
    model_uid,
    model_id,
    created_at,
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
