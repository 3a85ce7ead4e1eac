-- How much does counting the most downloaded models bias the answer? For each date with both
-- a daily snapshot (its top listing) and a census, the SLM share of the models of known size,
-- in the top N and on the whole Hub, side by side, per population (`all_models`,
-- `language_models`: the modality decision of each path), and the difference in points.
-- Rebuilt whole on each census run (a few rows per date).

{{ config(materialized='table', unique_key=none) }}

with

hub as (

    select
        snapshot_date,
        n_units,
        n_slm,
        n_llm,
        slm_pct,
        slm_pct_low,
        slm_pct_high,
        case population
            when 'hub_all_models' then 'all_models'
            when 'hub_language_models' then 'language_models'
        end as population

    from {{ ref('census_slm_share_by_population') }}

),

-- The top N's share as the daily path counts it, per population (marts/populations).
top_shares as (

    select
        snapshot_date,
        population,
        n_units,
        n_slm,
        n_llm,
        slm_pct,
        slm_pct_low,
        slm_pct_high

    from {{ ref('slm_share_by_population') }}

    where
        population in ('all_models', 'language_models')
        and snapshot_date in (select hub.snapshot_date from hub)

)

select
    hub.snapshot_date,
    hub.population,
    'slm_share_of_models' as measure,
    top_shares.n_units as top_n_models,
    top_shares.n_slm as top_n_slm,
    top_shares.n_llm as top_n_llm,
    top_shares.slm_pct as top_n_slm_pct,
    top_shares.slm_pct_low as top_n_slm_pct_low,
    top_shares.slm_pct_high as top_n_slm_pct_high,
    hub.n_units as hub_models,
    hub.n_slm as hub_slm,
    hub.n_llm as hub_llm,
    hub.slm_pct as hub_slm_pct,
    hub.slm_pct_low as hub_slm_pct_low,
    hub.slm_pct_high as hub_slm_pct_high,
    top_shares.slm_pct - hub.slm_pct as difference_pp

from hub

inner join top_shares
    on
        hub.snapshot_date = top_shares.snapshot_date
        and hub.population = top_shares.population
