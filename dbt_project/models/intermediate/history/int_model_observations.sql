-- One row per model (model_uid) and snapshot date: the model seen in any listing that day, with the
-- counters and the size of one of its records. Materialised incrementally over the run's
-- window, so the daily build parses the new day's JSON only; every history mart reads this
-- narrow table instead of the records.

with

snapshots as (

    select * from {{ ref('int_model_snapshots__classified') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

-- Every listing of a day serves the same record of a model; keep the top listing's (then the
-- first listing by name, then the lowest rank) so the choice never depends on row order.
ranked as (

    select
        *,
        row_number() over (
            partition by snapshot_date, model_uid
            order by listing_kind = 'top' desc, listing asc, rank asc
        ) as nth_record,
        count(*) over (partition by snapshot_date, model_uid) as n_listings,
        min(downloads_all_time) over (
            partition by snapshot_date, model_uid
        ) as min_downloads_all_time,
        max(downloads_all_time) over (
            partition by snapshot_date, model_uid
        ) as max_downloads_all_time

    from snapshots

),

observations as (

    select
        snapshot_date,
        model_uid,
        -- the name of the kept record: the model's name that day
        model_id,
        created_at,
        downloads_all_time,
        downloads_30d,
        model_class,
        size_bucket,
        n_listings,
        -- the crawl of a day takes minutes: listings fetched apart may disagree by a few
        -- downloads (never seen on the simulated Hub)
        coalesce(min_downloads_all_time != max_downloads_all_time, false) as counters_disagree

    from ranked

    where nth_record = 1

)

select * from observations
