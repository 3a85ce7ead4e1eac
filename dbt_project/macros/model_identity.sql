{#-
    Model identity. The Hub's `_id` (a 24-hex ObjectId) is the one key that survives a rename:
    an owner may change the case of a name, transfer the repository to an organisation or
    rename it, and the `id` changes while `_id` stays. A record without `_id` falls back to its
    name lower-cased (the Hub's names are unique up to case), so it is still one key, never two
    rows for two spellings.
-#}
{% macro model_uid(record_column, name_column) -%}
    coalesce({{ json_text(record_column, '_id') }}, lower({{ name_column }}))
{%- endmacro %}

{#-
    Post-hook of a mart that shows a model's name beside its stable key (model_uid): rows written
    by earlier runs carry the name of their day; set them to the model's latest name
    (int_hub_models), so a full refresh and a run after a rename give the same rows. Only the
    models known under more than one name are looked at.
-#}
{% macro identity_show_latest_names() -%}
    update {{ this }} as mart
    set model_id = latest.model_id
    from {{ ref('int_hub_models') }} as latest
    where
        mart.model_uid = latest.model_uid
        and mart.model_id != latest.model_id
        and latest.model_uid in (
            select names.model_uid
            from {{ ref('int_model_names') }} as names
            group by names.model_uid
            having count(*) > 1
        )
{%- endmacro %}
