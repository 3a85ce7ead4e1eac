-- How many SLMs, LLMs and models of unknown size each listing holds, per snapshot date
-- (study: models_repartition_5000), with each share's 95 % interval and its bounds under the
-- unknown sizes; per population: every model (`all_models`, the study's view) or the language
-- models only (`language_models`, whose models of unknown modality are counted apart).

with

snapshots as (

    select * from {{ ref('int_model_snapshots__classified') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

in_populations as (

    {{ rows_per_population('snapshots') }}

),

counted as (

    select
        snapshot_date,
        listing,
        population,
        model_class,
        count(case when is_counted then 1 end) as n_models,
        count(case when is_unknown_modality then 1 end) as n_unknown_modality

    from in_populations

    group by snapshot_date, listing, population, model_class

),

totals as (

    select
        snapshot_date,
        listing,
        population,
        model_class,
        n_models,
        n_unknown_modality,
        sum(n_models) over by_listing as n_listing,
        coalesce(
            sum(case when model_class = 'unknown' then n_models end) over by_listing, 0
        ) as n_listing_unknown

    from counted

    window by_listing as (partition by snapshot_date, listing, population)

),

-- The class's models if every model of unknown size were an SLM, or an LLM: the unknown row
-- then holds none, the class that takes them holds them too.
scenarios as (

    select
        snapshot_date,
        listing,
        population,
        model_class,
        n_models,
        n_unknown_modality,
        n_listing,
        case
            when model_class = 'unknown' then 0
            when model_class = 'SLM' then n_models + n_listing_unknown
            else n_models
        end as n_if_unknown_slm,
        case
            when model_class = 'unknown' then 0
            when model_class = 'LLM' then n_models + n_listing_unknown
            else n_models
        end as n_if_unknown_llm

    from totals

),

shared as (

    select
        snapshot_date,
        listing,
        population,
        model_class,
        n_models,
        -- null when the population has no model in the listing (only models of unknown
        -- modality: a language_models row of n_models 0)
        cast(100.0 * n_models as double) / nullif(n_listing, 0) as pct,
        100 * {{ wilson_low('n_models', 'n_listing') }} as pct_low,
        100 * {{ wilson_high('n_models', 'n_listing') }} as pct_high,
        cast(100.0 * n_if_unknown_slm as double) / nullif(n_listing, 0) as pct_if_unknown_slm,
        cast(100.0 * n_if_unknown_llm as double) / nullif(n_listing, 0) as pct_if_unknown_llm,
        n_unknown_modality

    from scenarios

)

select * from shared
