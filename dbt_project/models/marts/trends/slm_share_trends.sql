-- Is the SLM share rising or falling? Per snapshot date D, a weighted least-squares line through
-- monthly shares, its slope in percentage points per year and the slope's 95 % interval:
-- hypothesis 4 (series slm_share_of_new_models: the SLM share of the models created each month,
-- overall and per pipeline tag) and hypothesis 5 (series slm_share_of_downloads: the SLMs' share
-- of the month's downloads). The method and its exclusions are in slm_share_trends.yml.

with

snapshot_dates as (

    select snapshot_date
    from {{ ref('report_snapshot_dates') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

-- Months created in the window before D's month: D's own month is still filling up.
new_model_months as (

    select
        snapshot_date,
        'H4' as hypothesis,
        'slm_share_of_new_models' as series,
        scope,
        'slm_share_by_creation_month' as source_mart,
        creation_month as period_start,
        n_slm + n_llm as n_known,
        slm_pct as share_pct

    from {{ ref('slm_share_by_creation_month') }}

    where
        -- the study's view: every model, not the language models only
        population = 'all_models'
        and {{ incremental_snapshot_window('snapshot_date') }}
        and creation_month < cast(date_trunc('month', snapshot_date) as date)
        and creation_month >= cast(
            date_trunc('month', snapshot_date)
            - interval {{ var('trend_window_months') }} month as date
        )

),

download_months as (

    select
        month_start,
        max(is_complete_month) as is_complete_month,
        sum(case when model_class = 'SLM' then downloads else 0 end) as slm_downloads,
        sum(case when model_class in ('SLM', 'LLM') then downloads else 0 end) as known_downloads,
        sum(case when model_class in ('SLM', 'LLM') then n_models else 0 end) as n_known

    from {{ ref('monthly_downloads_by_class') }}

    -- the study's view: every model, not the language models only
    where population = 'all_models'

    group by month_start

),

-- Only months the history covers end to end, over by D.
download_points as (

    select
        snapshot_dates.snapshot_date,
        'H5' as hypothesis,
        'slm_share_of_downloads' as series,
        'all' as scope,
        'monthly_downloads_by_class' as source_mart,
        download_months.month_start as period_start,
        download_months.n_known,
        cast(
            100.0 * download_months.slm_downloads / nullif(download_months.known_downloads, 0)
            as double
        ) as share_pct

    from snapshot_dates

    inner join download_months
        on
            download_months.is_complete_month
            and last_day(download_months.month_start) <= snapshot_dates.snapshot_date
            and download_months.month_start >= cast(
                date_trunc('month', snapshot_dates.snapshot_date)
                - interval {{ var('trend_window_months') }} month as date
            )

),

candidates as (

    select * from new_model_months
    union all
    select * from download_points

),

-- The sample rule; x is the month in years (months equally spaced, 1/12 apart).
points as (

    select
        snapshot_date,
        hypothesis,
        series,
        scope,
        source_mart,
        period_start,
        cast(n_known as double) as weight,
        share_pct as y,
        (
            extract(year from period_start) * 12 + extract(month from period_start)
        ) / 12.0 as x

    from candidates

    where
        n_known >= {{ var('trend_min_sample') }}
        and share_pct is not null

),

means as (

    select
        snapshot_date,
        hypothesis,
        series,
        scope,
        source_mart,
        count(*) as n_points,
        sum(weight) as sum_weight,
        sum(weight * x) / sum(weight) as mean_x,
        sum(weight * y) / sum(weight) as mean_y,
        min(period_start) as first_period,
        max(period_start) as last_period

    from points

    group by snapshot_date, hypothesis, series, scope, source_mart

),

moments as (

    select
        means.snapshot_date,
        means.hypothesis,
        means.series,
        means.scope,
        sum(points.weight * (points.x - means.mean_x) * (points.x - means.mean_x)) as sxx,
        sum(points.weight * (points.x - means.mean_x) * (points.y - means.mean_y)) as sxy

    from means

    inner join points
        on
            means.snapshot_date = points.snapshot_date
            and means.series = points.series
            and means.scope = points.scope

    group by means.snapshot_date, means.hypothesis, means.series, means.scope

),

fitted as (

    select
        means.*,
        moments.sxx,
        case when moments.sxx > 0 then moments.sxy / moments.sxx end as slope

    from means

    inner join moments
        on
            means.snapshot_date = moments.snapshot_date
            and means.series = moments.series
            and means.scope = moments.scope

),

residuals as (

    select
        fitted.snapshot_date,
        fitted.series,
        fitted.scope,
        sum(
            points.weight
            * (points.y - fitted.mean_y - fitted.slope * (points.x - fitted.mean_x))
            * (points.y - fitted.mean_y - fitted.slope * (points.x - fitted.mean_x))
        ) as weighted_rss

    from fitted

    inner join points
        on
            fitted.snapshot_date = points.snapshot_date
            and fitted.series = points.series
            and fitted.scope = points.scope

    group by fitted.snapshot_date, fitted.series, fitted.scope

),

-- Dispersion per unit weight: the residuals' (extra-binomial scatter between months), never
-- below the binomial one at the mean share (a month cannot be surer than its count allows).
dispersed as (

    select
        fitted.*,
        case
            when fitted.n_points >= {{ var('trend_min_points') }} and fitted.slope is not null
                then greatest(
                    residuals.weighted_rss / (fitted.n_points - 2),
                    fitted.mean_y * (100.0 - fitted.mean_y)
                )
        end as dispersion,
        (
            select quantiles.t_975
            from {{ ref('student_t_975') }} as quantiles
            where quantiles.df <= fitted.n_points - 2
            order by quantiles.df desc
            limit 1
        ) as t_975

    from fitted

    inner join residuals
        on
            fitted.snapshot_date = residuals.snapshot_date
            and fitted.series = residuals.series
            and fitted.scope = residuals.scope

),

final as (

    select
        snapshot_date,
        hypothesis,
        series,
        scope,
        source_mart,
        first_period,
        last_period,
        cast(n_points as integer) as n_points,
        cast(sum_weight as bigint) as n_sample,
        -- rounded to 1e-4 points: finer digits are noise, and equal inputs give equal rows
        cast(round(mean_y, 4) as double) as mean_pct,
        cast(round(case when dispersion is not null then slope end, 4) as double)
            as slope_pp_per_year,
        cast(round(slope - t_975 * sqrt(dispersion / sxx), 4) as double) as slope_low,
        cast(round(slope + t_975 * sqrt(dispersion / sxx), 4) as double) as slope_high

    from dispersed

)

select * from final
