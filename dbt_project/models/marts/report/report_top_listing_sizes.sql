-- The parameter count and class of each top-listing model of known size, per snapshot date:
-- the Hub's size distribution the reference figure places the publisher-labelled models on.

with

snapshots as (

    select * from {{ ref('int_model_snapshots__classified') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

sized as (

    select
        snapshot_date,
        model_id,
        cast(parameter_count as bigint) as parameter_count,
        model_class

    from snapshots

    where listing_kind = 'top' and parameter_count > 0

)

select * from sized
