-- The parameter counts the reference figures draw as lines: the SLM/LLM boundary in force and
-- the upper ends of the study's band of interpretation (the grey-band schemes of the seed
-- size_class_schemes), each once.
{{ config(materialized='table', unique_key=none) }}

with

boundary as (

    select
        cast({{ var('slm_max_params') }} as bigint) as parameter_count,
        true as is_class_boundary

),

study_band as (

    select distinct
        cast(medium_max_params as bigint) as parameter_count,
        false as is_class_boundary

    from {{ ref('size_class_schemes') }}
    where medium_max_params is not null

),

thresholds as (

    select * from boundary
    union all
    select * from study_band
    where parameter_count not in (select b.parameter_count from boundary as b)

)

select * from thresholds
