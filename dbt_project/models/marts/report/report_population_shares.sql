-- The answer under each population, as the report shows it: per snapshot date, every
-- population of the seed populations (in its display order) beside its measured row of
-- marts.slm_share_by_population for that date. A population without a row (the whole Hub's,
-- until a census mart provides it) is kept with is_measured false and NULL counts: the report
-- says it is not measured yet instead of leaving it out.

with

dates as (

    select snapshot_date from {{ ref('report_snapshot_dates') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

populations as (

    select * from {{ ref('populations') }}

),

measured as (

    select * from {{ ref('slm_share_by_population') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

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
        measured.population is not null as is_measured

    from dates

    cross join populations

    left join measured
        on
            dates.snapshot_date = measured.snapshot_date
            and populations.population = measured.population

)

select * from joined
