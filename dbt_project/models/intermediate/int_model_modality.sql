-- What every known model works on, and whether it is a language model (its core models
-- natural-language text), keyed on model_uid. The first evidence that decides:
--   1. pipeline_tag: its own pipeline tag, read in the seed hub_pipeline_tags;
--   2. family_root: without one, its family root's pipeline tag (int_model_families): a
--      quantization, adapter, fine-tune or merge does what the model it derives from does;
--   3. architecture_tag: a tag naming an architecture of one kind (the seed
--      hub_modality_evidence: `llama` is a causal language model), the first in tag order;
--   4. library: a library of one kind of model (`diffusers`, `sentence-transformers`...);
--   5. unknown: nothing clear. task_modality `unknown`, is_language_model NULL: counted
--      apart, never dropped.
-- A pipeline tag outside the Hub's vocabulary decides nothing (the next evidence is read).

with

models as (

    select
        model_uid,
        model_id,
        pipeline_tag,
        library_name,
        tags

    from {{ ref('int_hub_models') }}

),

tasks as (

    select * from {{ ref('hub_pipeline_tags') }}

),

evidence as (

    select * from {{ ref('hub_modality_evidence') }}

),

families as (

    select
        model_uid,
        family_root_uid

    from {{ ref('int_model_families') }}

    where not is_family_root

),

root_tasks as (

    select
        families.model_uid,
        tasks.task_modality,
        tasks.is_language_model

    from families

    inner join models as roots
        on families.family_root_uid = roots.model_uid

    inner join tasks
        on roots.pipeline_tag = tasks.tag

),

model_tags as (

    select
        model_uid,
        {{ unnest_list('tags') }} as tag,
        generate_subscripts(tags, 1) as tag_position

    from models

),

architecture_evidence as (

    select
        model_tags.model_uid,
        evidence.task_modality,
        evidence.is_language_model

    from model_tags

    inner join evidence
        on
            evidence.evidence_kind = 'architecture'
            and model_tags.tag = evidence.evidence

    qualify row_number() over (
        partition by model_tags.model_uid
        order by model_tags.tag_position
    ) = 1

),

library_evidence as (

    select
        models.model_uid,
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
        models.model_uid,
        models.model_id,
        models.pipeline_tag,
        models.library_name,
        case
            when own_tasks.tag is not null then 'pipeline_tag'
            when root_tasks.model_uid is not null then 'family_root'
            when architecture_evidence.model_uid is not null then 'architecture_tag'
            when library_evidence.model_uid is not null then 'library'
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
        on models.model_uid = root_tasks.model_uid

    left join architecture_evidence
        on models.model_uid = architecture_evidence.model_uid

    left join library_evidence
        on models.model_uid = library_evidence.model_uid

)

select * from decided
