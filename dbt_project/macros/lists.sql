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

{#-
    Lists as values, for walks that remember where they have been:
    `{{ list_of('x') }}` a one-element list, `{{ list_appended('path', 'x') }}` the list with
    one more element, `{{ list_has('path', 'x') }}` whether the list holds the value.
-#}
{% macro list_of(value) -%}
    {{ return(adapter.dispatch('list_of', 'slm_observatory')(value)) }}
{%- endmacro %}

{% macro duckdb__list_of(value) -%}
    list_value({{ value }})
{%- endmacro %}

{% macro default__list_of(value) -%}
    {{ not_implemented_for_adapter('list_of') }}
{%- endmacro %}

{% macro list_appended(list_column, value) -%}
    {{ return(adapter.dispatch('list_appended', 'slm_observatory')(list_column, value)) }}
{%- endmacro %}

{% macro duckdb__list_appended(list_column, value) -%}
    list_append({{ list_column }}, {{ value }})
{%- endmacro %}

{% macro default__list_appended(list_column, value) -%}
    {{ not_implemented_for_adapter('list_appended') }}
{%- endmacro %}

{% macro list_has(list_column, value) -%}
    {{ return(adapter.dispatch('list_has', 'slm_observatory')(list_column, value)) }}
{%- endmacro %}

{% macro duckdb__list_has(list_column, value) -%}
    list_contains({{ list_column }}, {{ value }})
{%- endmacro %}

{% macro default__list_has(list_column, value) -%}
    {{ not_implemented_for_adapter('list_has') }}
{%- endmacro %}
