-- How many SLMs, LLMs and models of unknown size each listing holds, per snapshot date
-- (study: models_repartition_5000), with each share's 95 % interval and its bounds under the
-- unknown sizes.

with

snapshots as (

    select * from {{ ref('int_model_snapshots__classified') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

counted as (

    select
        snapshot_date,
        listing,
        model_class,
        count(*) as n_models

    from snapshots

    group by snapshot_date, listing, model_class

),

totals as (

    select
        snapshot_date,
        listing,
        model_class,
        n_models,
        sum(n_models) over by_listing as n_listing,
        coalesce(
            sum(case when model_class = 'unknown' then n_models end) over by_listing, 0
        ) as n_listing_unknown

    from counted

    window by_listing as (partition by snapshot_date, listing)

),

-- The class's models if every model of unknown size were an SLM, or an LLM: the unknown row
-- then holds none, the class that takes them holds them too.
scenarios as (

    select
        snapshot_date,
        listing,
        model_class,
        n_models,
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
        model_class,
        n_models,
        cast(100.0 * n_models as double) / n_listing as pct,
        100 * {{ wilson_low('n_models', 'n_listing') }} as pct_low,
        100 * {{ wilson_high('n_models', 'n_listing') }} as pct_high,
        cast(100.0 * n_if_unknown_slm as double) / n_listing as pct_if_unknown_slm,
        cast(100.0 * n_if_unknown_llm as double) / n_listing as pct_if_unknown_llm

    from scenarios

)

select * from shared
