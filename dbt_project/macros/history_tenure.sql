{#-
    Pre-hook of top_n_tenure (one row per listing and model, not per date): before an
    incremental run, delete the rows the run's dates can change, which the model then computes
    again (it computes every (listing, model) without a row):
      - models in a listing on a recomputed date (from snapshot_start_date on);
      - models present on the latest date so far (`present_today` moves with the new day);
      - every model of a listing whose first snapshot date is recomputed (left-censoring).
    Without snapshot_start_date every row goes. Nothing on a first build or a full refresh.
-#}
{% macro history_delete_changed_tenure(memberships) -%}
    {%- if history_is_partial_run() -%}
        delete from {{ this }}
        where
            present_today
            or (listing, model_uid) in (
                select
                    listing,
                    model_uid
                from {{ memberships }}
                where {{ history_recompute_from('snapshot_date') }}
            )
            or listing in (
                select listing
                from {{ memberships }}
                group by listing
                having {{ history_recompute_from('min(snapshot_date)') }}
            )
    {%- elif is_incremental() -%}
        delete from {{ this }}
    {%- endif -%}
{%- endmacro %}
