{#-
    The modality decision of int_model_modality (its header comment gives the order of the
    evidence), over any set of models: `models` with int_hub_models' columns (model_id,
    pipeline_tag, library_name, tags) keyed by `key`, and `families` with int_model_families'
    (is_family_root and the root's key, `root_key`). The daily path keys models by model_uid; the census by
    census_key (a model of one census date).
-#}
{% macro model_modality(models, families, key='model_uid', root_key='family_root_uid') %}
with

models as (

    select
        {{ key }},
        model_id,
        pipeline_tag,
        library_name,
        tags

    from {{ models }}

),

tasks as (

    select * from {{ ref('hub_pipeline_tags') }}

),

evidence as (

    select * from {{ ref('hub_modality_evidence') }}

),

families as (

    select
        {{ key }},
        {{ root_key }}

    from {{ families }}

    where not is_family_root

),

root_tasks as (

    select
        families.{{ key }},
        tasks.task_modality,
        tasks.is_language_model

    from families

    inner join models as roots
        on families.{{ root_key }} = roots.{{ key }}

    inner join tasks
        on roots.pipeline_tag = tasks.tag

),

model_tags as (

    select
        {{ key }},
        {{ unnest_list('tags') }} as tag,
        generate_subscripts(tags, 1) as tag_position

    from models

),

architecture_evidence as (

    select
        model_tags.{{ key }},
        evidence.task_modality,
        evidence.is_language_model

    from model_tags

    inner join evidence
        on
            evidence.evidence_kind = 'architecture'
            and model_tags.tag = evidence.evidence

    qualify row_number() over (
        partition by model_tags.{{ key }}
        order by model_tags.tag_position
    ) = 1

),

library_evidence as (

    select
        models.{{ key }},
        evidence.task_modality,
        evidence.is_language_model

    from models

    inner join evidence
        on
            evidence.evidence_kind = 'library'
            and models.library_name = evidence.evidence

),

decided as (

    select
        models.{{ key }},
        models.model_id,
        models.pipeline_tag,
        models.library_name,
        case
            when own_tasks.tag is not null then 'pipeline_tag'
            when root_tasks.{{ key }} is not null then 'family_root'
            when architecture_evidence.{{ key }} is not null then 'architecture_tag'
            when library_evidence.{{ key }} is not null then 'library'
            else 'unknown'
        end as modality_source,
        coalesce(
            own_tasks.task_modality,
            root_tasks.task_modality,
            architecture_evidence.task_modality,
            library_evidence.task_modality,
            'unknown'
        ) as task_modality,
        coalesce(
            own_tasks.is_language_model,
            root_tasks.is_language_model,
            architecture_evidence.is_language_model,
            library_evidence.is_language_model
        ) as is_language_model

    from models

    left join tasks as own_tasks
        on models.pipeline_tag = own_tasks.tag

    left join root_tasks
        on models.{{ key }} = root_tasks.{{ key }}

    left join architecture_evidence
        on models.{{ key }} = architecture_evidence.{{ key }}

    left join library_evidence
        on models.{{ key }} = library_evidence.{{ key }}

)

select * from decided
{% endmacro %}
