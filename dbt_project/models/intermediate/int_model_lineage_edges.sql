-- The model tree the Hub's tags declare: one row per (model, base model) named by a
-- `base_model:<id>` or `base_model:<relation>:<id>` tag (relation adapter, finetune, merge or
-- quantized) of a known model (int_hub_models). A base named in both forms is one edge, with
-- the relation of the second form. base_rank orders a model's bases as its tags list them
-- (a merge has several). A card that names the model itself is kept, flagged.
-- A tag keeps the name the base had when the card was written: base_model_uid is the model
-- that name (in any case) belongs to (int_model_names), so a renamed base is still found;
-- a name no model ever had falls back to the name lower-cased, as model_uid does.

{{ config(materialized='table') }}


with

models as (

    select
        model_uid,
        model_id,
        tags

    from {{ ref('int_hub_models') }}

),

{{ base_model_tag_ctes() }},

-- Which model a name belongs to: the one that held it in that exact case, then in another
-- case; among several (a name freed by a rename and taken again), the one that held it last.
name_owners as (

    select
        tagged_bases.model_uid,
        tagged_bases.base_model_id,
        model_names.model_uid as base_model_uid

    from tagged_bases

    inner join {{ ref('int_model_names') }} as model_names
        on lower(tagged_bases.base_model_id) = lower(model_names.model_id)

    qualify row_number() over (
        partition by tagged_bases.model_uid, tagged_bases.base_model_id
        order by
            model_names.model_id = tagged_bases.base_model_id desc,
            model_names.last_seen_date desc,
            model_names.model_uid asc
    ) = 1

),

resolved as (

    select
        tagged_bases.*,
        coalesce(name_owners.base_model_uid, lower(tagged_bases.base_model_id))
            as base_model_uid

    from tagged_bases

    left join name_owners
        on
            tagged_bases.model_uid = name_owners.model_uid
            and tagged_bases.base_model_id = name_owners.base_model_id

),

{{ lineage_edges_select() }}
