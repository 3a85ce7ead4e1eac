-- Downloads per calendar month and class: the sum of the intervals of model_daily_downloads
-- that lie inside the month (previous observation on the month's eve or later, observation in
-- the month). A multi-day interval inside the month counts whole (a missed run does not lose
-- its downloads); an interval across the month's start belongs to no month and is left out.
-- A month is complete when the history covers it end to end: a snapshot on the eve of the
-- month, one on its last day, and no gap between snapshots longer than
-- var('delta_lookback_days') in between. Incomplete months are kept, flagged. Per population:
-- every model (`all_models`, the study's view) or the language models only (`language_models`;
-- the models of unknown modality are counted apart, n_unknown_modality and
-- downloads_unknown_modality).

with

snapshot_dates as (

    select distinct snapshot_date
    from {{ ref('int_model_observations') }}

),

intervals as (

    select
        model_uid,
        model_class,
        downloads,
        interval_end,
        cast(date_trunc('month', interval_end) as date) as month_start

    from {{ ref('model_daily_downloads') }}

    where
        downloads is not null
        and interval_start >= cast(date_trunc('month', interval_end) - interval 1 day as date)
        and {{ history_recompute_from('interval_end', grain='month') }}

),

in_populations as (

    {{ rows_per_population('intervals') }}

),

monthly as (

    select
        month_start,
        population,
        model_class,
        cast(coalesce(sum(case when is_counted then downloads end), 0) as bigint) as downloads,
        cast(
            coalesce(sum(case when is_unknown_modality then downloads end), 0) as bigint
        ) as downloads_unknown_modality,
        count(distinct case when is_counted then model_uid end) as n_models,
        count(case when is_counted then 1 end) as n_intervals,
        count(distinct case when is_unknown_modality then model_uid end) as n_unknown_modality

    from in_populations

    group by month_start, population, model_class

),

snapshot_gaps as (

    select
        snapshot_date,
        date_diff(
            'day', lag(snapshot_date) over (order by snapshot_date), snapshot_date
        ) as days_since_previous

    from snapshot_dates

),

month_coverage as (

    select
        monthly_keys.month_start,
        cast(date_part('day', last_day(monthly_keys.month_start)) as integer) as days_in_month,
        bool_or(
            snapshot_gaps.snapshot_date = cast(monthly_keys.month_start - interval 1 day as date)
        ) as has_eve_snapshot,
        bool_or(
            snapshot_gaps.snapshot_date = last_day(monthly_keys.month_start)
        ) as has_last_day_snapshot,
        coalesce(
            max(snapshot_gaps.days_since_previous) filter (
                where snapshot_gaps.snapshot_date >= monthly_keys.month_start
            ),
            0
        ) as longest_gap_days

    from (select distinct month_start from monthly) as monthly_keys

    inner join snapshot_gaps
        on
            snapshot_gaps.snapshot_date >= cast(monthly_keys.month_start - interval 1 day as date)
            and snapshot_gaps.snapshot_date <= last_day(monthly_keys.month_start)

    group by monthly_keys.month_start

),

final as (

    select
        monthly.month_start,
        monthly.population,
        monthly.model_class,
        monthly.downloads,
        monthly.n_models,
        monthly.n_intervals,
        monthly.n_unknown_modality,
        monthly.downloads_unknown_modality,
        month_coverage.days_in_month,
        (
            month_coverage.has_eve_snapshot
            and month_coverage.has_last_day_snapshot
            and month_coverage.longest_gap_days <= {{ var('delta_lookback_days') }}
        ) as is_complete_month

    from monthly

    inner join month_coverage
        on monthly.month_start = month_coverage.month_start

)

select * from final
