{#-
    No two rows share the same values of `combination_of_columns` (a table's key spans several
    columns). Fails with one row per duplicated key.
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as n_rows

    from {{ model }}

    group by {{ combination_of_columns | join(', ') }}

    having count(*) > 1

{% endtest %}
