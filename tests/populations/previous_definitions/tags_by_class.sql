-- Which tasks each model class is published for: the number of models of the top listing
-- carrying each pipeline (task) tag, per class and snapshot date (study hypothesis 3:
-- llm_most_tags_5000, slms_most_tags). Other tags (languages, licences, regions, base_model:,
-- arxiv: ...) are left out by the seed hub_pipeline_tags.

with

top_models as (

    select * from {{ ref('int_model_snapshots__classified') }}
    where
        listing_kind = 'top'
        and {{ incremental_snapshot_window('snapshot_date') }}

),

pipeline_tags as (

    select * from {{ ref('hub_pipeline_tags') }}

),

model_tags as (

    select
        snapshot_date,
        model_uid,
        model_class,
        {{ unnest_list('tags') }} as tag

    from top_models

),

task_tags as (

    select
        model_tags.snapshot_date,
        model_tags.model_uid,
        model_tags.model_class,
        model_tags.tag

    from model_tags

    inner join pipeline_tags
        on model_tags.tag = pipeline_tags.tag

),

counted as (

    select
        snapshot_date,
        model_class,
        tag,
        -- distinct: a record listing a tag twice is still one model
        count(distinct model_uid) as n_models

    from task_tags

    group by snapshot_date, model_class, tag

)

select * from counted
