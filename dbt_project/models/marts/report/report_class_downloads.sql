-- Per snapshot date, for SLMs and LLMs of the top listing, the 30-day downloads of
-- marts.download_share_by_creation_month summed over the creation months: the class's share of
-- the downloads of both classes, the share going to models created before old_before_month
-- (marts.report_snapshot_dates, var old_model_age_days), and the creation month drawing the
-- most. A class without a model that day has a row of zeros.

with

dates as (

    select * from {{ ref('report_snapshot_dates') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

months as (

    select * from {{ ref('download_share_by_creation_month') }}
    where
        -- the study's view: every model, not the language models only
        population = 'all_models'
        and {{ incremental_snapshot_window('snapshot_date') }}

),

classes as (

    select 'SLM' as model_class
    union all
    select 'LLM' as model_class

),

summed as (

    select
        dates.snapshot_date,
        classes.model_class,
        cast(coalesce(sum(months.downloads_30d), 0) as bigint) as downloads_30d,
        cast(
            coalesce(
                sum(
                    case
                        when months.creation_month < dates.old_before_month
                            then months.downloads_30d
                    end
                ),
                0
            ) as bigint
        ) as old_downloads_30d,
        count(months.creation_month) as n_months

    from dates
    cross join classes
    left join months
        on
            dates.snapshot_date = months.snapshot_date
            and classes.model_class = months.model_class

    group by dates.snapshot_date, classes.model_class

),

-- The month drawing the most; on a tie, the later month.
ranked_months as (

    select
        snapshot_date,
        model_class,
        creation_month,
        downloads_30d,
        row_number() over (
            partition by snapshot_date, model_class
            order by downloads_30d desc, creation_month desc
        ) as month_rank

    from months

),

shares as (

    select
        summed.snapshot_date,
        summed.model_class,
        summed.n_months,
        summed.downloads_30d,
        summed.old_downloads_30d,
        ranked_months.creation_month as busiest_creation_month,
        case
            when sum(summed.downloads_30d) over (partition by summed.snapshot_date) > 0
                then
                    cast(100.0 * summed.downloads_30d as double)
                    / sum(summed.downloads_30d) over (partition by summed.snapshot_date)
        end as known_share_pct,
        case
            when summed.downloads_30d > 0
                then cast(100.0 * summed.old_downloads_30d as double) / summed.downloads_30d
        end as old_share_pct,
        case
            when summed.downloads_30d > 0
                then cast(100.0 * ranked_months.downloads_30d as double) / summed.downloads_30d
        end as busiest_share_pct

    from summed
    left join ranked_months
        on
            summed.snapshot_date = ranked_months.snapshot_date
            and summed.model_class = ranked_months.model_class
            and ranked_months.month_rank = 1

)

select * from shares
