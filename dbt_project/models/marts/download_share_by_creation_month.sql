-- Does SLM usage last longer than LLM usage? For each class, the share of the class's 30-day
-- downloads (top listing) drawn by the models created in each month, per snapshot date
-- (study hypothesis 5: slm-downloads, llm-downloads). Models of unknown size, and models
-- without a creation date, are left out. Per population: every model (`all_models`, the
-- study's view) or the language models only (`language_models`; the downloads of the models
-- of unknown modality are counted apart, downloads_30d_unknown_modality).

with

top_models as (

    select * from {{ ref('int_model_snapshots__classified') }}
    where
        listing_kind = 'top'
        and model_class in ('SLM', 'LLM')
        and created_at is not null
        and {{ incremental_snapshot_window('snapshot_date') }}

),

in_populations as (

    {{ rows_per_population('top_models') }}

),

monthly as (

    select
        snapshot_date,
        population,
        model_class,
        cast(date_trunc('month', created_at) as date) as creation_month,
        cast(
            coalesce(sum(case when is_counted then downloads_30d end), 0) as bigint
        ) as downloads_30d,
        cast(
            coalesce(sum(case when is_unknown_modality then downloads_30d end), 0) as bigint
        ) as downloads_30d_unknown_modality,
        count(case when is_unknown_modality then 1 end) as n_unknown_modality

    from in_populations

    group by snapshot_date, population, model_class, creation_month

),

shared as (

    select
        snapshot_date,
        population,
        model_class,
        creation_month,
        downloads_30d,
        n_unknown_modality,
        downloads_30d_unknown_modality,
        -- null when the class has no download at all that day
        cast(100.0 * downloads_30d as double)
        / nullif(
            sum(downloads_30d) over (partition by snapshot_date, population, model_class), 0
        ) as share_pct

    from monthly

)

select * from shared
