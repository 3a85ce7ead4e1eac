{#-
    Generic tests of the history models (models/*/history).

    history_rows_satisfy: every row of the model (matching the test's `where`, if any) makes
    `condition` true; a row where it is false or NULL fails. Fails with those rows.
-#}
{% test history_rows_satisfy(model, condition) %}

    select *

    from {{ model }}

    where not coalesce({{ condition }}, false)

{% endtest %}
