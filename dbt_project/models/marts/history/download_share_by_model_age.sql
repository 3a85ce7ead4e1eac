-- Does usage stay with old models? Per day and class, the share of the day's exact downloads
-- (one-day intervals of model_daily_downloads, as in daily_downloads_by_class) going to models
-- older than var('old_model_age_days') (365) days that day. Models without a creation date
-- have no age: their downloads are counted apart and left out of the share. Per population:
-- every model (`all_models`, the study's view) or the language models only (`language_models`;
-- the models of unknown modality are counted apart, n_unknown_modality and
-- downloads_unknown_modality).

with

one_day_intervals as (

    select
        interval_end as snapshot_date,
        model_uid,
        model_class,
        downloads,
        date_diff('day', cast(created_at as date), interval_end) as age_days

    from {{ ref('model_daily_downloads') }}

    where
        interval_status = 'one_day'
        and {{ history_recompute_from('interval_end') }}

),

in_populations as (

    {{ rows_per_population('one_day_intervals') }}

),

by_age as (

    select
        snapshot_date,
        population,
        model_class,
        count(case when is_counted then 1 end) as n_models,
        count(
            case when is_counted and age_days > {{ var('old_model_age_days') }} then 1 end
        ) as n_models_old,
        -- a one-day interval always has its downloads: 0 only for a group without a counted model
        cast(coalesce(sum(case when is_counted then downloads end), 0) as bigint) as downloads,
        cast(coalesce(sum(
            case
                when is_counted and age_days > {{ var('old_model_age_days') }} then downloads
            end
        ), 0) as bigint) as downloads_old,
        cast(coalesce(sum(
            case when is_counted and age_days is null then downloads end
        ), 0) as bigint) as downloads_unknown_age,
        count(case when is_unknown_modality then 1 end) as n_unknown_modality,
        cast(
            coalesce(sum(case when is_unknown_modality then downloads end), 0) as bigint
        ) as downloads_unknown_modality

    from in_populations

    group by snapshot_date, population, model_class

),

shared as (

    select
        *,
        cast(
            100.0 * downloads_old / nullif(downloads - downloads_unknown_age, 0) as double
        ) as old_share_pct

    from by_age

)

select * from shared
