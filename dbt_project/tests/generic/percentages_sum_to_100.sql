{#-
    Within each group of `group_by` columns, the non-null percentages of `column_name` add up to
    100, give or take `tolerance`. Groups whose percentages are all null (nothing to share) are
    not checked. Fails with one row per group that is off.
-#}
{% test percentages_sum_to_100(model, column_name, group_by, tolerance=0.01) %}

    select
        {{ group_by | join(', ') }},
        sum({{ column_name }}) as total_pct

    from {{ model }}

    where {{ column_name }} is not null

    group by {{ group_by | join(', ') }}

    having abs(sum({{ column_name }}) - 100) > {{ tolerance }}

{% endtest %}
