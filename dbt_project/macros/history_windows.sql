{#-
    What the history models (models/intermediate/history, models/marts/history) recompute on
    an incremental run.

    A history mart's rows for a date depend on earlier dates (a download delta on the previous
    observation, a 7-day rolling share on the 6 days before, a survival curve on every earlier
    day). The other way round, a changed date changes later dates. So an incremental run over the
    window [snapshot_start_date, snapshot_end_date] recomputes every date from
    snapshot_start_date to the latest one modelled, and reads the days before the window that
    those dates need. On the daily run the window is the latest day: exactly one date is
    recomputed. A run over an older window (a re-run, a backfill) also refreshes the dates after
    it, from the narrow intermediate tables (no JSON is parsed again). snapshot_end_date is not a
    bound here; int_model_observations and int_listing_memberships, which parse raw, keep to the
    window exactly.

    On a first build or with --full-refresh every date is computed (`1 = 1`).
-#}

{#- True when an incremental run recomputes only part of the history. -#}
{% macro history_is_partial_run() -%}
    {{ return(is_incremental() and snapshot_window_date('start') is not none) }}
{%- endmacro %}

{#-
    `column` among the dates a run recomputes: from the window's first date on. With
    grain='month', `column` holds months (first days): from the window's first month on.
-#}
{% macro history_recompute_from(column, grain='day') -%}
    {%- if history_is_partial_run() and grain == 'month' -%}
        {{ column }} >= cast(
            date_trunc('month', {{ snapshot_date_literal(snapshot_window_date('start')) }}) as date
        )
    {%- elif history_is_partial_run() -%}
        {{ column }} >= {{ snapshot_date_literal(snapshot_window_date('start')) }}
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#- `column` among the dates a run reads: the recomputed dates and `days_before` days before. -#}
{% macro history_read_from(column, days_before) -%}
    {%- if history_is_partial_run() -%}
        {{ column }} >= {{ history_days_before_start(days_before) }}
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#- The date `days` days before the window's first date (a partial run only). -#}
{% macro history_days_before_start(days) -%}
    cast(
        {{ snapshot_date_literal(snapshot_window_date('start')) }} - to_days(cast({{ days }} as integer))
        as date
    )
{%- endmacro %}

{#-
    Pre-hook of a history mart: remove the rows of the dates the run recomputes before inserting
    them again, so a recomputed date that no longer yields a row (or yields fewer) keeps no stale
    row. Nothing on a first build or a full refresh (the table is rebuilt whole).
-#}
{% macro history_delete_recomputed(column, grain='day') -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ history_recompute_from(column, grain) }}
    {%- endif -%}
{%- endmacro %}
