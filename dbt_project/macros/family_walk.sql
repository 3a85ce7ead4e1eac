{#-
    The family walk of int_model_families (its header comment gives the rule): CTEs
    `parent_links` (each model's one link: its largest known base), `walk` and `roots` (each
    model's family root and depth), over CTEs `models` (keyed by `key`) and `sizes`
    (`key`, parameter_count) and the relation `edges` (int_model_lineage_edges' columns, keyed
    by `key` and `base_<key>`). Needs `with recursive`. The daily path keys models by
    model_uid; the census by census_key (a model of one census date).
-#}
{% macro family_root_ctes(edges, key='model_uid', root_key='family_root_uid') %}
    {%- set max_depth = var('family_lineage_max_depth', 16) | int %}
parent_links as (

    select
        edges.{{ key }},
        edges.base_{{ key }} as parent_uid

    from {{ edges }} as edges

    inner join models as bases
        on edges.base_{{ key }} = bases.{{ key }}

    left join sizes
        on edges.base_{{ key }} = sizes.{{ key }}

    where not edges.is_self_reference

    qualify row_number() over (
        partition by edges.{{ key }}
        order by sizes.parameter_count desc nulls last, edges.base_rank asc
    ) = 1

),

walk as (

    select
        {{ key }},
        {{ key }} as node_uid,
        0 as n_links,
        {{ list_of(key) }} as visited_uids

    from models

    union all

    select
        walk.{{ key }},
        parent_links.parent_uid as node_uid,
        walk.n_links + 1 as n_links,
        {{ list_appended('walk.visited_uids', 'parent_links.parent_uid') }} as visited_uids

    from walk

    inner join parent_links
        on walk.node_uid = parent_links.{{ key }}

    where
        walk.n_links < {{ max_depth }}
        and not {{ list_has('walk.visited_uids', 'parent_links.parent_uid') }}

),

roots as (

    select
        {{ key }},
        node_uid as {{ root_key }},
        n_links as family_depth

    from walk

    qualify row_number() over (partition by {{ key }} order by n_links desc) = 1

)
{%- endmacro %}
