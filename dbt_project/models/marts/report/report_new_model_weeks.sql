-- Each creation week of marts.slm_share_of_new_models with whether its SLM share rests on too
-- few models of known size to read (var min_known_models_per_period).

with

weeks as (

    select * from {{ ref('slm_share_of_new_models') }}
    where
        -- the study's view: every model, not the language models only
        population = 'all_models'
        and {{ incremental_snapshot_window('snapshot_date') }}

),

flagged as (

    select
        snapshot_date,
        source_listing,
        creation_week,
        n_models,
        n_slm,
        n_llm,
        n_unknown,
        slm_pct,
        is_complete_week,
        n_slm + n_llm < {{ var('min_known_models_per_period') }} as is_sparse,
        slm_pct_low,
        slm_pct_high,
        slm_pct_if_unknown_slm,
        slm_pct_if_unknown_llm

    from weeks

)

select * from flagged
