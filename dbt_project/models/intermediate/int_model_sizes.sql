-- Every known model's parameter count, where it comes from and how sure it is: the size
-- resolution chain (docs/design.md, "Model sizes"). For each model of int_hub_models, the
-- first of:
--   1. safetensors: `safetensors.total`, unless the repo is an adapter (its safetensors hold
--      the adapter only) or stores packed quantized weights (GPTQ/AWQ/bitsandbytes, which
--      under-count); see macros/size_repo_flags.sql;
--   2. gguf: `gguf.total` (not for adapters);
--   3. base_model: the resolved size of the model's base(s), from `base_model:` tags (an
--      adapter, quantization, fine-tune or merge is the size of what it derives from);
--   4. name: the size written in the repository name (macros/size_from_name.sql);
--   5. unknown.
-- Models and bases are keyed by model_uid (the Hub's `_id`): a base renamed since a tag named
-- it is the same model (int_model_lineage_edges.base_model_uid).
-- Step 3 is recursive: a base resolves by the same chain. It is unrolled over
-- var('size_lineage_max_depth') levels (level k is exact for every model whose lineage is at
-- most k deep), so a cycle (a card naming itself, two cards naming each other) cannot loop: a
-- self-reference is dropped, a longer cycle stops at the last level. A base no listing served
-- is read from raw.hub_model_details; a base the Hub does not have leaves step 3 empty.
-- Several bases (a merge): when the resolved sizes of the bases agree within
-- var('size_merge_agreement') (default 10 %: the same size up to added tokens), the model
-- takes the largest; when they disagree (a passthrough or mixture-of-experts merge, whose size
-- is none of its bases'), the name decides, and only without a size in the name the largest
-- base size is used, with low confidence.

{{ config(materialized='table') }}

{%- set max_depth = var('size_lineage_max_depth', 8) | int %}
{%- set agreement = var('size_merge_agreement', 1.1) %}

with

models as (

    select * from {{ ref('int_hub_models') }}

),

edges as (

    select
        relation,
        model_uid as model_key,
        base_model_uid as base_key

    from {{ ref('int_model_lineage_edges') }}

    where not is_self_reference

),

edge_counts as (

    select
        model_key,
        count(*) as n_declared_bases,
        bool_or(relation = 'adapter') as declares_adapter_relation

    from edges

    group by model_key

),

nodes as (

    select
        models.model_uid,
        models.model_id,
        models.has_packed_weights,
        models.name_parameter_count,
        models.name_size_pattern,
        models.model_uid as model_key,
        coalesce(edge_counts.n_declared_bases, 0) as n_declared_bases,
        models.is_adapter_by_tags
        or coalesce(edge_counts.declares_adapter_relation, false) as is_adapter,
        case
            when
                not models.is_adapter_by_tags
                and not coalesce(edge_counts.declares_adapter_relation, false)
                and not models.has_packed_weights
                and models.safetensors_total > 0
                then 'safetensors'
            when
                not models.is_adapter_by_tags
                and not coalesce(edge_counts.declares_adapter_relation, false)
                and models.gguf_total > 0
                then 'gguf'
        end as own_source

    from models

    left join edge_counts
        on models.model_uid = edge_counts.model_key

),

own_counts as (

    select
        nodes.*,
        case nodes.own_source
            when 'safetensors' then models.safetensors_total
            when 'gguf' then models.gguf_total
        end as own_parameter_count

    from nodes

    inner join models
        on nodes.model_uid = models.model_uid

),

-- level 0: what each model says by itself (its own count, else its name)
level_0 as (

    select
        model_key,
        name_parameter_count as nominal_parameter_count,
        0 as lineage_depth,
        false as bases_disagree,
        coalesce(own_parameter_count, name_parameter_count) as parameter_count,
        coalesce(own_source, case when name_parameter_count is not null then 'name' end)
            as parameter_source,
        coalesce(own_source, case when name_parameter_count is not null then 'name' end)
            as origin_source,
        case
            when own_parameter_count is not null or name_parameter_count is not null
                then model_id
        end as resolved_from

    from own_counts

),

{% for level in range(1, max_depth + 1) %}
-- level {{ level }}: bases resolved at level {{ level - 1 }}; the largest resolved base kept
bases_{{ level }} as (

    select
        edges.model_key,
        base.parameter_count,
        base.origin_source,
        base.resolved_from,
        base.lineage_depth,
        min(base.parameter_count) over (partition by edges.model_key) as smallest_base_count,
        max(base.nominal_parameter_count) over (partition by edges.model_key)
            as base_nominal_parameter_count

    from edges

    inner join level_{{ level - 1 }} as base
        on edges.base_key = base.model_key

    where base.parameter_count is not null

    qualify row_number() over (
        partition by edges.model_key
        order by base.parameter_count desc, base.resolved_from asc
    ) = 1

),

level_{{ level }} as (

    select
        own_counts.model_key,
        case
            when own_counts.own_parameter_count is not null then own_counts.own_parameter_count
            when base.smallest_base_count * {{ agreement }} >= base.parameter_count
                then base.parameter_count
            when own_counts.name_parameter_count is not null
                then own_counts.name_parameter_count
            else base.parameter_count
        end as parameter_count,
        case
            when own_counts.own_parameter_count is not null then own_counts.own_source
            when base.smallest_base_count * {{ agreement }} >= base.parameter_count
                then 'base_model'
            when own_counts.name_parameter_count is not null then 'name'
            when base.parameter_count is not null then 'base_model'
        end as parameter_source,
        case
            when own_counts.own_parameter_count is not null then own_counts.own_source
            when base.smallest_base_count * {{ agreement }} >= base.parameter_count
                then base.origin_source
            when own_counts.name_parameter_count is not null then 'name'
            else base.origin_source
        end as origin_source,
        case
            when own_counts.own_parameter_count is not null then own_counts.model_id
            when base.smallest_base_count * {{ agreement }} >= base.parameter_count
                then base.resolved_from
            when own_counts.name_parameter_count is not null then own_counts.model_id
            else base.resolved_from
        end as resolved_from,
        case
            when own_counts.own_parameter_count is not null then 0
            when base.smallest_base_count * {{ agreement }} >= base.parameter_count
                then base.lineage_depth + 1
            when own_counts.name_parameter_count is not null then 0
            when base.parameter_count is not null then base.lineage_depth + 1
        end as lineage_depth,
        coalesce(base.smallest_base_count * {{ agreement }} < base.parameter_count, false)
            as bases_disagree,
        coalesce(own_counts.name_parameter_count, base.base_nominal_parameter_count)
            as nominal_parameter_count

    from own_counts

    left join bases_{{ level }} as base
        on own_counts.model_key = base.model_key

),
{% endfor %}

resolved as (

    select
        own_counts.model_uid,
        own_counts.model_id,
        own_counts.is_adapter,
        own_counts.has_packed_weights,
        own_counts.own_source,
        own_counts.own_parameter_count,
        own_counts.name_parameter_count,
        own_counts.name_size_pattern,
        own_counts.n_declared_bases,
        final.parameter_count,
        final.origin_source,
        final.resolved_from,
        final.lineage_depth,
        final.bases_disagree,
        final.nominal_parameter_count,
        coalesce(final.parameter_source, 'unknown') as parameter_source

    from own_counts

    inner join level_{{ max_depth }} as final
        on own_counts.model_key = final.model_key

)

select
    model_uid,
    model_id,
    parameter_count,
    parameter_source,
    resolved_from as size_resolved_from,
    lineage_depth as size_lineage_depth,
    nominal_parameter_count,
    own_source,
    own_parameter_count,
    name_parameter_count,
    name_size_pattern,
    n_declared_bases,
    bases_disagree,
    is_adapter,
    has_packed_weights,
    case
        when parameter_source in ('safetensors', 'gguf') then 'high'
        when
            parameter_source = 'base_model'
            and origin_source in ('safetensors', 'gguf')
            and not bases_disagree
            then 'medium'
        when parameter_source in ('base_model', 'name') then 'low'
        else 'none'
    end as parameter_confidence

from resolved
