-- Each census model's family root, by the walk of int_model_families (macros/family_walk.sql):
-- one link per model, its largest base of the same census, then up to the root. The census's
-- modality decision reads it (a model without a pipeline tag does what its root does).

with recursive

models as (

    select
        census_key,
        model_id

    from {{ ref('int_census_models') }}

    where {{ incremental_snapshot_window('census_date') }}

),

sizes as (

    select
        census_key,
        parameter_count

    from {{ ref('int_census_model_sizes') }}

    where {{ incremental_snapshot_window('census_date') }}

),

{%- set census_edges -%}
    (
        select * from {{ ref('int_census_lineage_edges') }}
        where {{ incremental_snapshot_window('census_date') }}
    )
{%- endset %}

{{ family_root_ctes(census_edges, key='census_key', root_key='family_root_census_key') }}

select
    {{ census_key_date('census_key') }} as census_date,
    census_key,
    family_root_census_key,
    family_depth,
    census_key = family_root_census_key as is_family_root

from roots
