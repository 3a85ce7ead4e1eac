{#-
    The typed columns of one Hub model record (`record`, JSON, as the API returned it; `model_id`
    its `id` column), the same in every staging view of Hub records: the daily snapshots and the
    census. Comma-separated, no trailing comma.
-#}
{% macro hub_record_columns(record, model_id) %}
        ---------- model
        -- the Hub's `_id` survives a rename (case change, owner transfer, new name); a record
        -- without one falls back to its case-insensitive name, so it is still one key
        {{ model_uid(record, model_id) }} as model_uid,
        {{ model_id }},
        {{ json_text(record, 'author') }} as author,
        {{ json_utc_timestamp(record, 'createdAt') }} as created_at,
        {{ json_utc_timestamp(record, 'lastModified') }} as last_modified,

        ---------- usage
        {{ json_bigint(record, 'downloads') }} as downloads_30d,
        {{ json_bigint(record, 'downloadsAllTime') }} as downloads_all_time,
        {{ json_bigint(record, 'likes') }} as likes,
        {{ json_double(record, 'trendingScore') }} as trending_score,

        ---------- task and framework
        {{ json_text(record, 'pipeline_tag') }} as pipeline_tag,
        {{ json_text(record, 'library_name') }} as library_name,
        {{ json_string_list(record, 'tags') }} as tags,

        ---------- size
        {{ json_bigint(record, 'safetensors.total') }} as safetensors_total,
        {{ json_bigint(record, 'gguf.total') }} as gguf_total,
        -- the dtypes of safetensors.parameters: I32/U8 mark packed quantized weights
        {{ size_safetensors_dtypes(record) }} as safetensors_dtypes,

        ---------- access (gated is false, "auto" or "manual")
        {{ json_text(record, 'gated') }} != 'false' as is_gated,
        {{ json_boolean(record, 'private') }} as is_private
{% endmacro %}

{#-
    A model of one census: the census date and the model's uid, as one key
    (`2025-01-08/<model_uid>`). The census's intermediate models key the size chain, the family
    walk and the modality decision (macros shared with the daily path) by it, so each census
    date is resolved on its own and a full refresh of several dates gives what each date alone
    gives. `census_key_date` reads the date back.
-#}
{% macro census_key(census_date, model_uid) -%}
    strftime({{ census_date }}, '%Y-%m-%d') || '/' || {{ model_uid }}
{%- endmacro %}

{% macro census_key_date(key) -%}
    cast(left({{ key }}, 10) as date)
{%- endmacro %}
