-- Per snapshot date and listing, the class counts of marts.class_split in one row with the
-- shares the report states: the SLM share among the models of the study's two classes, each
-- group's share of all the listing's models, and the size-resolution coverage.

with

splits as (

    select * from {{ ref('class_split') }}
    where
        -- the study's view: every model, not the language models only
        population = 'all_models'
        and {{ incremental_snapshot_window('snapshot_date') }}

),

counted as (

    select
        snapshot_date,
        listing,
        cast(sum(n_models) as bigint) as n_models,
        cast(
            coalesce(sum(case when model_class = 'SLM' then n_models end), 0) as bigint
        ) as n_slm,
        cast(
            coalesce(sum(case when model_class = 'LLM' then n_models end), 0) as bigint
        ) as n_llm

    from splits

    group by snapshot_date, listing

),

-- class_split has a row only for a class present that day, so every listing here has a model.
shares as (

    select
        snapshot_date,
        listing,
        n_models,
        n_slm,
        n_llm,
        n_models - n_slm - n_llm as n_unknown,
        n_slm + n_llm as n_known,
        case
            when n_slm + n_llm > 0
                then cast(100.0 * n_slm as double) / (n_slm + n_llm)
        end as slm_pct,
        case
            when n_slm + n_llm > 0
                then cast(100.0 * n_llm as double) / (n_slm + n_llm)
        end as llm_pct,
        cast(100.0 * n_slm as double) / n_models as slm_pct_of_all,
        cast(100.0 * n_llm as double) / n_models as llm_pct_of_all,
        cast(100.0 * (n_models - n_slm - n_llm) as double) / n_models as unknown_pct_of_all,
        cast(100.0 * (n_slm + n_llm) as double) / n_models as known_pct

    from counted

)

select * from shares
