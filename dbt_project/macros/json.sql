{#-
    Reading the Hub's JSON records. Each macro takes the JSON column and a dotted path of keys
    ('author', 'safetensors.total') and returns SQL NULL when a key is absent, as the Hub omits
    keys a model has no value for. The DuckDB implementations are the `duckdb__` variants; another
    adapter needs its own `<adapter>__` variants (adapter.dispatch picks them), the models stay as
    they are.
-#}

{% macro json_text(column, path) -%}
    {{ return(adapter.dispatch('json_text', 'slm_observatory')(column, path)) }}
{%- endmacro %}

{% macro json_bigint(column, path) -%}
    {{ return(adapter.dispatch('json_bigint', 'slm_observatory')(column, path)) }}
{%- endmacro %}

{% macro json_double(column, path) -%}
    {{ return(adapter.dispatch('json_double', 'slm_observatory')(column, path)) }}
{%- endmacro %}

{% macro json_boolean(column, path) -%}
    {{ return(adapter.dispatch('json_boolean', 'slm_observatory')(column, path)) }}
{%- endmacro %}

{#- An ISO-8601 timestamp with an offset ('2024-12-01T06:00:34.000Z') as a UTC timestamp. -#}
{% macro json_utc_timestamp(column, path) -%}
    {{ return(adapter.dispatch('json_utc_timestamp', 'slm_observatory')(column, path)) }}
{%- endmacro %}

{#- A JSON array of strings as the adapter's list type (DuckDB VARCHAR[]). -#}
{% macro json_string_list(column, path) -%}
    {{ return(adapter.dispatch('json_string_list', 'slm_observatory')(column, path)) }}
{%- endmacro %}


{% macro duckdb__json_path(path) -%}
    '$.{{ path }}'
{%- endmacro %}

{% macro duckdb__json_text(column, path) -%}
    json_extract_string({{ column }}, {{ duckdb__json_path(path) }})
{%- endmacro %}

{% macro duckdb__json_bigint(column, path) -%}
    cast({{ duckdb__json_text(column, path) }} as bigint)
{%- endmacro %}

{% macro duckdb__json_double(column, path) -%}
    cast({{ duckdb__json_text(column, path) }} as double)
{%- endmacro %}

{% macro duckdb__json_boolean(column, path) -%}
    cast(json_extract({{ column }}, {{ duckdb__json_path(path) }}) as boolean)
{%- endmacro %}

{% macro duckdb__json_utc_timestamp(column, path) -%}
    cast(cast({{ duckdb__json_text(column, path) }} as timestamptz) at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro duckdb__json_string_list(column, path) -%}
    cast(json_extract({{ column }}, {{ duckdb__json_path(path) }}) as varchar[])
{%- endmacro %}


{% macro default__json_text(column, path) -%}
    {{ not_implemented_for_adapter('json_text') }}
{%- endmacro %}

{% macro default__json_bigint(column, path) -%}
    {{ not_implemented_for_adapter('json_bigint') }}
{%- endmacro %}

{% macro default__json_double(column, path) -%}
    {{ not_implemented_for_adapter('json_double') }}
{%- endmacro %}

{% macro default__json_boolean(column, path) -%}
    {{ not_implemented_for_adapter('json_boolean') }}
{%- endmacro %}

{% macro default__json_utc_timestamp(column, path) -%}
    {{ not_implemented_for_adapter('json_utc_timestamp') }}
{%- endmacro %}

{% macro default__json_string_list(column, path) -%}
    {{ not_implemented_for_adapter('json_string_list') }}
{%- endmacro %}
