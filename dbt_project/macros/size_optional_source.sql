{#-
    A source table that may not exist yet, as a relation to select from: the table itself, or,
    while it is absent, an empty row set of the given columns ({name: type}).

    raw.hub_model_details is created by the Dagster asset raw/hub_model_details on its first
    run; a warehouse built before it (or by dbt alone, as the tests in tests/dbt do) has no
    such table, and its models then see no fetched model rather than failing. The `source()`
    call stays in the model, so dbt and Dagster keep the lineage.
-#}
{% macro size_optional_relation(relation, columns) -%}
    {%- set typed_nulls = [] -%}
    {%- for name, data_type in columns.items() -%}
        {%- do typed_nulls.append('cast(null as ' ~ data_type ~ ') as ' ~ name) -%}
    {%- endfor -%}
    {%- set absent = execute and load_relation(relation) is none -%}
    {{ '(select ' ~ typed_nulls | join(', ') ~ ' where false)' if absent else relation }}
{%- endmacro %}
