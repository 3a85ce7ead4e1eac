-- Every hypothesis has its overall finding (tag NULL) on every snapshot date of the top
-- listing (up to the run's window end): a day without data says `inconclusive`, it is never
-- silently missing. Fails with one row per missing (date, hypothesis).

with

due as (

    select distinct snapshot_date
    from {{ source('hub', 'hub_model_snapshots') }}
    where listing = 'top' and {{ snapshot_window_end('snapshot_date') }}

),

hypotheses as (

    select 'H1' as hypothesis

    union all

    select 'H2' as hypothesis

    union all

    select 'H3' as hypothesis

    union all

    select 'H4' as hypothesis

    union all

    select 'H5' as hypothesis

),

present as (

    select
        snapshot_date,
        hypothesis

    from {{ ref('hypothesis_findings') }}

    where tag is null

)

select
    due.snapshot_date,
    hypotheses.hypothesis

from due

cross join hypotheses

left join present
    on
        due.snapshot_date = present.snapshot_date
        and hypotheses.hypothesis = present.hypothesis

where present.hypothesis is null
