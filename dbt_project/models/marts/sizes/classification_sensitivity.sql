-- How much the SLM/LLM split depends on the rule: per snapshot date and classification scheme
-- (seed size_class_schemes: thresholds 1B, 3B, 7B, 13B, 20B, the nominal-size mode, grey bands),
-- the top listing's models in each class under the scheme, and how many models and what share
-- of the 30-day downloads change class compared with the class the marts use (the vars
-- slm_max_params, medium_max_params, size_mode; the study's 7B rule by default). Models of
-- unknown size are unknown under every scheme.

with

top_models as (

    select * from {{ ref('int_model_snapshots__classified') }}
    where
        listing_kind = 'top'
        and {{ incremental_snapshot_window('snapshot_date') }}

),

schemes as (

    select * from {{ ref('size_class_schemes') }}

),

reclassified as (

    select
        top_models.snapshot_date,
        schemes.scheme,
        schemes.slm_max_params,
        schemes.medium_max_params,
        schemes.size_mode,
        top_models.model_class,
        coalesce(top_models.downloads_30d, 0) as downloads_30d,
        {{ size_class(
            "case when schemes.size_mode = 'nominal'"
            ~ " then coalesce(top_models.nominal_parameter_count, top_models.parameter_count)"
            ~ " else top_models.parameter_count end",
            'schemes.slm_max_params',
            'schemes.medium_max_params'
        ) }} as scheme_class

    from top_models

    cross join schemes

),

counted as (

    select
        snapshot_date,
        scheme,
        slm_max_params,
        medium_max_params,
        size_mode,
        cast(sum(downloads_30d) as bigint) as downloads_30d,
        cast(
            coalesce(sum(case when scheme_class != model_class then downloads_30d end), 0)
            as bigint
        ) as downloads_30d_changed,
        count(*) as n_models,
        count(case when scheme_class = 'SLM' then 1 end) as n_slm,
        count(case when scheme_class = 'medium' then 1 end) as n_medium,
        count(case when scheme_class = 'LLM' then 1 end) as n_llm,
        count(case when scheme_class = 'unknown' then 1 end) as n_unknown,
        count(case when scheme_class != model_class then 1 end) as n_changed

    from reclassified

    group by snapshot_date, scheme, slm_max_params, medium_max_params, size_mode

),

shared as (

    select
        snapshot_date,
        scheme,
        slm_max_params,
        medium_max_params,
        size_mode,
        n_models,
        n_slm,
        n_medium,
        n_llm,
        n_unknown,
        n_changed,
        downloads_30d,
        downloads_30d_changed,
        cast(100.0 * n_changed as double) / n_models as pct_models_changed,
        -- null when the listing has no download at all that day
        cast(100.0 * downloads_30d_changed as double) / nullif(downloads_30d, 0)
            as pct_downloads_changed,
        -- pct_models_changed's 95 % interval; the share of downloads has none
        100 * {{ wilson_low('n_changed', 'n_models') }} as pct_models_changed_low,
        100 * {{ wilson_high('n_changed', 'n_models') }} as pct_models_changed_high

    from counted

)

select * from shared
