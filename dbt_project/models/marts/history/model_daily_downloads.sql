-- Exact downloads per model between consecutive observations: the difference of the Hub's
-- all-time counter (downloadsAllTime) between a model's observation and its previous one.
-- Consecutive days give the day's exact downloads; a gap of k days (a missed run, or the model
-- out of every listing) gives one interval of k days, never spread into invented daily values.
-- One row per observation (model, interval_end); the first observation of a model has no
-- delta (unknown, NULL, not zero), nor has one whose previous observation is more than
-- var('delta_lookback_days') days old; a counter that went down (the Hub corrected it) is
-- flagged and its delta left NULL rather than negative.
-- A model is its model_uid (the Hub's `_id`): a rename does not break its intervals; model_id
-- is its latest name (post-hook identity_show_latest_names renames the rows of earlier runs).

{%- set lookback_days = var('delta_lookback_days') %}

with

-- The recomputed dates and the lookback before them (everything on a full build).
observations as (

    select
        snapshot_date,
        model_uid,
        model_id,
        created_at,
        downloads_all_time,
        model_class,
        size_bucket

    from {{ ref('int_model_observations') }}

    where {{ history_read_from('snapshot_date', lookback_days) }}

),

with_previous as (

    select
        *,
        lag(snapshot_date) over by_model as previous_date,
        lag(downloads_all_time) over by_model as previous_downloads_all_time

    from observations

    window by_model as (partition by model_uid order by snapshot_date)

),

recomputed as (

    select * from with_previous
    where {{ history_recompute_from('snapshot_date') }}

),

-- On a partial run, models observed before the lookback: their first observation read here is
-- not their first one ever. Empty on a full build, where every earlier observation is read.
seen_before_lookback as (

    {% if history_is_partial_run() -%}
        select distinct model_uid
        from {{ ref('int_model_observations') }}
        where snapshot_date < {{ history_days_before_start(lookback_days) }}
    {%- else -%}
        select model_uid
        from observations
        where false
    {%- endif %}

),

intervals as (

    select
        recomputed.model_uid,
        recomputed.model_id,
        recomputed.snapshot_date as interval_end,
        recomputed.created_at,
        recomputed.model_class,
        recomputed.size_bucket,
        recomputed.downloads_all_time,
        recomputed.previous_downloads_all_time,
        case
            when
                date_diff('day', recomputed.previous_date, recomputed.snapshot_date)
                <= {{ lookback_days }}
                then recomputed.previous_date
        end as interval_start,
        case
            when recomputed.previous_date is null and seen_before_lookback.model_uid is null
                then 'first_seen'
            when
                recomputed.previous_date is null
                or date_diff('day', recomputed.previous_date, recomputed.snapshot_date)
                > {{ lookback_days }}
                then 'previous_beyond_lookback'
            when
                recomputed.downloads_all_time is null
                or recomputed.previous_downloads_all_time is null
                then 'counter_missing'
            when recomputed.downloads_all_time < recomputed.previous_downloads_all_time
                then 'counter_decreased'
            when date_diff('day', recomputed.previous_date, recomputed.snapshot_date) = 1
                then 'one_day'
            else 'multi_day'
        end as interval_status

    from recomputed

    left join seen_before_lookback
        on recomputed.model_uid = seen_before_lookback.model_uid

),

final as (

    select
        intervals.model_uid,
        intervals.interval_start,
        intervals.interval_end,
        intervals.interval_status,
        intervals.downloads_all_time,
        intervals.model_class,
        intervals.size_bucket,
        intervals.created_at,
        cast(date_diff('day', intervals.interval_start, intervals.interval_end) as integer)
            as interval_days,
        case
            when intervals.interval_status in ('one_day', 'multi_day')
                then intervals.downloads_all_time - intervals.previous_downloads_all_time
        end as downloads,
        intervals.interval_status = 'counter_decreased' as is_counter_decrease,
        case
            when intervals.interval_start is not null then intervals.previous_downloads_all_time
        end as previous_downloads_all_time,
        -- the latest name (post-hook identity_show_latest_names renames rows of earlier runs)
        coalesce(latest_names.model_id, intervals.model_id) as model_id

    from intervals

    left join {{ ref('int_hub_models') }} as latest_names
        on intervals.model_uid = latest_names.model_uid

)

select * from final
