-- Exact downloads per day and class: the sum of the one-day intervals of model_daily_downloads
-- (models observed on the day and on the day before). Longer intervals (after a missed run, or
-- a model back in a listing after days away) are left out, never spread over their days: a
-- day after a missed day has no row. Shares are of the day's total over every class; the
-- 7-day rolling share pools the downloads of the days with data among the last 7. Per
-- population: every model (`all_models`, the study's view) or the language models only
-- (`language_models`, its shares of the language models' downloads; the models of unknown
-- modality are counted apart, n_unknown_modality and downloads_unknown_modality).

with

one_day_intervals as (

    select
        interval_end as snapshot_date,
        model_uid,
        model_class,
        downloads

    from {{ ref('model_daily_downloads') }}

    where
        interval_status = 'one_day'
        and {{ history_read_from('interval_end', 6) }}

),

in_populations as (

    {{ rows_per_population('one_day_intervals') }}

),

daily as (

    select
        snapshot_date,
        population,
        model_class,
        -- a one-day interval always has its downloads: 0 only for a group without a counted model
        cast(coalesce(sum(case when is_counted then downloads end), 0) as bigint) as downloads,
        cast(
            coalesce(sum(case when is_unknown_modality then downloads end), 0) as bigint
        ) as downloads_unknown_modality,
        count(case when is_counted then 1 end) as n_models,
        count(case when is_unknown_modality then 1 end) as n_unknown_modality

    from in_populations

    group by snapshot_date, population, model_class

),

daily_totals as (

    select
        snapshot_date,
        population,
        sum(downloads) as total_downloads,
        sum(case when model_class in ('SLM', 'LLM') then downloads end) as known_downloads

    from daily

    group by snapshot_date, population

),

rolling_totals as (

    select
        snapshot_date,
        population,
        total_downloads,
        known_downloads,
        sum(total_downloads) over last_7_days as rolling_total_downloads,
        sum(known_downloads) over last_7_days as rolling_known_downloads,
        count(*) over last_7_days as rolling_7d_days

    from daily_totals

    window last_7_days as (
        partition by population
        order by snapshot_date
        range between interval 6 days preceding and current row
    )

),

rolling as (

    select
        *,
        sum(downloads) over (
            partition by population, model_class
            order by snapshot_date
            range between interval 6 days preceding and current row
        ) as rolling_downloads

    from daily

),

shared as (

    select
        rolling.snapshot_date,
        rolling.population,
        rolling.model_class,
        rolling.n_models,
        rolling.downloads,
        rolling.n_unknown_modality,
        rolling.downloads_unknown_modality,
        cast(rolling_totals.rolling_7d_days as integer) as rolling_7d_days,
        cast(
            100.0 * rolling.downloads / nullif(rolling_totals.total_downloads, 0) as double
        ) as share_pct,
        cast(
            100.0 * rolling.rolling_downloads / nullif(rolling_totals.rolling_total_downloads, 0)
            as double
        ) as rolling_7d_share_pct,
        -- the study's SLM share leaves unknown sizes out
        case
            when rolling.model_class in ('SLM', 'LLM')
                then cast(
                    100.0 * rolling.downloads / nullif(rolling_totals.known_downloads, 0)
                    as double
                )
        end as known_share_pct,
        case
            when rolling.model_class in ('SLM', 'LLM')
                then cast(
                    100.0 * rolling.rolling_downloads
                    / nullif(rolling_totals.rolling_known_downloads, 0)
                    as double
                )
        end as rolling_7d_known_share_pct

    from rolling

    inner join rolling_totals
        on
            rolling.snapshot_date = rolling_totals.snapshot_date
            and rolling.population = rolling_totals.population

    where {{ history_recompute_from('rolling.snapshot_date') }}

)

select * from shared
