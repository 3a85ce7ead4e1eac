-- The two raw tables agree: every (snapshot date, listing) stored in hub_model_snapshots has
-- its row in hub_listing_runs, and the row's unique_n is the number of distinct models stored
-- for that listing (a listing that returned nothing has unique_n = 0 and no snapshot row).
-- Fails with one row per listing that disagrees. A run with a window checks its own dates
-- (macros/data_test_window.sql).

with

snapshots as (

    select
        snapshot_date,
        listing,
        count(distinct model_id) as n_models

    from {{ source('hub', 'hub_model_snapshots') }}

    where {{ in_run_window('snapshot_date') }}

    group by snapshot_date, listing

),

runs as (

    select
        snapshot_date,
        listing,
        unique_n

    from {{ source('hub', 'hub_listing_runs') }}

    where {{ in_run_window('snapshot_date') }}

),

compared as (

    select
        runs.unique_n as models_reported,
        coalesce(snapshots.snapshot_date, runs.snapshot_date) as snapshot_date,
        coalesce(snapshots.listing, runs.listing) as listing,
        coalesce(snapshots.n_models, 0) as models_stored

    from snapshots

    full outer join runs
        on
            snapshots.snapshot_date = runs.snapshot_date
            and snapshots.listing = runs.listing

)

select * from compared
where models_reported is null or models_reported != models_stored
