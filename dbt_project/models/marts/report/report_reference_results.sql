-- The study's published benchmark results (seeds reference_medqa_accuracy,
-- reference_bigcodebench_pass_at_1, reference_rte_accuracy) in one shape, each with the class
-- and the size bin of its parameter count under the project's rules.
{{ config(materialized='table', unique_key=none) }}

with

medqa as (

    select
        'medqa' as benchmark,
        model,
        cast(parameters as bigint) as parameter_count,
        category,
        cast(null as varchar) as bigcodebench_split,
        model_date,
        cast(null as integer) as published_year,
        cast(accuracy_pct as double) as score,
        source_url

    from {{ ref('reference_medqa_accuracy') }}

),

bigcodebench as (

    select
        'bigcodebench' as benchmark,
        model,
        cast(parameters as bigint) as parameter_count,
        cast(null as varchar) as category,
        split as bigcodebench_split,
        cast(null as date) as model_date,
        cast(null as integer) as published_year,
        cast(pass_at_1 as double) as score,
        source_url

    from {{ ref('reference_bigcodebench_pass_at_1') }}

),

rte as (

    select
        'rte' as benchmark,
        model,
        cast(parameters as bigint) as parameter_count,
        cast(null as varchar) as category,
        cast(null as varchar) as bigcodebench_split,
        cast(null as date) as model_date,
        cast(year as integer) as published_year,
        cast(accuracy_pct as double) as score,
        source_url

    from {{ ref('reference_rte_accuracy') }}

),

results as (

    select * from medqa
    union all
    select * from bigcodebench
    union all
    select * from rte

),

classified as (

    select
        *,
        {{ model_class('parameter_count') }} as model_class,
        {{ size_bucket('parameter_count') }} as size_bucket

    from results

)

select * from classified
