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
    data test did; and it drops the NOT NULL of a column the contract no longer declares, so the
    catalog follows the contract both ways. A not_null test that checks some rows only (a `where`
    other than the run's window, e.g. `n_models > 0`) stays a data test: a constraint holds for
    every row.
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
    {#- Both ways: a column the contract no longer declares non-null accepts nulls again. -#}
    {%- set catalog_sql -%}
        select column_name, is_nullable = 'YES' as is_nullable
        from information_schema.columns
        where
            table_schema = '{{ this.schema }}'
            and table_name = '{{ this.identifier }}'
        order by column_name
    {%- endset -%}
    {%- set statements = [] -%}
    {%- for row in run_query(catalog_sql).rows -%}
        {%- set column = adapter.quote(row[0]) -%}
        {%- if row[1] and row[0] in declared -%}
            {%- do statements.append('alter table ' ~ this ~ ' alter column ' ~ column ~ ' set not null') -%}
        {%- elif not row[1] and row[0] not in declared -%}
            {%- do statements.append('alter table ' ~ this ~ ' alter column ' ~ column ~ ' drop not null') -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
{%- endmacro %}
