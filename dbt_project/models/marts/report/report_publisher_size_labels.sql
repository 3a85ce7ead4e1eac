-- How publishers name their models' size (seed reference_publisher_size_labels), with the class
-- each stated parameter count gets under the project's rules, and whether the word says small.
{{ config(materialized='table', unique_key=none) }}

with

labels as (

    select * from {{ ref('reference_publisher_size_labels') }}

),

classified as (

    select
        publisher,
        model,
        cast(parameters as bigint) as parameter_count,
        publisher_label,
        cast(year as integer) as published_year,
        source_url,
        {{ model_class('parameter_count') }} as model_class,
        -- the publisher's own word says small (the study's hypothesis 1 contrasts it with size)
        lower(publisher_label) in ('very small', 'lightweight', 'small') as is_small_label

    from labels

)

select * from classified
