-- The model tree each census's tags declare, as int_model_lineage_edges gives it for the daily
-- path and by the same macros (macros/lineage_edges.sql): one row per (census model, base)
-- named by a `base_model:` tag. A base is the model of the same census that holds its name
-- (in that exact case first, then in another case); a name no model of the census holds
-- (a deleted or private repository) keys to the name lower-cased, as model_uid does.

with

models as (

    select
        census_date,
        census_key,
        model_id,
        tags

    from {{ ref('int_census_models') }}

    where {{ incremental_snapshot_window('census_date') }}

),

{{ base_model_tag_ctes('census_key') }},

name_owners as (

    select
        tagged_bases.census_key,
        tagged_bases.base_model_id,
        owners.census_key as base_census_key

    from tagged_bases

    inner join models as owners
        on
            {{ census_key_date('tagged_bases.census_key') }} = owners.census_date
            and lower(tagged_bases.base_model_id) = lower(owners.model_id)

    qualify row_number() over (
        partition by tagged_bases.census_key, tagged_bases.base_model_id
        order by owners.model_id = tagged_bases.base_model_id desc, owners.census_key asc
    ) = 1

),

resolved as (

    select
        tagged_bases.*,
        {{ census_key_date('tagged_bases.census_key') }} as census_date,
        coalesce(
            name_owners.base_census_key,
            {{ census_key(
                census_key_date('tagged_bases.census_key'),
                'lower(tagged_bases.base_model_id)'
            ) }}
        ) as base_census_key

    from tagged_bases

    left join name_owners
        on
            tagged_bases.census_key = name_owners.census_key
            and tagged_bases.base_model_id = name_owners.base_model_id

),

{{ lineage_edges_select('census_key', carry=['census_date']) }}
