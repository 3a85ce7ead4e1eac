-- Do SLMs take a growing share of new models? Per creation week (ISO, from Monday), the models
-- of each class among those the `new` listing (sort createdAt, newest first, ingested daily)
-- has shown, each model counted once across days: source_listing 'new_listing', the unbiased
-- view of what is created. Beside it, source_listing 'top_listing': the same count over the
-- models the top listing has shown, i.e. the created models that became popular, which is
-- what a study of the top N sees. As of each snapshot date D: models seen up to D, a model's
-- class being the one of its latest observation up to D (a new repository often gets its
-- weights, hence its size, after its first day). slm_pct carries its 95 % interval and its
-- bounds under the unknown sizes. Per population: every model (`all_models`, the study's view)
-- or the language models only (`language_models`, whose models of unknown modality are counted
-- apart, n_unknown_modality).

with

sightings as (

    select
        snapshot_date,
        model_uid,
        case listing when 'new' then 'new_listing' else 'top_listing' end as source_listing

    from {{ ref('int_listing_memberships') }}

    where listing in ('new', 'top')

),

first_sightings as (

    select
        source_listing,
        model_uid,
        min(snapshot_date) as first_seen_date

    from sightings

    group by source_listing, model_uid

),

sighted_models as (

    select distinct model_uid
    from first_sightings

),

-- Runs of days with the same class, per model: its class on any date D is the class of the
-- run that starts on or before D and ends after it.
observations as (

    select
        observations.model_uid,
        observations.snapshot_date,
        observations.created_at,
        observations.model_class,
        coalesce(
            observations.model_class
            != lag(observations.model_class) over by_model,
            true
        ) as class_changes

    from {{ ref('int_model_observations') }} as observations

    inner join sighted_models
        on observations.model_uid = sighted_models.model_uid

    window by_model as (partition by observations.model_uid order by observations.snapshot_date)

),

class_runs as (

    select
        model_uid,
        model_class,
        created_at,
        snapshot_date as valid_from,
        lead(snapshot_date) over (partition by model_uid order by snapshot_date) as valid_until

    from observations

    where class_changes

),

as_of_dates as (

    select distinct snapshot_date as as_of_date
    from sightings
    where {{ history_recompute_from('snapshot_date') }}

),

first_new_listing as (

    select min(first_seen_date) as first_date
    from first_sightings
    where source_listing = 'new_listing'

),

-- What the first day's `new` listing reaches back to: weeks from the first one it covers whole
-- are complete once over.
coverage as (

    select min(observations.created_at) as covered_from

    from first_sightings

    inner join first_new_listing
        on first_sightings.first_seen_date = first_new_listing.first_date

    inner join {{ ref('int_model_observations') }} as observations
        on
            first_sightings.model_uid = observations.model_uid
            and first_sightings.first_seen_date = observations.snapshot_date

    where first_sightings.source_listing = 'new_listing'

),

as_of_models as (

    select
        as_of_dates.as_of_date,
        first_sightings.source_listing,
        first_sightings.model_uid,
        class_runs.model_class,
        cast(date_trunc('week', class_runs.created_at) as date) as creation_week

    from as_of_dates

    inner join first_sightings
        on as_of_dates.as_of_date >= first_sightings.first_seen_date

    inner join class_runs
        on
            first_sightings.model_uid = class_runs.model_uid
            and as_of_dates.as_of_date >= class_runs.valid_from
            and (
                class_runs.valid_until is null
                or as_of_dates.as_of_date < class_runs.valid_until
            )

    where class_runs.created_at is not null

),

in_populations as (

    {{ rows_per_population('as_of_models') }}

),

counted as (

    select
        as_of_date as snapshot_date,
        population,
        source_listing,
        creation_week,
        count(case when is_counted then 1 end) as n_models,
        count(case when is_counted and model_class = 'SLM' then 1 end) as n_slm,
        count(case when is_counted and model_class = 'LLM' then 1 end) as n_llm,
        count(case when is_counted and model_class = 'unknown' then 1 end) as n_unknown,
        count(case when is_unknown_modality then 1 end) as n_unknown_modality

    from in_populations

    group by as_of_date, population, source_listing, creation_week

),

final as (

    select
        counted.snapshot_date,
        counted.population,
        counted.source_listing,
        counted.creation_week,
        counted.n_models,
        counted.n_slm,
        counted.n_llm,
        counted.n_unknown,
        counted.n_unknown_modality,
        case
            when counted.n_slm + counted.n_llm > 0
                then cast(100.0 * counted.n_slm / (counted.n_slm + counted.n_llm) as double)
        end as slm_pct,
        coalesce(
            counted.creation_week >= coverage.covered_from
            and counted.creation_week + interval 7 day <= counted.snapshot_date,
            false
        ) as is_complete_week,
        -- slm_pct's 95 % interval (null with the share)
        100 * {{ wilson_low('counted.n_slm', 'counted.n_slm + counted.n_llm') }} as slm_pct_low,
        100 * {{ wilson_high('counted.n_slm', 'counted.n_slm + counted.n_llm') }} as slm_pct_high,
        -- the share if every model of unknown size were an SLM, or an LLM
        case
            when counted.n_slm + counted.n_llm + counted.n_unknown > 0
                then
                    cast(100.0 * (counted.n_slm + counted.n_unknown) as double)
                    / (counted.n_slm + counted.n_llm + counted.n_unknown)
        end as slm_pct_if_unknown_slm,
        case
            when counted.n_slm + counted.n_llm + counted.n_unknown > 0
                then
                    cast(100.0 * counted.n_slm as double)
                    / (counted.n_slm + counted.n_llm + counted.n_unknown)
        end as slm_pct_if_unknown_llm

    from counted

    cross join coverage

)

select * from final
