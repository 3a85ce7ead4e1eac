with

snapshots as (

    select * from {{ ref('stg_hub__model_snapshots') }}

),

sized as (

    select
        *,

        -- safetensors counts the weights' parameters; a GGUF-only repository reports its own.
        coalesce(safetensors_total, gguf_total) as parameter_count,
        case
            when safetensors_total is not null then 'safetensors'
            when gguf_total is not null then 'gguf'
            else 'unknown'
        end as parameter_source

    from snapshots

),

classified as (

    select
        *,
        {{ model_class('parameter_count') }} as model_class,
        {{ size_bucket('parameter_count') }} as size_bucket

    from sized

)

select * from classified
