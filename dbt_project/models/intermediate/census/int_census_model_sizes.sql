-- Each census model's parameter count, where it comes from and how sure it is: the size
-- resolution chain of int_model_sizes (its header comment gives the steps), by the same macro
-- (macros/model_size_resolution.sql), over each census on its own: a model's bases are the
-- models of the same census its tags name (int_census_lineage_edges).

{%- set census_models -%}
    (
        select * from {{ ref('int_census_models') }}
        where {{ incremental_snapshot_window('census_date') }}
    )
{%- endset %}
{%- set census_edges -%}
    (
        select * from {{ ref('int_census_lineage_edges') }}
        where {{ incremental_snapshot_window('census_date') }}
    )
{%- endset %}

with

resolved as (

    {{ model_size_resolution(census_models, census_edges, key='census_key') }}

)

select
    {{ census_key_date('census_key') }} as census_date,
    census_key,
    model_id,
    cast(parameter_count as bigint) as parameter_count,
    parameter_source,
    cast(nominal_parameter_count as bigint) as nominal_parameter_count,
    size_resolved_from,
    size_lineage_depth,
    parameter_confidence

from resolved
