{#-
    NOT NULL on the tables whose contract says so, also on a warehouse built before it did.

    The tables and incremental models with an enforced contract declare their non-null columns
    as contract constraints (`constraints: [{type: not_null}]` in their .yml), not as `not_null`
    data tests: DuckDB refuses the null on insert, at no cost to a run, where a data test is a
    query of its own per column after every build. dbt writes the constraints into the CREATE
    TABLE of a first build or a --full-refresh only; an incremental table created before a
    column was constrained would keep accepting nulls. This post-hook (dbt_project.yml) adds
    what the catalog lacks after each build of the model: ALTER ... SET NOT NULL checks the rows
    already there, so a null in history fails the build naming the table and the column, as the
    data test did.
-#}
{% macro ensure_not_null_constraints() -%}
    {%- if not execute or model.resource_type != 'model' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set contract = config.get('contract') -%}
    {%- set is_table = config.get('materialized') in ('table', 'incremental') -%}
    {%- if not (contract and contract.enforced and is_table) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set declared = [] -%}
    {%- for column in model.columns.values() -%}
        {%- for constraint in column.constraints if constraint.type == 'not_null' -%}
            {%- do declared.append(column.name) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if not declared -%}
        {{ return('') }}
    {%- endif -%}
    {%- set nullable_sql -%}
        select column_name
        from information_schema.columns
        where
            table_schema = '{{ this.schema }}'
            and table_name = '{{ this.identifier }}'
            and is_nullable = 'YES'
            and column_name in ({% for name in declared %}'{{ name }}'{{ ', ' if not loop.last }}{% endfor %})
        order by column_name
    {%- endset -%}
    {%- set missing = run_query(nullable_sql).columns[0].values() -%}
    {%- set statements = [] -%}
    {%- for name in missing -%}
        {%- do statements.append(
            'alter table ' ~ this ~ ' alter column ' ~ adapter.quote(name) ~ ' set not null'
        ) -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
{%- endmacro %}
