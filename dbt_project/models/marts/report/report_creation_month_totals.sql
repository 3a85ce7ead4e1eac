-- Per snapshot date and scope of marts.slm_share_by_creation_month (`all`: the top listing;
-- else a pipeline tag's listing), the months summed: the SLM share over every creation month,
-- over the months whose models are not all old (recent) and over the old ones, and how many
-- months rest on too few models of known size.

with

months as (

    select * from {{ ref('report_creation_months') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

summed as (

    select
        snapshot_date,
        scope,
        cast(sum(case when is_sparse then 1 else 0 end) as bigint) as n_sparse_months,
        cast(sum(n_slm + n_llm + n_unknown) as bigint) as n_models,
        cast(sum(n_slm) as bigint) as n_slm,
        cast(sum(n_known) as bigint) as n_known,
        cast(
            sum(case when not is_old then n_slm + n_llm + n_unknown else 0 end) as bigint
        ) as n_recent_models,
        cast(sum(case when not is_old then n_slm else 0 end) as bigint) as n_recent_slm,
        cast(sum(case when not is_old then n_known else 0 end) as bigint) as n_recent_known,
        cast(
            sum(case when is_old then n_slm + n_llm + n_unknown else 0 end) as bigint
        ) as n_old_models,
        cast(sum(case when is_old then n_slm else 0 end) as bigint) as n_old_slm,
        cast(sum(case when is_old then n_known else 0 end) as bigint) as n_old_known,
        count(*) as n_months

    from months

    group by snapshot_date, scope

),

shares as (

    select
        snapshot_date,
        scope,
        n_months,
        n_sparse_months,
        n_models,
        n_slm,
        n_known,
        n_recent_models,
        n_recent_slm,
        n_recent_known,
        n_old_models,
        n_old_slm,
        n_old_known,
        case when n_known > 0 then cast(100.0 * n_slm as double) / n_known end as slm_pct,
        case
            when n_recent_known > 0 then cast(100.0 * n_recent_slm as double) / n_recent_known
        end as recent_slm_pct,
        case
            when n_old_known > 0 then cast(100.0 * n_old_slm as double) / n_old_known
        end as old_slm_pct

    from summed

)

select * from shares
