-- Does SLM usage last longer than LLM usage? For each class, the share of the class's 30-day
-- downloads (top listing) drawn by the models created in each month, per snapshot date
-- (study hypothesis 5: slm-downloads, llm-downloads). Models of unknown size, and models
-- without a creation date, are left out.

with

top_models as (

    select * from {{ ref('int_model_snapshots__classified') }}
    where
        listing_kind = 'top'
        and model_class in ('SLM', 'LLM')
        and created_at is not null
        and {{ incremental_snapshot_window('snapshot_date') }}

),

monthly as (

    select
        snapshot_date,
        model_class,
        cast(date_trunc('month', created_at) as date) as creation_month,
        cast(coalesce(sum(downloads_30d), 0) as bigint) as downloads_30d

    from top_models

    group by snapshot_date, model_class, creation_month

),

shared as (

    select
        snapshot_date,
        model_class,
        creation_month,
        downloads_30d,
        -- null when the class has no download at all that day
        cast(100.0 * downloads_30d as double)
        / nullif(
            sum(downloads_30d) over (partition by snapshot_date, model_class), 0
        ) as share_pct

    from monthly

)

select * from shared
