-- Which families draw a listing's downloads? Per snapshot date, listing and family, the 30-day
-- downloads of the family's members in the listing that day and their share of the listing's
-- downloads. Summed over the SLM families, download_share_pct is the SLM share of downloads
-- counted by family (family_class_split.pct_downloads); a family's class is its root's size.

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
        snapshots.model_id,
        snapshots.model_class,
        snapshots.downloads_30d,
        families.family_root_id,
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
        cast(coalesce(sum(downloads_30d), 0) as bigint) as downloads_30d,
        coalesce(max(family_root_id), min(model_id)) as family_root_id,
        min(family_class) as family_class,
        count(distinct model_uid) as n_models

    from members

    group by snapshot_date, listing, family_root_uid

),

shared as (

    select
        snapshot_date,
        listing,
        family_root_uid,
        family_root_id,
        family_class,
        n_models,
        downloads_30d,
        -- null when the listing has no download at all that day
        cast(100.0 * downloads_30d as double)
        / nullif(sum(downloads_30d) over (partition by snapshot_date, listing), 0)
            as download_share_pct

    from by_family

)

select * from shared
