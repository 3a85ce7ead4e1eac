-- Every known model's family: the root it rolls up to through the `base_model:` lineage the tags
-- declare (int_model_lineage_edges). Quantizations, adapters, fine-tunes and merges all join
-- their root's family; a model that names no base the warehouse knows is a root itself.
-- One link per model: among its bases that the warehouse knows (a listing served them or they
-- were fetched: int_hub_models), the largest by resolved parameter count (int_model_sizes),
-- so a merge of several bases joins the family of its largest; on a tie, or when no base has
-- a size, the base its tags list first (base_rank). A base the warehouse does not know (a
-- deleted or private repo, a name no model had) ends the walk: the last known model is the
-- root, so every family has a root with a record, a size and a creation date.
-- The walk follows at most var('family_lineage_max_depth') links and never steps into a model
-- it already passed: a self-reference is no link, and in a cycle of cards naming each other
-- the root is the last model before the walk would come back (lineage_truncated marks both).
-- The family's size is its root's (its class by the study's rule, macros/model_size.sql) and
-- its creation date the root's (the root's first listing record, else its fetched record).

{{ config(materialized='table') }}


with recursive

models as (

    select
        model_uid,
        model_id

    from {{ ref('int_hub_models') }}

),

sizes as (

    select
        model_uid,
        parameter_count,
        nominal_parameter_count

    from {{ ref('int_model_sizes') }}

),

{{ family_root_ctes(ref('int_model_lineage_edges')) }},

created as (

    select
        model_uid,
        min(created_at) as created_at

    from (
        select
            model_uid,
            created_at
        from {{ ref('int_model_observations') }}
        union all
        select
            model_uid,
            created_at
        from {{ ref('stg_hub__model_details') }}
        where status = 'ok'
    ) as records

    group by model_uid

)

select
    roots.model_uid,
    models.model_id,
    roots.family_root_uid,
    root_models.model_id as family_root_id,
    roots.family_depth,
    roots.model_uid = roots.family_root_uid as is_family_root,
    -- the walk stopped with a link left to follow: the depth bound, or a cycle
    parent_links.parent_uid is not null as lineage_truncated,
    root_sizes.parameter_count as family_parameter_count,
    {{ model_class(class_parameter_count(
        'root_sizes.parameter_count', 'root_sizes.nominal_parameter_count'
    )) }} as family_class,
    created.created_at as family_created_at

from roots

inner join models
    on roots.model_uid = models.model_uid

inner join models as root_models
    on roots.family_root_uid = root_models.model_uid

left join parent_links
    on roots.family_root_uid = parent_links.model_uid

left join sizes as root_sizes
    on roots.family_root_uid = root_sizes.model_uid

left join created
    on roots.family_root_uid = created.model_uid
