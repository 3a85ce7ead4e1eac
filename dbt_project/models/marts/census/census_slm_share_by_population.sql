-- The SLM share of the whole Hub on each census date, per population: `hub_all_models` (every
-- model the census listed) and `hub_language_models` (the language models among them). Its
-- columns are those of slm_share_by_population (the top-N populations), so the two union:
-- snapshot_date and measured_on are the census date.

{{ config(unique_key='snapshot_date') }}

with

census as (

    select * from {{ ref('int_census_models__classified') }}
    where {{ incremental_snapshot_window('census_date') }}

),

unknown_modality as (

    select
        census_date,
        count(case when is_language_model is null then 1 end) as n_unknown_modality

    from census

    group by census_date

),

populations as (

    select
        census_date,
        'hub_all_models' as population,
        model_class

    from census

    union all

    select
        census_date,
        'hub_language_models' as population,
        model_class

    from census

    where is_language_model

),

counted as (

    select
        census_date,
        population,
        count(*) as n_units,
        count(case when model_class = 'SLM' then 1 end) as n_slm,
        count(case when model_class = 'LLM' then 1 end) as n_llm,
        count(case when model_class = 'unknown' then 1 end) as n_unknown_size

    from populations

    group by census_date, population

)

select
    counted.census_date as snapshot_date,
    counted.population,
    counted.census_date as measured_on,
    counted.n_units,
    counted.n_slm,
    counted.n_llm,
    counted.n_unknown_size,
    unknown_modality.n_unknown_modality,
    {{ slm_share_columns('counted.n_slm', 'counted.n_llm', 'counted.n_unknown_size') }}

from counted

inner join unknown_modality
    on counted.census_date = unknown_modality.census_date
