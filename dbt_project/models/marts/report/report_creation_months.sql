-- Each creation month of marts.slm_share_by_creation_month with what the report says of it:
-- whether its SLM share rests on too few models of known size to read
-- (var min_known_models_per_period), and whether its models are all old on the snapshot date
-- (marts.report_snapshot_dates.old_before_month, var old_model_age_days).

with

months as (

    select * from {{ ref('slm_share_by_creation_month') }}
    where
        -- the study's view: every model, not the language models only
        population = 'all_models'
        and {{ incremental_snapshot_window('snapshot_date') }}

),

dates as (

    select * from {{ ref('report_snapshot_dates') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

flagged as (

    select
        months.snapshot_date,
        months.scope,
        months.creation_month,
        months.n_slm,
        months.n_llm,
        months.n_unknown,
        months.n_slm + months.n_llm as n_known,
        months.slm_pct,
        months.n_slm + months.n_llm
        < {{ var('min_known_models_per_period') }} as is_sparse,
        months.creation_month < dates.old_before_month as is_old,
        months.slm_pct_low,
        months.slm_pct_high,
        months.slm_pct_if_unknown_slm,
        months.slm_pct_if_unknown_llm

    from months
    inner join dates
        on months.snapshot_date = dates.snapshot_date

)

select * from flagged
