-- Each census model's class and population: its size class by the study's rule (the same
-- macros as int_model_snapshots__classified: model_class, class_parameter_count, size_bucket)
-- and whether it is a language model, by the modality decision of int_model_modality
-- (macros/model_modality.sql) over its census. The census marts count this table.

{%- set census_models -%}
    (
        select * from {{ ref('int_census_models') }}
        where {{ incremental_snapshot_window('census_date') }}
    )
{%- endset %}
{%- set census_families -%}
    (
        select * from {{ ref('int_census_model_families') }}
        where {{ incremental_snapshot_window('census_date') }}
    )
{%- endset %}

with

modality as (

    {{ model_modality(
        census_models, census_families, key='census_key', root_key='family_root_census_key'
    ) }}

),

census_models as (

    select * from {{ ref('int_census_models') }}
    where {{ incremental_snapshot_window('census_date') }}

),

sizes as (

    select * from {{ ref('int_census_model_sizes') }}
    where {{ incremental_snapshot_window('census_date') }}

),

classified as (

    select
        census_models.census_date,
        census_models.model_uid,
        census_models.model_id,
        census_models.created_at,
        census_models.pipeline_tag,
        sizes.parameter_count,
        coalesce(sizes.parameter_source, 'unknown') as parameter_source,
        {{ model_class(class_parameter_count(
            'sizes.parameter_count', 'sizes.nominal_parameter_count'
        )) }} as model_class,
        {{ size_bucket('sizes.parameter_count') }} as size_bucket,
        modality.task_modality,
        modality.is_language_model,
        modality.modality_source

    from census_models

    left join sizes
        on census_models.census_key = sizes.census_key

    left join modality
        on census_models.census_key = modality.census_key

)

select * from classified
