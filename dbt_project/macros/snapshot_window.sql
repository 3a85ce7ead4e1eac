{#-
    The partition window of a run: vars snapshot_start_date / snapshot_end_date ('YYYY-MM-DD',
    inclusive, null = unbounded on that side). See dbt_project.yml.
-#}

{#- A date var as a SQL date literal; a malformed value fails the cast in the database. -#}
{% macro snapshot_date_literal(value) -%}
    cast('{{ value | string | replace("'", "''") }}' as date)
{%- endmacro %}

{#- `column` within the window (`1 = 1` when both bounds are null). -#}
{% macro snapshot_window(column) -%}
    {%- set start_date = var('snapshot_start_date', none) -%}
    {%- set end_date = var('snapshot_end_date', none) -%}
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
    {%- set end_date = var('snapshot_end_date', none) -%}
    {%- if end_date is not none -%}
        {{ column }} <= {{ snapshot_date_literal(end_date) }}
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}
