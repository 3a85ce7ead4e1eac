-- Exact downloads per model between consecutive observations: the difference of the Hub's
-- all-time counter (downloadsAllTime) between a model's observation and its previous one.
-- Consecutive days give the day's exact downloads; a gap of k days (a missed run, or the model
-- out of every listing) gives one interval of k days, never spread into invented daily values.
-- One row per observation (model, interval_end); the first observation of a model has no
-- delta (unknown, NULL, not zero), nor has one whose previous observation is more than
-- var('delta_lookback_days') days old; a counter that went down (the Hub corrected it) is
-- flagged and its delta left NULL rather than negative.

{%- set lookback_days = var('delta_lookback_days') %}

with

-- The recomputed dates and the lookback before them (everything on a full build).
observations as (

    select
        snapshot_date,
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

    window by_model as (partition by model_id order by snapshot_date)

),

recomputed as (

    select * from with_previous
    where {{ history_recompute_from('snapshot_date') }}

),

-- On a partial run, models observed before the lookback: their first observation read here is
-- not their first one ever. Empty on a full build, where every earlier observation is read.
seen_before_lookback as (

    {% if history_is_partial_run() -%}
        select distinct model_id
        from {{ ref('int_model_observations') }}
        where snapshot_date < {{ history_days_before_start(lookback_days) }}
    {%- else -%}
        select model_id
        from observations
        where false
    {%- endif %}

),

intervals as (

    select
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
            when recomputed.previous_date is null and seen_before_lookback.model_id is null
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
        on recomputed.model_id = seen_before_lookback.model_id

),

final as (

    select
        model_id,
        interval_start,
        interval_end,
        interval_status,
        downloads_all_time,
        model_class,
        size_bucket,
        created_at,
        cast(date_diff('day', interval_start, interval_end) as integer) as interval_days,
        case
            when interval_status in ('one_day', 'multi_day')
                then downloads_all_time - previous_downloads_all_time
        end as downloads,
        interval_status = 'counter_decreased' as is_counter_decrease,
        case
            when interval_start is not null then previous_downloads_all_time
        end as previous_downloads_all_time

    from intervals

)

select * from final
