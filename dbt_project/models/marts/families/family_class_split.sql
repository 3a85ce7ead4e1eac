-- How many model families of each class each listing holds, and their downloads, per snapshot
-- date: the class split of class_split counted by family instead of by repository. A family
-- (int_model_families) is in a listing when one of its members is; its class is its root's
-- (the root's size), and its downloads the sum of the 30-day downloads of its members in that
-- listing that day (members the listing does not hold count nothing).

with

snapshots as (

    select * from {{ ref('int_model_snapshots__classified') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

families as (

    select * from {{ ref('int_model_families') }}

),

members as (

    select
        snapshots.snapshot_date,
        snapshots.listing,
        snapshots.model_uid,
        snapshots.downloads_30d,
        -- every listed model is a known model; a missing family would be the model alone
        coalesce(families.family_root_uid, snapshots.model_uid) as family_root_uid,
        coalesce(families.family_class, snapshots.model_class) as family_class

    from snapshots

    left join families
        on snapshots.model_uid = families.model_uid

),

by_family as (

    select
        snapshot_date,
        listing,
        family_root_uid,
        family_class,
        count(distinct model_uid) as n_models,
        coalesce(sum(downloads_30d), 0) as downloads_30d

    from members

    group by snapshot_date, listing, family_root_uid, family_class

),

counted as (

    select
        snapshot_date,
        listing,
        family_class,
        cast(sum(n_models) as bigint) as n_models,
        cast(sum(downloads_30d) as bigint) as downloads_30d,
        count(*) as n_families

    from by_family

    group by snapshot_date, listing, family_class

),

totalled as (

    select
        *,
        sum(n_families) over (partition by snapshot_date, listing) as n_listing_families

    from counted

),

shared as (

    select
        snapshot_date,
        listing,
        family_class,
        n_families,
        n_models,
        downloads_30d,
        cast(100.0 * n_families as double) / n_listing_families as pct_families,
        -- its 95 % interval
        100 * {{ wilson_low('n_families', 'n_listing_families') }} as pct_families_low,
        100 * {{ wilson_high('n_families', 'n_listing_families') }} as pct_families_high,
        -- null when the listing has no download at all that day
        cast(100.0 * downloads_30d as double)
        / nullif(sum(downloads_30d) over (partition by snapshot_date, listing), 0)
            as pct_downloads

    from totalled

)

select * from shared
