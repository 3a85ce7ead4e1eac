{#-
    The size resolution chain of int_model_sizes (its header comment says what each step does),
    over any set of models: `models`, a relation with int_hub_models' columns keyed by `key`, and
    `edges`, one with int_model_lineage_edges' columns (relation, base_model_id,
    is_self_reference) keyed by `key` and `base_<key>`. The daily path runs it over every model
    the warehouse knows (key model_uid); the census over each census's models (key census_key:
    a model of one census date). One row per model: `key`, model_id, parameter_count,
    parameter_source, ...
-#}
{% macro model_size_resolution(models, edges, key='model_uid') %}
    {%- set max_depth = var('size_lineage_max_depth', 8) | int %}
    {%- set agreement = var('size_merge_agreement', 1.1) %}
{%- set multimodal_tasks = [
    'image-text-to-text', 'visual-question-answering', 'video-text-to-text', 'image-to-text',
    'any-to-any', 'document-question-answering'
] %}
    {%- set image_encoder = "'(^|[^a-z0-9])(vit|clip|siglip2?|dinov2|internvit|eva02)([^a-z]|$)'" %}

with

models as (

    select * from {{ models }}

),

known_sizes as (

    select * from {{ ref('known_model_sizes') }}

),

edges as (

    select
        relation,
        base_model_id,
        {{ key }} as model_key,
        base_{{ key }} as base_key

    from {{ edges }}

    where not is_self_reference

),

edge_counts as (

    select
        model_key,
        count(*) as n_declared_bases,
        bool_or(relation = 'adapter') as declares_adapter_relation,
        bool_or(regexp_matches({{ size_name_of('base_model_id') }}, {{ image_encoder }}))
            as has_image_encoder_base,
        bool_or(not regexp_matches({{ size_name_of('base_model_id') }}, {{ image_encoder }}))
            as has_other_base

    from edges

    group by model_key

),

-- every model, and every base no record describes (sized by the seed only); such a base's
-- key is the one int_model_lineage_edges gives it (its name lower-cased)
subjects as (

    select
        {{ key }} as model_key,
        model_id,
        true as is_hub_model

    from models

    union all

    select
        base_key as model_key,
        min(base_model_id) as model_id,
        false as is_hub_model

    from edges

    where base_key not in (select models.{{ key }} from models)

    group by base_key

),

-- the seed row a model's id names, else the first whose name pattern its name matches
known_matches as (

    select
        subjects.model_key,
        known_sizes.total_parameters as known_parameter_count,
        -- a rounded published figure (`6.74B`) is not an exact count: lower confidence
        known_sizes.precision * 100 <= known_sizes.total_parameters as known_is_exact

    from subjects

    inner join known_sizes
        on
            lower(subjects.model_id) = lower(known_sizes.repo_id)
            or (
                contains({{ size_name_of('subjects.model_id') }}, known_sizes.name_contains)
                and regexp_matches(
                    {{ size_name_of('subjects.model_id') }}, known_sizes.name_pattern
                )
            )

    qualify row_number() over (
        partition by subjects.model_key
        order by
            lower(subjects.model_id) = lower(known_sizes.repo_id) desc,
            known_sizes.precedence asc,
            length(known_sizes.name_pattern) desc,
            known_sizes.repo_id asc
    ) = 1

),

nodes as (

    select
        subjects.model_id,
        subjects.is_hub_model,
        subjects.model_key,
        coalesce(models.has_packed_weights, false) as has_packed_weights,
        models.name_size_pattern,
        coalesce(edge_counts.n_declared_bases, 0) as n_declared_bases,
        coalesce(models.is_adapter_by_tags, false)
        or coalesce(edge_counts.declares_adapter_relation, false) as is_adapter,
        coalesce(
            {{ size_is_not_a_model('subjects.model_id', 'models.tags', 'models.library_name') }},
            false
        ) as is_not_a_model,
        coalesce(models.pipeline_tag in (
{%- for task in multimodal_tasks %}
                '{{ task }}'{{ ',' if not loop.last }}
{%- endfor %}
        ), false)
        or coalesce(edge_counts.has_image_encoder_base, false) as bases_are_components,
        -- an image encoder beside another base: a vision tower and a language model, summed
        -- whatever their sizes (a CLIP-L tower is larger than SmolLM2-135M, and may be as large
        -- as the language model)
        coalesce(edge_counts.has_image_encoder_base and edge_counts.has_other_base, false)
            as has_vision_tower_and_other,
        case
            when subjects.is_hub_model then models.name_parameter_count
        end as name_parameter_count,
        known_matches.known_parameter_count,
        coalesce(known_matches.known_is_exact, false) as known_is_exact,
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

    from subjects

    left join models
        on subjects.is_hub_model and subjects.model_key = models.{{ key }}

    left join edge_counts
        on subjects.model_key = edge_counts.model_key

    left join known_matches
        on subjects.model_key = known_matches.model_key

),

own_counts as (

    select
        nodes.*,
        case nodes.own_source
            when 'safetensors' then models.safetensors_total
            when 'gguf' then models.gguf_total
        end as own_parameter_count,
        -- what the name says: the exact known size, else the nominal one; nothing for a repo
        -- that is not a model of the size it names
        case
            when not nodes.is_not_a_model
                then coalesce(nodes.known_parameter_count, nodes.name_parameter_count)
        end as named_parameter_count,
        case
            when nodes.is_not_a_model then null
            when nodes.known_parameter_count is not null then 'known_base'
            when nodes.name_parameter_count is not null then 'name'
        end as named_source,
        case
            when nodes.is_not_a_model then null
            when nodes.known_parameter_count is not null and nodes.known_is_exact
                then 'known_base'
            when nodes.known_parameter_count is not null then 'known_rounded'
            when nodes.name_parameter_count is not null then 'name'
        end as named_origin

    from nodes

    left join models
        on nodes.is_hub_model and nodes.model_key = models.{{ key }}

),

-- level 0: what each model says by itself (its own count, else its name)
level_0 as (

    select
        model_key,
        name_parameter_count as nominal_parameter_count,
        0 as lineage_depth,
        false as bases_disagree,
        coalesce(own_parameter_count, named_parameter_count) as parameter_count,
        coalesce(own_source, named_source) as parameter_source,
        coalesce(own_source, named_origin) as origin_source,
        case
            when own_parameter_count is not null or named_parameter_count is not null
                then model_id
        end as resolved_from

    from own_counts

),

{% for level in range(1, max_depth + 1) %}
-- level {{ level }}: bases resolved at level {{ level - 1 }}; the largest resolved base kept,
-- with the smallest and the sum of them all
bases_{{ level }} as (

    select
        edges.model_key,
        base.parameter_count,
        base.origin_source,
        base.resolved_from,
        base.lineage_depth,
        min(base.parameter_count) over (partition by edges.model_key) as smallest_base_count,
        sum(base.parameter_count) over (partition by edges.model_key) as summed_base_count,
        count(*) over (partition by edges.model_key) as n_resolved_bases,
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

chosen_{{ level }} as (

    select
        own_counts.model_key,
        own_counts.model_id,
        own_counts.own_parameter_count,
        own_counts.own_source,
        own_counts.named_parameter_count,
        own_counts.named_source,
        own_counts.named_origin,
        own_counts.name_parameter_count,
        base.parameter_count as largest_base_count,
        base.summed_base_count,
        base.n_resolved_bases,
        base.origin_source as base_origin_source,
        base.resolved_from as base_resolved_from,
        base.lineage_depth as base_lineage_depth,
        base.base_nominal_parameter_count,
        coalesce(base.smallest_base_count * {{ agreement }} < base.parameter_count, false)
            as bases_disagree,
        case
            when own_counts.own_parameter_count is not null then 'own'
            when own_counts.is_not_a_model or base.parameter_count is null then
                case when own_counts.named_parameter_count is not null then 'named' end
            -- a base sized by its name's nominal size yields to the exact known size
            when
                base.origin_source = 'name'
                and own_counts.named_source = 'known_base'
                then 'named'
            -- a vision-language model's language-model base is one of its components: the
            -- known size of the whole, when its name gives one, beats it
            when
                own_counts.bases_are_components
                and own_counts.named_source = 'known_base'
                then 'named'
            -- a component unresolved: the part is not the whole, the model's own name decides
            when
                own_counts.has_vision_tower_and_other
                and base.n_resolved_bases < own_counts.n_declared_bases
                and own_counts.named_parameter_count is not null
                then 'named'
            when own_counts.has_vision_tower_and_other then 'components'
            when base.smallest_base_count * {{ agreement }} >= base.parameter_count then 'base'
            when own_counts.bases_are_components then 'components'
            when own_counts.named_parameter_count is not null then 'named'
            else 'largest'
        end as choice

    from own_counts

    left join bases_{{ level }} as base
        on own_counts.model_key = base.model_key

),

level_{{ level }} as (

    select
        model_key,
        case choice
            when 'own' then own_parameter_count
            when 'named' then named_parameter_count
            when 'components' then summed_base_count
            when 'base' then largest_base_count
            when 'largest' then largest_base_count
        end as parameter_count,
        case choice
            when 'own' then own_source
            when 'named' then named_source
            when 'components' then 'base_model'
            when 'base' then 'base_model'
            when 'largest' then 'base_model'
        end as parameter_source,
        case choice
            when 'own' then own_source
            when 'named' then named_origin
            when 'components' then base_origin_source
            when 'base' then base_origin_source
            when 'largest' then base_origin_source
        end as origin_source,
        case
            when choice in ('own', 'named') then model_id
            when choice in ('components', 'base', 'largest') then base_resolved_from
        end as resolved_from,
        case
            when choice in ('own', 'named') then 0
            when choice in ('components', 'base', 'largest') then base_lineage_depth + 1
        end as lineage_depth,
        bases_disagree and coalesce(choice, '') != 'components' as bases_disagree,
        coalesce(name_parameter_count, base_nominal_parameter_count) as nominal_parameter_count

    from chosen_{{ level }}

),
{% endfor %}

resolved as (

    select
        own_counts.model_key as {{ key }},
        own_counts.model_id,
        own_counts.is_adapter,
        own_counts.has_packed_weights,
        own_counts.is_not_a_model,
        own_counts.own_source,
        own_counts.own_parameter_count,
        own_counts.name_parameter_count,
        own_counts.known_parameter_count,
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

    where own_counts.is_hub_model

)

select
    {{ key }},
    model_id,
    parameter_count,
    parameter_source,
    resolved_from as size_resolved_from,
    lineage_depth as size_lineage_depth,
    nominal_parameter_count,
    own_source,
    own_parameter_count,
    name_parameter_count,
    known_parameter_count,
    name_size_pattern,
    n_declared_bases,
    bases_disagree,
    is_adapter,
    has_packed_weights,
    is_not_a_model,
    case
        when parameter_source in ('safetensors', 'gguf') then 'high'
        when parameter_source = 'known_base' and origin_source = 'known_base' then 'medium'
        when
            parameter_source = 'base_model'
            and origin_source in ('safetensors', 'gguf', 'known_base')
            and not bases_disagree
            then 'medium'
        when parameter_source in ('base_model', 'known_base', 'name') then 'low'
        else 'none'
    end as parameter_confidence

from resolved
{% endmacro %}
