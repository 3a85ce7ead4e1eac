-- How each listing's models got their size: per snapshot date, listing and size source
-- (safetensors, gguf, base_model, known_base, name, unknown), the share of the listing's models
-- and of its 30-day downloads (int_model_sizes, through int_model_snapshots__classified).

with

snapshots as (

    select * from {{ ref('int_model_snapshots__classified') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

counted as (

    select
        snapshot_date,
        listing,
        parameter_source,
        cast(coalesce(sum(downloads_30d), 0) as bigint) as downloads_30d,
        count(*) as n_models

    from snapshots

    group by snapshot_date, listing, parameter_source

),

shared as (

    select
        snapshot_date,
        listing,
        parameter_source,
        n_models,
        downloads_30d,
        cast(100.0 * n_models as double)
        / sum(n_models) over (partition by snapshot_date, listing) as pct_models,
        -- null when the listing has no download at all that day
        cast(100.0 * downloads_30d as double)
        / nullif(sum(downloads_30d) over (partition by snapshot_date, listing), 0)
            as pct_downloads,
        -- pct_models' 95 % interval; a share of downloads has none (downloads are not draws)
        100 * {{ wilson_low('n_models', 'sum(n_models) over by_listing') }} as pct_models_low,
        100 * {{ wilson_high('n_models', 'sum(n_models) over by_listing') }} as pct_models_high

    from counted

    window by_listing as (partition by snapshot_date, listing)

)

select * from shared
