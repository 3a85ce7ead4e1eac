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
{#- True while a hook runs for a model of one of `materializations` with an enforced contract. -#}
{% macro is_contract_model(materializations) -%}
    {%- set contract = config.get('contract') -%}
    {{ return(
        execute and model.resource_type == 'model'
        and contract is not none and contract.enforced
        and config.get('materialized') in materializations
    ) }}
{%- endmacro %}

{% macro ensure_not_null_constraints() -%}
    {%- if not is_contract_model(['table', 'incremental']) -%}
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

{#-
    CHECK constraints of an incremental model's enforced contract, also on a table built before.

    A column's own range or list of values (`constraints: [{type: check, expression: ...}]`: a
    share between 0 and 100, a status among its values) is a contract constraint, not an
    `is_between` or `accepted_values` data test: DuckDB refuses the row on insert, so a bad value
    never lands, where a data test is one more query per column and build. dbt writes the
    constraints into a table's CREATE only, and DuckDB cannot add a CHECK to an existing table.
    So this post-hook (dbt_project.yml) compares, after each build of an incremental model, the
    CHECKs its table holds with those of its contract, both as DuckDB writes them (an empty
    temporary table created from the contract's DDL shows the contract's); where they differ (a
    check added, changed or dropped), it moves the rows into a new table with the contract's
    constraints: a row of history the contract refuses fails the build with DuckDB's error
    naming the expression, as the data test did. Tables are created again by every build, and
    get them from their CREATE.
-#}
{% macro ensure_check_constraints() -%}
    {%- if not is_contract_model(['incremental']) -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(adapter.dispatch('ensure_check_constraints', 'slm_observatory')()) }}
{%- endmacro %}

{#- DuckDB's catalog of constraints, and a temporary table, show the two lists of CHECKs. -#}
{% macro duckdb__ensure_check_constraints() -%}
    {#- One query: the contract's DDL on an empty temporary table (replaced by the next model's),
        then the two lists of CHECK expressions side by side. -#}
    {%- set compare_sql -%}
        create or replace temporary table contract_checks_probe {{ get_table_columns_and_constraints() }};
        select
            coalesce(string_agg(expression, ' ; ' order by expression) filter (
                where database_name = 'temp' and table_name = 'contract_checks_probe'
            ), '') as declared,
            coalesce(string_agg(expression, ' ; ' order by expression) filter (
                where
                    database_name = '{{ this.database }}'
                    and schema_name = '{{ this.schema }}'
                    and table_name = '{{ this.identifier }}'
            ), '') as held
        from duckdb_constraints()
        where constraint_type = 'CHECK'
    {%- endset -%}
    {%- set compared = run_query(compare_sql).rows[0] -%}
    {%- set declared, held = compared[0], compared[1] -%}
    {%- if declared == held -%}
        {{ return('') }}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for name in model.columns.keys() -%}
        {%- do quoted.append(adapter.quote(name)) -%}
    {%- endfor -%}
    {%- set columns = quoted | join(', ') -%}
    {%- set rebuilt_name = this.identifier ~ '__with_contract_checks' -%}
    {%- set rebuilt = this.incorporate(path={'identifier': rebuilt_name}) -%}
    {%- set statements = [
        'create table ' ~ rebuilt ~ ' ' ~ get_table_columns_and_constraints(),
        'insert into ' ~ rebuilt ~ ' (' ~ columns ~ ') select ' ~ columns ~ ' from ' ~ this,
        'drop table ' ~ this,
        'alter table ' ~ rebuilt ~ ' rename to ' ~ adapter.quote(this.identifier),
    ] -%}
    {{ return(statements | join(';\n')) }}
{%- endmacro %}

{% macro default__ensure_check_constraints() -%}
    {{ not_implemented_for_adapter('ensure_check_constraints') }}
{%- endmacro %}
