-- How many SLMs, LLMs and models of unknown size each listing holds, per snapshot date
-- (study: models_repartition_5000).

with

snapshots as (

    select * from {{ ref('int_model_snapshots__classified') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

counted as (

    select
        snapshot_date,
        listing,
        model_class,
        count(*) as n_models

    from snapshots

    group by snapshot_date, listing, model_class

),

shared as (

    select
        snapshot_date,
        listing,
        model_class,
        n_models,
        cast(100.0 * n_models as double)
        / sum(n_models) over (partition by snapshot_date, listing) as pct

    from counted

)

select * from shared
