-- Per snapshot date and source listing of marts.slm_share_of_new_models, the creation weeks
-- summed: every model each listing has shown up to the date (each counted once), over all
-- weeks and over the weeks the newest-models listing covers whole (is_complete_week).

with

weeks as (

    select * from {{ ref('slm_share_of_new_models') }}
    where
        -- the study's view: every model, not the language models only
        population = 'all_models'
        and {{ incremental_snapshot_window('snapshot_date') }}

),

summed as (

    select
        snapshot_date,
        source_listing,
        cast(sum(n_models) as bigint) as n_models,
        cast(sum(n_slm) as bigint) as n_slm,
        cast(sum(n_slm + n_llm) as bigint) as n_known,
        cast(sum(case when is_complete_week then 1 else 0 end) as bigint) as n_complete_weeks,
        cast(
            sum(case when is_complete_week then n_models else 0 end) as bigint
        ) as n_models_complete_weeks,
        cast(
            sum(case when is_complete_week then n_slm else 0 end) as bigint
        ) as n_slm_complete_weeks,
        cast(
            sum(case when is_complete_week then n_slm + n_llm else 0 end) as bigint
        ) as n_known_complete_weeks

    from weeks

    group by snapshot_date, source_listing

),

shares as (

    select
        snapshot_date,
        source_listing,
        n_models,
        n_slm,
        n_known,
        n_complete_weeks,
        n_models_complete_weeks,
        n_slm_complete_weeks,
        n_known_complete_weeks,
        case when n_known > 0 then cast(100.0 * n_slm as double) / n_known end as slm_pct,
        case
            when n_known_complete_weeks > 0
                then cast(100.0 * n_slm_complete_weeks as double) / n_known_complete_weeks
        end as slm_pct_complete_weeks

    from summed

)

select * from shares
