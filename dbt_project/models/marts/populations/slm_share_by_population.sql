-- The answer under each population: per snapshot date, the SLM share of the top listing
-- counted three ways (seed populations): every model (`all_models`, the study's view, from
-- class_split), the language models (`language_models`, from class_split) and the families
-- rooted in a language model (`language_model_families`: a family is in the listing when one
-- of its members is, its class its root's, int_model_families). The whole Hub's population is
-- measured by the census, not here. Each share carries its 95 % interval and its bounds under
-- the unknown sizes, as slm_share_by_creation_month.

with

top_classes as (

    select * from {{ ref('class_split') }}
    where
        listing = 'top'
        and {{ incremental_snapshot_window('snapshot_date') }}

),

model_counts as (

    select
        snapshot_date,
        population,
        sum(n_models) as n_units,
        sum(case when model_class = 'SLM' then n_models else 0 end) as n_slm,
        sum(case when model_class = 'LLM' then n_models else 0 end) as n_llm,
        sum(case when model_class = 'unknown' then n_models else 0 end) as n_unknown_size,
        sum(n_unknown_modality) as n_unknown_modality

    from top_classes

    group by snapshot_date, population

),

top_models as (

    select
        snapshot_date,
        model_uid

    from {{ ref('int_model_snapshots__classified') }}
    where
        listing = 'top'
        and {{ incremental_snapshot_window('snapshot_date') }}

),

families as (

    select
        model_uid,
        family_root_uid,
        family_class

    from {{ ref('int_model_families') }}

),

modality as (

    select
        model_uid,
        is_language_model

    from {{ ref('int_model_modality') }}

),

-- Each family present in the listing once, with its root's modality (NULL: unknown).
listed_families as (

    select distinct
        top_models.snapshot_date,
        -- every listed model is a known model; a missing family would be the model alone
        coalesce(families.family_root_uid, top_models.model_uid) as family_root_uid,
        coalesce(families.family_class, 'unknown') as family_class

    from top_models

    left join families
        on top_models.model_uid = families.model_uid

),

family_counts as (

    select
        listed_families.snapshot_date,
        'language_model_families' as population,
        count(case when modality.is_language_model then 1 end) as n_units,
        count(
            case when modality.is_language_model and listed_families.family_class = 'SLM' then 1 end
        ) as n_slm,
        count(
            case when modality.is_language_model and listed_families.family_class = 'LLM' then 1 end
        ) as n_llm,
        count(
            case
                when modality.is_language_model and listed_families.family_class = 'unknown' then 1
            end
        ) as n_unknown_size,
        count(case when modality.is_language_model is null then 1 end) as n_unknown_modality

    from listed_families

    left join modality
        on listed_families.family_root_uid = modality.model_uid

    group by listed_families.snapshot_date

),

counted as (

    select * from model_counts
    union all
    select * from family_counts

),

shared as (

    select
        snapshot_date,
        population,
        -- the top listing is measured on its snapshot date (a census on its own day)
        snapshot_date as measured_on,
        cast(n_units as bigint) as n_units,
        cast(n_slm as bigint) as n_slm,
        cast(n_llm as bigint) as n_llm,
        cast(n_unknown_size as bigint) as n_unknown_size,
        cast(n_unknown_modality as bigint) as n_unknown_modality,
        {{ slm_share_columns('n_slm', 'n_llm', 'n_unknown_size') }}

    from counted

)

select * from shared
