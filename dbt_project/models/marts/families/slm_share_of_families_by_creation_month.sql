-- Do SLM families take a growing share of new families? Per snapshot date and month of the
-- family root's creation, the families of each class among the families present, overall
-- (scope 'all': the top listing) and per pipeline tag (scope = the tag: that tag's own
-- listing), as slm_share_by_creation_month counts repositories. A family is present when one
-- of its members is listed; its class and creation month are its root's. Families whose root
-- has no creation date are left out.

with

snapshots as (

    select * from {{ ref('int_model_snapshots__classified') }}
    where
        listing_kind in ('top', 'pipeline_tag')
        and {{ incremental_snapshot_window('snapshot_date') }}

),

families as (

    select * from {{ ref('int_model_families') }}

),

present as (

    select distinct
        snapshots.snapshot_date,
        families.family_root_uid,
        families.family_class,
        cast(date_trunc('month', families.family_created_at) as date) as creation_month,
        case
            when snapshots.listing_kind = 'top' then 'all'
            else snapshots.listing_tag
        end as scope

    from snapshots

    inner join families
        on snapshots.model_uid = families.model_uid

    where families.family_created_at is not null

),

counted as (

    select
        snapshot_date,
        scope,
        creation_month,
        count(case when family_class = 'SLM' then 1 end) as n_slm_families,
        count(case when family_class = 'LLM' then 1 end) as n_llm_families,
        count(case when family_class = 'unknown' then 1 end) as n_unknown_families

    from present

    group by snapshot_date, scope, creation_month

),

shared as (

    select
        snapshot_date,
        scope,
        creation_month,
        n_slm_families,
        n_llm_families,
        n_unknown_families,
        {{ slm_share_columns('n_slm_families', 'n_llm_families', 'n_unknown_families') }}

    from counted

)

select * from shared
