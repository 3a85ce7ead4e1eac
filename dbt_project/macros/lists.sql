{#-
    One output row per element of a list column, used in a select list:
    `select model_id, {{ unnest_list('tags') }} as tag from ...` (a row with an empty or NULL
    list yields no row).
-#}
{% macro unnest_list(column) -%}
    {{ return(adapter.dispatch('unnest_list', 'slm_observatory')(column)) }}
{%- endmacro %}

{% macro duckdb__unnest_list(column) -%}
    unnest({{ column }})
{%- endmacro %}

{% macro default__unnest_list(column) -%}
    {{ not_implemented_for_adapter('unnest_list') }}
{%- endmacro %}
