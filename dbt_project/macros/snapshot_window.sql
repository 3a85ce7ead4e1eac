{#-
    The partition window of a run: vars snapshot_start_date / snapshot_end_date ('YYYY-MM-DD',
    inclusive, null = unbounded on that side). See dbt_project.yml.
-#}

{#-
    A bound of the window ('start' or 'end'), or none: var snapshot_<bound>_date when set (the
    dbt CLI, a unit test's `overrides`), else env var SLM_OBS_SNAPSHOT_<BOUND>_DATE, which is
    how the Dagster assets pass it. A changed `--vars` makes dbt parse the whole project again
    (seconds per run); an env var read only at execution (`execute`) is not recorded by the
    parser, so a new window keeps dbt's partial parse. The window never changes what a model
    refs, so the parse needs no window.
-#}
{% macro snapshot_window_date(bound) -%}
    {%- set value = var('snapshot_' ~ bound ~ '_date', none) -%}
    {%- if value is none and execute -%}
        {%- set value = env_var('SLM_OBS_SNAPSHOT_' ~ bound | upper ~ '_DATE', '') or none -%}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- A date var as a SQL date literal; a malformed value fails the cast in the database. -#}
{% macro snapshot_date_literal(value) -%}
    cast('{{ value | string | replace("'", "''") }}' as date)
{%- endmacro %}

{#- `column` within the window (`1 = 1` when both bounds are null). -#}
{% macro snapshot_window(column) -%}
    {%- set start_date = snapshot_window_date('start') -%}
    {%- set end_date = snapshot_window_date('end') -%}
    {%- set conditions = [] -%}
    {%- if start_date is not none -%}
        {%- do conditions.append(column ~ ' >= ' ~ snapshot_date_literal(start_date)) -%}
    {%- endif -%}
    {%- if end_date is not none -%}
        {%- do conditions.append(column ~ ' <= ' ~ snapshot_date_literal(end_date)) -%}
    {%- endif -%}
    {{ conditions | join(' and ') if conditions else '1 = 1' }}
{%- endmacro %}

{#-
    The filter of an incremental mart: the run's window on an incremental run, everything on a
    first build or a --full-refresh.
-#}
{% macro incremental_snapshot_window(column) -%}
    {%- if is_incremental() -%}
        {{ snapshot_window(column) }}
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#-
    `column` up to the window's end (`1 = 1` without snapshot_end_date): the dates a run over
    the window must leave complete (test has_every_snapshot_date).
-#}
{% macro snapshot_window_end(column) -%}
    {%- set end_date = snapshot_window_date('end') -%}
    {%- if end_date is not none -%}
        {{ column }} <= {{ snapshot_date_literal(end_date) }}
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}
