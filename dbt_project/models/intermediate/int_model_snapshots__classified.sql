with

snapshots as (

    select * from {{ ref('stg_hub__model_snapshots') }}

),

sizes as (

    select * from {{ ref('int_model_sizes') }}

),

-- Each model's resolved size (int_model_sizes: safetensors, gguf, base model, name), the same
-- on every snapshot date and under every name it had (joined on model_uid): the latest
-- knowledge of the model, from every snapshot.
sized as (

    select
        snapshots.*,
        sizes.parameter_count,
        sizes.nominal_parameter_count,
        sizes.size_resolved_from,
        sizes.size_lineage_depth,
        coalesce(sizes.parameter_source, 'unknown') as parameter_source,
        coalesce(sizes.parameter_confidence, 'none') as parameter_confidence

    from snapshots

    left join sizes
        on snapshots.model_uid = sizes.model_uid

),

classified as (

    select
        *,
        {{ model_class(class_parameter_count('parameter_count', 'nominal_parameter_count')) }}
            as model_class,
        {{ size_bucket('parameter_count') }} as size_bucket

    from sized

)

select * from classified
