-- Do SLMs take a growing share of new models, counting every model on the Hub rather than the
-- survivors of the top N (hypothesis 4 without the survivor bias)? Per census date, population
-- (`all_models`, `language_models`) and creation month: the models of each class and the SLM
-- share of those of known size, with the formulas of slm_share_by_creation_month. Models
-- without a creation date have no month and are left out.

{{ config(unique_key='census_date') }}

with

census as (

    select * from {{ ref('int_census_models__classified') }}
    where created_at is not null and {{ incremental_snapshot_window('census_date') }}

),

populations as (

    select
        census_date,
        'all_models' as population,
        model_class,
        cast(date_trunc('month', created_at) as date) as creation_month

    from census

    union all

    select
        census_date,
        'language_models' as population,
        model_class,
        cast(date_trunc('month', created_at) as date) as creation_month

    from census

    where is_language_model

),

counted as (

    select
        census_date,
        population,
        creation_month,
        count(case when model_class = 'SLM' then 1 end) as n_slm,
        count(case when model_class = 'LLM' then 1 end) as n_llm,
        count(case when model_class = 'unknown' then 1 end) as n_unknown

    from populations

    group by census_date, population, creation_month

)

select
    census_date,
    population,
    creation_month,
    n_slm,
    n_llm,
    n_unknown,
    {{ slm_share_columns('n_slm', 'n_llm', 'n_unknown') }}

from counted
