{#-
    Every non-null value of `column_name` lies between the columns `low` and `high` of its row,
    give or take `tolerance` (floating-point rounding): an interval or a pair of bounds that
    holds its own estimate. A row whose value is set but a bound is NULL fails too.
-#}
{% test is_within(model, column_name, low, high, tolerance=1e-9) %}

    select
        {{ column_name }},
        {{ low }},
        {{ high }}

    from {{ model }}

    where
        {{ column_name }} is not null
        and (
            {{ low }} is null
            or {{ high }} is null
            or {{ low }} > {{ column_name }} + {{ tolerance }}
            or {{ high }} < {{ column_name }} - {{ tolerance }}
        )

{% endtest %}
