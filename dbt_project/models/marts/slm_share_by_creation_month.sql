-- Do SLMs take a growing share of new models? Per snapshot date and creation month, the
-- models of each class, overall (scope 'all': the top listing) and per pipeline tag (scope =
-- the tag: that tag's own listing, pipeline_tag:<tag>) (study hypothesis 4: slm-by-time,
-- slm-percentage-by-tags). Models without a creation date have no month and are left out.
-- Each share carries its 95 % interval and its bounds under the unknown sizes. Per population:
-- every model (`all_models`, the study's view) or the language models only (`language_models`,
-- whose models of unknown modality are counted apart, n_unknown_modality).

with

snapshots as (

    select * from {{ ref('int_model_snapshots__classified') }}
    where
        listing_kind in ('top', 'pipeline_tag')
        and created_at is not null
        and {{ incremental_snapshot_window('snapshot_date') }}

),

in_populations as (

    {{ rows_per_population('snapshots') }}

),

scoped as (

    select
        snapshot_date,
        population,
        model_class,
        is_counted,
        is_unknown_modality,
        cast(date_trunc('month', created_at) as date) as creation_month,
        case
            when listing_kind = 'top' then 'all'
            else listing_tag
        end as scope

    from in_populations

),

counted as (

    select
        snapshot_date,
        scope,
        creation_month,
        population,
        count(case when is_counted and model_class = 'SLM' then 1 end) as n_slm,
        count(case when is_counted and model_class = 'LLM' then 1 end) as n_llm,
        count(case when is_counted and model_class = 'unknown' then 1 end) as n_unknown,
        count(case when is_unknown_modality then 1 end) as n_unknown_modality

    from scoped

    group by snapshot_date, scope, creation_month, population

),

shared as (

    select
        snapshot_date,
        scope,
        creation_month,
        population,
        n_slm,
        n_llm,
        n_unknown,
        n_unknown_modality,
        {{ slm_share_columns('n_slm', 'n_llm', 'n_unknown') }}

    from counted

)

select * from shared
