-- Which tasks each model class is published for: the number of models of the top listing
-- carrying each pipeline (task) tag, per class and snapshot date (study hypothesis 3:
-- llm_most_tags_5000, slms_most_tags). Other tags (languages, licences, regions, base_model:,
-- arxiv: ...) are left out by the seed hub_pipeline_tags. Per population: every model
-- (`all_models`, the study's view) or the language models only (`language_models`, whose
-- models of unknown modality are counted apart, n_unknown_modality).

with

top_models as (

    select * from {{ ref('int_model_snapshots__classified') }}
    where
        listing_kind = 'top'
        and {{ incremental_snapshot_window('snapshot_date') }}

),

in_populations as (

    {{ rows_per_population('top_models') }}

),

pipeline_tags as (

    select * from {{ ref('hub_pipeline_tags') }}

),

model_tags as (

    select
        snapshot_date,
        population,
        model_uid,
        model_class,
        is_counted,
        is_unknown_modality,
        {{ unnest_list('tags') }} as tag

    from in_populations

),

task_tags as (

    select
        model_tags.snapshot_date,
        model_tags.population,
        model_tags.model_uid,
        model_tags.model_class,
        model_tags.is_counted,
        model_tags.is_unknown_modality,
        model_tags.tag

    from model_tags

    inner join pipeline_tags
        on model_tags.tag = pipeline_tags.tag

),

counted as (

    select
        snapshot_date,
        population,
        model_class,
        tag,
        -- distinct: a record listing a tag twice is still one model
        count(distinct case when is_counted then model_uid end) as n_models,
        count(distinct case when is_unknown_modality then model_uid end) as n_unknown_modality

    from task_tags

    group by snapshot_date, population, model_class, tag

)

select * from counted
