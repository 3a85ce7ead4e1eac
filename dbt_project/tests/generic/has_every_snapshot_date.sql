{#-
    Every snapshot date of `to` (the raw snapshots; optionally only its rows matching `where_to`)
    appears in `column_name` of the model: no day that was ingested is missing from a mart.

    Which raw dates are due: every one on a full build (vars unset); on a run over a partition
    window, every raw date up to var('snapshot_end_date'). A window run must leave the mart
    complete up to the end of its window (a gap left by an earlier day fails it too), while
    raw dates after the window (a later day being ingested meanwhile) are not its business.
    Fails with one row per missing date.
-#}
{% test has_every_snapshot_date(model, column_name, to, where_to=none) %}

    with

    due as (

        select distinct snapshot_date

        from {{ to }}

        where
            {{ snapshot_window_end('snapshot_date') }}
            and ({{ where_to if where_to is not none else '1 = 1' }})

    ),

    present as (

        select distinct {{ column_name }} as snapshot_date

        from {{ model }}

    )

    select due.snapshot_date

    from due

    left join present
        on due.snapshot_date = present.snapshot_date

    where present.snapshot_date is null

{% endtest %}
