{#-
    `*` without some columns, in a select list: `select {{ star_except(['n']) }} from ranked`.
    Dispatched: DuckDB (and Snowflake) write `* exclude (...)`, BigQuery `* except (...)`.
-#}
{% macro star_except(columns) -%}
    {{ return(adapter.dispatch('star_except', 'slm_observatory')(columns)) }}
{%- endmacro %}

{% macro duckdb__star_except(columns) -%}
    * exclude ({{ columns | join(', ') }})
{%- endmacro %}

{% macro default__star_except(columns) -%}
    {{ not_implemented_for_adapter('star_except') }}
{%- endmacro %}
