{#-
    int_model_lineage_edges in two parts, shared with the census's int_census_lineage_edges:
    `base_model_tag_ctes`: CTEs `model_tags`, `base_model_tags` and `tagged_bases` (one row per
    model and base name its `base_model:` tags declare, with the relation and first position)
    over a CTE `models` (`key`, model_id, tags); `lineage_edges_select`: the edges deduplicated
    (a base named twice is one edge) and numbered, over a CTE `resolved` (tagged_bases with
    `base_<key>`, the model each base name belongs to), keeping the columns `carry` of it.
-#}
{% macro base_model_tag_ctes(key='model_uid') %}
    {%- set base_model_tag = "'" ~ var('base_model_tag_pattern') ~ "'" %}
model_tags as (

    select
        {{ key }},
        model_id,
        {{ unnest_list('tags') }} as tag,
        generate_subscripts(tags, 1) as tag_position

    from models

),

base_model_tags as (

    select
        {{ key }},
        model_id,
        tag_position,
        nullif(regexp_extract(tag, {{ base_model_tag }}, 1), '') as relation,
        nullif(regexp_extract(tag, {{ base_model_tag }}, 2), '') as base_model_id

    from model_tags

    where starts_with(tag, 'base_model:')

),

tagged_bases as (

    select
        {{ key }},
        model_id,
        base_model_id,
        max(relation) as relation,
        min(tag_position) as first_position

    from base_model_tags

    where base_model_id is not null

    group by {{ key }}, model_id, base_model_id

)
{%- endmacro %}

-- noqa: disable=LT02
{% macro lineage_edges_select(key='model_uid', carry=[]) %}
-- a base named twice (its old and new name, two cases) is one edge, named as first listed
edges as (

    select
        {%- for column in carry %}
        {{ column }},
        {%- endfor %}
        {{ key }},
        model_id,
        base_{{ key }},
        base_model_id,
        first_position,
        max(relation) over (partition by {{ key }}, base_{{ key }}) as relation

    from resolved

    qualify row_number() over (
        partition by {{ key }}, base_{{ key }}
        order by first_position
    ) = 1

)

select
    {%- for column in carry %}
    {{ column }},
    {%- endfor %}
    {{ key }},
    model_id,
    base_{{ key }},
    base_model_id,
    relation,
    row_number() over (partition by {{ key }} order by first_position) as base_rank,
    base_{{ key }} = {{ key }} or lower(base_model_id) = lower(model_id) as is_self_reference

from edges
{% endmacro %}
