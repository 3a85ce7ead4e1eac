{#-
    Data tests over history test the dates a run wrote, not every date again.

    A data test whose `where` config holds `__in_run_window__(<date column>)` sees, on a run
    with a window start (the daily run, a backfill: macros/snapshot_window.sql), the rows of
    that date and later only: the rows that run inserted or recomputed. Without a window, or
    with --full-refresh, it sees every row. Earlier dates were tested by the runs that wrote
    them, so the daily cost of these tests stays that of one day however long the history
    grows (`make bench`, B2).

    Example (a model's .yml):
        data_tests:
          - unique_combination_of_columns:
              arguments:
                combination_of_columns: ["snapshot_date", "model_id"]
              config:
                where: "__in_run_window__(snapshot_date)"

    `where` is rendered before any macro can run, hence a placeholder that dbt's test
    subquery (get_where_subquery, overridden here as dbt's docs describe) replaces.
-#}

{#- The filter a run's data tests apply to `column`, for the placeholder and singular tests. -#}
{% macro in_run_window(column) -%}
    {%- set start_date = snapshot_window_date('start') -%}
    {%- if start_date is not none and not flags.FULL_REFRESH -%}
        {{ column }} >= {{ snapshot_date_literal(start_date) }}
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {#- The replacement names the column as \1, the placeholder's argument. -#}
        {%- set where = modules.re.sub(
            '__in_run_window__\\((\\w+)\\)', in_run_window('\\1') | trim, where
        ) -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {% do return(filtered) %}
    {%- else -%}
        {% do return(relation) %}
    {%- endif -%}
{%- endmacro %}
