-- The rules the marts were built with, as data: the report states them from here, so the
-- figures and the method section never restate a threshold the project may have changed.
{{ config(materialized='table', unique_key=none) }}

with

rules as (

    select
        cast({{ var('slm_max_params') }} as bigint) as slm_max_params,
        cast({{ var('medium_max_params', none) or 'null' }} as bigint) as medium_max_params,
        cast('{{ var("size_mode", "exact") }}' as varchar) as size_mode,
        cast({{ var('old_model_age_days') }} as integer) as old_model_age_days,
        cast({{ var('min_known_models_per_period') }} as integer) as min_known_models_per_period,
        cast({{ var('interval_z', 1.96) }} as double) as interval_z,
        -- the level the figures name their intervals by (95.0 for z = 1.96)
        round({{ interval_level_pct() }}, 1) as interval_level_pct

)

select * from rules
