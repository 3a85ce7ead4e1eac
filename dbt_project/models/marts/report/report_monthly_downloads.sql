-- Per calendar month of marts.monthly_downloads_by_class, the downloads of every class summed
-- and the SLM share of them: the history figure's reading of the latest complete month.
-- Rebuilt whole every run: a new snapshot can complete an earlier month.
{{ config(materialized='table', unique_key=none) }}

with

months as (

    select * from {{ ref('monthly_downloads_by_class') }}
    -- the study's view: every model, not the language models only
    where population = 'all_models'

),

summed as (

    select
        month_start,
        cast(sum(downloads) as bigint) as downloads,
        cast(
            coalesce(sum(case when model_class = 'SLM' then downloads end), 0) as bigint
        ) as slm_downloads,
        -- every class of a month shares the month's coverage; all must be complete
        min(case when is_complete_month then 1 else 0 end) = 1 as is_complete_month

    from months

    group by month_start

),

shares as (

    select
        month_start,
        downloads,
        slm_downloads,
        is_complete_month,
        case
            when downloads > 0 then cast(100.0 * slm_downloads as double) / downloads
        end as slm_pct

    from summed

)

select * from shares
