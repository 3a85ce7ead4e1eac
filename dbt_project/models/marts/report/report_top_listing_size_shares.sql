-- Per snapshot date, the SLM share of the top-listing models of known size that
-- marts.report_top_listing_sizes places on the Hub's size distribution (every class counted
-- in the whole, `medium` too when var medium_max_params sets a grey band).

with

sizes as (

    select * from {{ ref('report_top_listing_sizes') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

shares as (

    select
        snapshot_date,
        cast(sum(case when model_class = 'SLM' then 1 else 0 end) as bigint) as n_slm,
        count(*) as n_models,
        cast(100.0 * sum(case when model_class = 'SLM' then 1 else 0 end) as double)
        / count(*) as slm_pct

    from sizes

    group by snapshot_date

)

select * from shares
