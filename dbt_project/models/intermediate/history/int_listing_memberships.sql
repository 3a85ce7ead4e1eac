-- Which listings held which model on each snapshot date, and at which rank: the presence
-- history behind tenure and survival in the top N. Incremental over the run's window; no JSON
-- is read (the staging view's keys only).

with

snapshots as (

    select * from {{ ref('stg_hub__model_snapshots') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

memberships as (

    select
        snapshot_date,
        listing,
        listing_kind,
        model_uid,
        model_id,
        rank

    from snapshots

)

select * from memberships
