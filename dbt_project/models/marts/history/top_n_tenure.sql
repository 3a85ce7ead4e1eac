-- How long models stay in the top-N listings: per listing (top and each pipeline tag's) and
-- model, the first and last snapshot date it was seen, on how many snapshot dates, and whether
-- it is present on the latest snapshot date of the warehouse ("today"). One row per (listing,
-- model_uid), not per date: a model is its Hub `_id`, so a rename does not restart a tenure.
-- An incremental run deletes the rows its dates can change (pre-hook,
-- macros/history_tenure.sql) and computes every (listing, model) without a row.

with

all_memberships as (

    select * from {{ ref('int_listing_memberships') }}

),

memberships as (

    select
        snapshot_date,
        listing,
        model_uid

    from all_memberships

    where listing_kind in ('top', 'pipeline_tag')

),

-- "today": the latest snapshot date of the warehouse, every listing included.
latest as (

    select max(snapshot_date) as latest_date
    from all_memberships

),

listing_starts as (

    select
        listing,
        min(snapshot_date) as listing_first_date

    from memberships

    group by listing

),

{% if is_incremental() -%}
    kept as (

        select
            listing,
            model_uid

        from {{ this }}

    ),

    to_compute as (

        select memberships.*

        from memberships

        left join kept
            on
                memberships.listing = kept.listing
                and memberships.model_uid = kept.model_uid

        where kept.model_uid is null

    ),
{%- else -%}
    to_compute as (

        select * from memberships

    ),
{%- endif %}

tenure as (

    select
        listing,
        model_uid,
        cast(count(*) as integer) as days_present,
        min(snapshot_date) as first_seen_date,
        max(snapshot_date) as last_seen_date

    from to_compute

    group by listing, model_uid

),

final as (

    select
        tenure.listing,
        tenure.model_uid,
        observations.model_class,
        tenure.first_seen_date,
        tenure.last_seen_date,
        tenure.days_present,
        -- the latest name (post-hook identity_show_latest_names renames rows of earlier runs)
        coalesce(latest_names.model_id, observations.model_id) as model_id,
        tenure.last_seen_date = latest.latest_date as present_today,
        tenure.first_seen_date = listing_starts.listing_first_date as is_left_censored

    from tenure

    cross join latest

    inner join listing_starts
        on tenure.listing = listing_starts.listing

    -- the class as of the last day seen: a row not recomputed keeps a consistent class
    left join {{ ref('int_model_observations') }} as observations
        on
            tenure.model_uid = observations.model_uid
            and tenure.last_seen_date = observations.snapshot_date

    left join {{ ref('int_hub_models') }} as latest_names
        on tenure.model_uid = latest_names.model_uid

)

select * from final
