-- How long do models stay in the top N once they enter it? Kaplan-Meier survival by class, as
-- of each snapshot date D (one curve per date, so the estimate's history is kept):
--   - subjects: models entering the top listing after its first snapshot date (their first
--     day in it); models already there on the first date entered at an unknown time
--     (left-censored) and are excluded;
--   - entry: the first snapshot date the model is in the top listing (re-entries after an
--     exit are not new subjects); its class is the class observed that day;
--   - event: the first later snapshot date, up to D, the model is absent from the top listing
--     (after a missed run, the exit is dated on the next snapshot); time = days since entry;
--   - right-censored: still present on every snapshot date up to D; time = D - entry.
-- survival_pct at k days = 100 * prod over t <= k of (1 - events at t / at risk at t), the
-- share still in the top N k days after entering; at risk at t = subjects whose time >= t.
-- Per population: every subject (`all_models`, the study's view) or the language models only
-- (`language_models`): their own curves; the subjects of unknown modality are left out of the
-- curve and counted apart (n_unknown_modality, the same on every row of a curve).

with

top_listing as (

    select
        snapshot_date,
        model_uid

    from {{ ref('int_listing_memberships') }}

    where listing = 'top'

),

top_dates as (

    select
        snapshot_date,
        row_number() over (order by snapshot_date) as date_index

    from (select distinct snapshot_date from top_listing) as distinct_dates

),

indexed as (

    select
        top_listing.model_uid,
        top_listing.snapshot_date,
        top_dates.date_index

    from top_listing

    inner join top_dates
        on top_listing.snapshot_date = top_dates.snapshot_date

),

-- Islands of consecutive top snapshot dates: the first one holds the entry.
islands as (

    select
        model_uid,
        snapshot_date,
        date_index,
        date_index - row_number() over (
            partition by model_uid order by date_index
        ) as island

    from indexed

),

first_spells as (

    select
        model_uid,
        min(snapshot_date) as entry_date,
        min(date_index) as entry_index,
        max(date_index) as last_present_index

    from islands

    group by model_uid, island

    qualify island = min(island) over (partition by model_uid)

),

subjects as (

    select
        first_spells.model_uid,
        first_spells.entry_date,
        exits.snapshot_date as exit_date,
        coalesce(observations.model_class, 'unknown') as model_class

    from first_spells

    left join top_dates as exits
        on exits.date_index = first_spells.last_present_index + 1

    left join {{ ref('int_model_observations') }} as observations
        on
            first_spells.model_uid = observations.model_uid
            and first_spells.entry_date = observations.snapshot_date

    -- left-censored: in the top listing on its first snapshot date
    where first_spells.entry_index > 1

),

in_populations as (

    {{ rows_per_population('subjects') }}

),

as_of_dates as (

    select snapshot_date as as_of_date
    from top_dates
    where {{ history_recompute_from('snapshot_date') }}

),

observed as (

    select
        as_of_dates.as_of_date,
        in_populations.population,
        in_populations.model_class,
        in_populations.is_counted,
        in_populations.is_unknown_modality,
        coalesce(in_populations.exit_date <= as_of_dates.as_of_date, false) as is_event,
        date_diff(
            'day',
            in_populations.entry_date,
            case
                when in_populations.exit_date <= as_of_dates.as_of_date
                    then in_populations.exit_date
                else as_of_dates.as_of_date
            end
        ) as days_observed

    from as_of_dates

    inner join in_populations
        on as_of_dates.as_of_date >= in_populations.entry_date

),

-- A curve is of the population's subjects only: a subject of unknown modality has no time on
-- it (a Kaplan-Meier step needs subjects at risk), it is counted once per curve instead.
counted as (

    select
        as_of_date,
        population,
        model_class,
        days_observed,
        count(case when is_event then 1 end) as n_events,
        count(case when not is_event then 1 end) as n_censored

    from observed

    where is_counted

    group by as_of_date, population, model_class, days_observed

),

unknown_modality as (

    select
        as_of_date,
        population,
        model_class,
        count(*) as n_unknown_modality

    from observed

    where is_unknown_modality

    group by as_of_date, population, model_class

),

-- Every day from 0 to the longest observed time, so the curve is a full step function.
grid as (

    select
        as_of_date,
        population,
        model_class,
        unnest(range(0, max(days_observed) + 1)) as days_since_entry

    from counted

    group by as_of_date, population, model_class

),

filled as (

    select
        grid.as_of_date,
        grid.population,
        grid.model_class,
        grid.days_since_entry,
        coalesce(counted.n_events, 0) as n_events,
        coalesce(counted.n_censored, 0) as n_censored

    from grid

    left join counted
        on
            grid.as_of_date = counted.as_of_date
            and grid.population = counted.population
            and grid.model_class = counted.model_class
            and grid.days_since_entry = counted.days_observed

),

at_risk as (

    select
        *,
        sum(n_events + n_censored) over (
            partition by as_of_date, population, model_class
            order by days_since_entry desc
            rows between unbounded preceding and current row
        ) as n_at_risk

    from filled

),

estimated as (

    select
        at_risk.as_of_date as snapshot_date,
        at_risk.population,
        at_risk.model_class,
        cast(at_risk.days_since_entry as integer) as days_since_entry,
        cast(at_risk.n_at_risk as bigint) as n_at_risk,
        cast(at_risk.n_events as bigint) as n_events,
        cast(at_risk.n_censored as bigint) as n_censored,
        cast(coalesce(unknown_modality.n_unknown_modality, 0) as bigint) as n_unknown_modality,
        100.0 * product(1.0 - cast(at_risk.n_events as double) / at_risk.n_at_risk) over (
            partition by at_risk.as_of_date, at_risk.population, at_risk.model_class
            order by at_risk.days_since_entry
            rows between unbounded preceding and current row
        ) as survival_pct

    from at_risk

    left join unknown_modality
        on
            at_risk.as_of_date = unknown_modality.as_of_date
            and at_risk.population = unknown_modality.population
            and at_risk.model_class = unknown_modality.model_class

)

select * from estimated
