-- How many SLMs, LLMs and models of unknown size the whole Hub holds on each census date, per
-- population: `all_models` (every model the census listed) and `language_models` (those the
-- modality decision calls language models; a model whose modality is unknown is in no
-- language-model row). Shares and intervals as class_split's.

{{ config(unique_key='census_date') }}

with

census as (

    select * from {{ ref('int_census_models__classified') }}
    where {{ incremental_snapshot_window('census_date') }}

),

populations as (

    select
        census_date,
        'all_models' as population,
        model_class

    from census

    union all

    select
        census_date,
        'language_models' as population,
        model_class

    from census

    where is_language_model

),

counted as (

    select
        census_date,
        population,
        model_class,
        count(*) as n_models

    from populations

    group by census_date, population, model_class

),

totals as (

    select
        census_date,
        population,
        model_class,
        n_models,
        sum(n_models) over by_population as n_population,
        coalesce(
            sum(case when model_class = 'unknown' then n_models end) over by_population, 0
        ) as n_population_unknown

    from counted

    window by_population as (partition by census_date, population)

),

scenarios as (

    select
        census_date,
        population,
        model_class,
        n_models,
        n_population,
        case
            when model_class = 'unknown' then 0
            when model_class = 'SLM' then n_models + n_population_unknown
            else n_models
        end as n_if_unknown_slm,
        case
            when model_class = 'unknown' then 0
            when model_class = 'LLM' then n_models + n_population_unknown
            else n_models
        end as n_if_unknown_llm

    from totals

)

select
    census_date,
    population,
    model_class,
    n_models,
    cast(100.0 * n_models as double) / n_population as pct,
    100 * {{ wilson_low('n_models', 'n_population') }} as pct_low,
    100 * {{ wilson_high('n_models', 'n_population') }} as pct_high,
    cast(100.0 * n_if_unknown_slm as double) / n_population as pct_if_unknown_slm,
    cast(100.0 * n_if_unknown_llm as double) / n_population as pct_if_unknown_llm

from scenarios
