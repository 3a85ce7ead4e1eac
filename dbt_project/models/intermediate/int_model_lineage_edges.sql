-- The model tree the Hub's tags declare: one row per (model, base model) named by a
-- `base_model:<id>` or `base_model:<relation>:<id>` tag (relation adapter, finetune, merge or
-- quantized) of a known model (int_hub_models). A base named in both forms is one edge, with
-- the relation of the second form. base_rank orders a model's bases as its tags list them
-- (a merge has several). A card that names the model itself is kept, flagged.

{{ config(materialized='table') }}

{%- set base_model_tag = "'^base_model:(?:(adapter|finetune|merge|quantized):)?([^:]+)$'" %}

with

models as (

    select
        model_id,
        tags

    from {{ ref('int_hub_models') }}

),

model_tags as (

    select
        model_id,
        {{ unnest_list('tags') }} as tag,
        generate_subscripts(tags, 1) as tag_position

    from models

),

base_model_tags as (

    select
        model_id,
        tag_position,
        nullif(regexp_extract(tag, {{ base_model_tag }}, 1), '') as relation,
        nullif(regexp_extract(tag, {{ base_model_tag }}, 2), '') as base_model_id

    from model_tags

    where starts_with(tag, 'base_model:')

),

edges as (

    select
        model_id,
        base_model_id,
        max(relation) as relation,
        min(tag_position) as first_position

    from base_model_tags

    where base_model_id is not null

    group by model_id, base_model_id

)

select
    model_id,
    base_model_id,
    relation,
    row_number() over (partition by model_id order by first_position) as base_rank,
    lower(base_model_id) = lower(model_id) as is_self_reference

from edges
