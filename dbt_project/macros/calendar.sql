{#-
    Date arithmetic of the report's snapshot calendar, portable through adapter.dispatch:
    `add_days(date_expression, days_expression)` is a date; `days_between(earlier, later)` the
    number of calendar days from one date to the other.
-#}
{% macro add_days(date_expression, days_expression) -%}
    {{ return(adapter.dispatch('add_days', 'slm_observatory')(date_expression, days_expression)) }}
{%- endmacro %}

{% macro duckdb__add_days(date_expression, days_expression) -%}
    cast({{ date_expression }} + cast({{ days_expression }} as integer) as date)
{%- endmacro %}

{% macro default__add_days(date_expression, days_expression) -%}
    {{ not_implemented_for_adapter('add_days') }}
{%- endmacro %}

{% macro days_between(earlier, later) -%}
    {{ return(adapter.dispatch('days_between', 'slm_observatory')(earlier, later)) }}
{%- endmacro %}

{% macro duckdb__days_between(earlier, later) -%}
    date_diff('day', {{ earlier }}, {{ later }})
{%- endmacro %}

{% macro default__days_between(earlier, later) -%}
    {{ not_implemented_for_adapter('days_between') }}
{%- endmacro %}
