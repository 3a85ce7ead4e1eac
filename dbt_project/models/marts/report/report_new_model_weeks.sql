-- Each creation week of marts.slm_share_of_new_models with whether its SLM share rests on too
-- few models of known size to read (var min_known_models_per_period).

with

weeks as (

    select * from {{ ref('slm_share_of_new_models') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

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
        n_slm + n_llm < {{ var('min_known_models_per_period') }} as is_sparse

    from weeks

)

select * from flagged
