-- The answer under each population, as the report shows it: per snapshot date, every
-- population of the seed populations (in its display order) beside its measured row: the top
-- N's from marts.slm_share_by_population for that date, the whole Hub's from the latest census
-- on or before it (marts.census_slm_share_by_population; measured_on says which). A population
-- without a row (the whole Hub's before the first census) is kept with is_measured false and
-- NULL counts: the report says it is not measured yet instead of leaving it out.
-- The census mart is built by the weekly hub_census job: a warehouse that never took a census
-- has no such table yet, which reads as no census at all.

{%- set census_mart = ref('census_slm_share_by_population') %}
{%- set census_taken = execute and adapter.get_relation(
    database=census_mart.database,
    schema=census_mart.schema,
    identifier=census_mart.identifier,
) is not none %}

with

dates as (

    select snapshot_date from {{ ref('report_snapshot_dates') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

populations as (

    select * from {{ ref('populations') }}

),

top_n as (

    select * from {{ ref('slm_share_by_population') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

-- Every census's shares; none (the same columns, no row) before the first census.
census_shares as (

    {% if census_taken -%}
        select * from {{ census_mart }}
    {%- else -%}
        select * from {{ ref('slm_share_by_population') }}
        where false
    {%- endif %}

),

-- each date's latest census on or before it
latest_census as (

    select
        dates.snapshot_date,
        census_shares.population,
        census_shares.measured_on,
        census_shares.n_units,
        census_shares.n_slm,
        census_shares.n_llm,
        census_shares.n_unknown_size,
        census_shares.n_unknown_modality,
        census_shares.slm_pct,
        census_shares.slm_pct_low,
        census_shares.slm_pct_high,
        census_shares.slm_pct_if_unknown_slm,
        census_shares.slm_pct_if_unknown_llm

    from dates

    inner join census_shares
        on dates.snapshot_date >= census_shares.snapshot_date

    qualify row_number() over (
        partition by dates.snapshot_date, census_shares.population
        order by census_shares.snapshot_date desc
    ) = 1

),

measured as (

    select
        snapshot_date,
        population,
        measured_on,
        n_units,
        n_slm,
        n_llm,
        n_unknown_size,
        n_unknown_modality,
        slm_pct,
        slm_pct_low,
        slm_pct_high,
        slm_pct_if_unknown_slm,
        slm_pct_if_unknown_llm

    from top_n

    union all

    select * from latest_census

),

joined as (

    select
        dates.snapshot_date,
        populations.population,
        populations.label,
        populations.description,
        populations.unit,
        populations.display_order,
        measured.measured_on,
        measured.n_units,
        measured.n_slm,
        measured.n_llm,
        measured.n_unknown_size,
        measured.n_unknown_modality,
        measured.slm_pct,
        measured.slm_pct_low,
        measured.slm_pct_high,
        measured.slm_pct_if_unknown_slm,
        measured.slm_pct_if_unknown_llm,
        measured.n_slm + measured.n_llm as n_known,
        measured.population is not null as is_measured

    from dates

    cross join populations

    left join measured
        on
            dates.snapshot_date = measured.snapshot_date
            and populations.population = measured.population

)

select * from joined
