-- Per snapshot date and listing, the share of the models and of the 30-day downloads whose
-- parameter count some source of the resolution chain gave (marts.size_resolution_coverage,
-- every source but `unknown`).

with

coverage as (

    select * from {{ ref('size_resolution_coverage') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

summed as (

    select
        snapshot_date,
        listing,
        cast(sum(n_models) as bigint) as n_models,
        cast(
            sum(case when parameter_source <> 'unknown' then n_models else 0 end) as bigint
        ) as n_resolved,
        cast(sum(downloads_30d) as bigint) as downloads_30d,
        cast(
            sum(case when parameter_source <> 'unknown' then downloads_30d else 0 end) as bigint
        ) as downloads_30d_resolved

    from coverage

    group by snapshot_date, listing

),

shares as (

    select
        snapshot_date,
        listing,
        n_models,
        n_resolved,
        cast(100.0 * n_resolved as double) / n_models as resolved_pct_models,
        case
            when downloads_30d > 0
                then cast(100.0 * downloads_30d_resolved as double) / downloads_30d
        end as resolved_pct_downloads

    from summed

)

select * from shares
