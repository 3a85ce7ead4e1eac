-- Cross-check of the reconstructed history against the Hub: for a model observed on 31
-- consecutive days (30 one-day intervals ending on the snapshot date), the sum of its 30 daily
-- deltas against the 30-day `downloads` the Hub reports that day (the Hub's window is
-- var('hub_downloads_window_days'), 30). Every checked model-day is a row; disagreements are
-- reported here (`agrees` false), not hidden or corrected.

-- A model is its model_uid: the window runs across a rename; model_id is its latest name
-- (post-hook identity_show_latest_names).

{%- set window_days = var('hub_downloads_window_days') | int %}

with

daily as (

    select
        model_uid,
        model_id,
        interval_end,
        interval_status,
        downloads

    from {{ ref('model_daily_downloads') }}

    where {{ history_read_from('interval_end', window_days - 1) }}

),

observations as (

    select
        snapshot_date,
        model_uid,
        downloads_30d

    from {{ ref('int_model_observations') }}

    where {{ history_recompute_from('snapshot_date') }}

),

windowed as (

    select
        model_uid,
        model_id,
        interval_end,
        sum(downloads) over last_window as sum_daily_downloads,
        count(case when interval_status = 'one_day' then 1 end) over last_window as n_one_day

    from daily

    window last_window as (
        partition by model_uid
        order by interval_end
        range between interval {{ window_days - 1 }} days preceding and current row
    )

),

checked as (

    select
        windowed.interval_end as snapshot_date,
        windowed.model_uid,
        windowed.model_id,
        cast(windowed.sum_daily_downloads as bigint) as sum_daily_downloads,
        observations.downloads_30d as reported_downloads_30d

    from windowed

    inner join observations
        on
            windowed.model_uid = observations.model_uid
            and windowed.interval_end = observations.snapshot_date

    where
        windowed.n_one_day = {{ window_days }}
        and {{ history_recompute_from('windowed.interval_end') }}

),

final as (

    select
        snapshot_date,
        model_uid,
        model_id,
        sum_daily_downloads,
        reported_downloads_30d,
        reported_downloads_30d - sum_daily_downloads as difference,
        coalesce(reported_downloads_30d = sum_daily_downloads, false) as agrees

    from checked

)

select * from final
