-- The study's view under each population is the study's own numbers: the `all_models` row of
-- slm_share_by_population (and the `language_models` row) holds exactly the counts of
-- class_split's top listing for that population, its SLM share their share of the known
-- sizes. Fails with one row per snapshot date and population that disagrees, or is missing
-- on either side. A run with a window checks its own dates (macros/data_test_window.sql).

with

splits as (

    select
        snapshot_date,
        population,
        sum(n_models) as n_units,
        sum(case when model_class = 'SLM' then n_models else 0 end) as n_slm,
        sum(case when model_class = 'LLM' then n_models else 0 end) as n_llm,
        sum(case when model_class = 'unknown' then n_models else 0 end) as n_unknown_size,
        sum(n_unknown_modality) as n_unknown_modality

    from {{ ref('class_split') }}

    where listing = 'top' and {{ in_run_window('snapshot_date') }}

    group by snapshot_date, population

),

shares as (

    select * from {{ ref('slm_share_by_population') }}
    where
        population in ('all_models', 'language_models')
        and {{ in_run_window('snapshot_date') }}

),

compared as (

    select
        splits.n_units as split_units,
        shares.n_units as share_units,
        shares.slm_pct,
        coalesce(splits.snapshot_date, shares.snapshot_date) as snapshot_date,
        coalesce(splits.population, shares.population) as population

    from splits

    full outer join shares
        on
            splits.snapshot_date = shares.snapshot_date
            and splits.population = shares.population

    where
        splits.snapshot_date is null
        or shares.snapshot_date is null
        or splits.n_units != shares.n_units
        or splits.n_slm != shares.n_slm
        or splits.n_llm != shares.n_llm
        or splits.n_unknown_size != shares.n_unknown_size
        or splits.n_unknown_modality != shares.n_unknown_modality
        or shares.measured_on != shares.snapshot_date
        or (splits.n_slm + splits.n_llm = 0) != (shares.slm_pct is null)
        or abs(
            shares.slm_pct - 100.0 * splits.n_slm / nullif(splits.n_slm + splits.n_llm, 0)
        ) > 1e-9

)

select * from compared
