{#-
    What a model's own record says about its size, before any lineage (int_hub_models, and the
    census's int_census_models): CTEs `described` and `sized_by_name` over a CTE `named` holding
    `columns` and `repo_name` (macros/size_from_name.sql), beside a CTE `moe_sizes` (the seed
    moe_name_sizes). Adds is_adapter_by_tags, has_packed_weights, name_moe_label,
    name_dense_parameter_count, name_parameter_count and name_size_pattern.
-#}
-- noqa: disable=LT02
{% macro size_evidence_ctes(columns) %}
described as (

    select
        {%- for column in columns %}
        named.{{ column }},
        {%- endfor %}
        {{ size_is_adapter('named.tags', 'named.library_name') }} as is_adapter_by_tags,
        {{ size_has_packed_weights('named.tags', 'named.safetensors_dtypes') }}
            as has_packed_weights,
        {{ size_moe_label('named.repo_name') }} as name_moe_label,
        {{ size_written_in_name('named.repo_name') }} as name_dense_parameter_count

    from named

),

sized_by_name as (

    select
        described.*,
        case
            when described.name_moe_label is not null
                then coalesce(
                    moe_sizes.total_parameters,
                    {{ size_moe_estimate('described.name_moe_label') }}
                )
            else described.name_dense_parameter_count
        end as name_parameter_count,
        case
            when moe_sizes.total_parameters is not null then 'moe_published'
            when described.name_moe_label is not null then 'moe_estimate'
            when described.name_dense_parameter_count is not null then 'dense'
        end as name_size_pattern

    from described

    left join moe_sizes
        on described.name_moe_label = moe_sizes.label

)
{% endmacro %}
