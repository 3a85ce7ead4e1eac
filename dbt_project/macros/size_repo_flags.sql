{#-
    What a repository's own weights say about its size (step 1 of the size resolution): its
    `safetensors.total` counts the parameters of the full model, except in two kinds of repos.

    size_is_adapter: a PEFT/LoRA adapter, whose safetensors hold only the adapter's weights (a
    few million): tags `peft`, `lora`, `template:sd-lora`, or library `peft`. (A
    `base_model:adapter:<id>` tag marks one too; the model int_model_sizes adds that from the
    lineage edges.)

    size_has_packed_weights: quantized weights packed several to a stored value (GPTQ/AWQ pack
    eight 4-bit weights in an I32, bitsandbytes two in a U8), so `safetensors.total`
    under-counts the model 2-8 times: tags `gptq`, `awq`, `bitsandbytes`, `4-bit`, `8-bit`, or
    an I32 or U8 tensor among `safetensors.parameters`.

    The lists are explicit so a test can name each case; dispatched (DuckDB list functions).
-#}
{% macro size_is_adapter(tags, library_name) -%}
    {{ return(adapter.dispatch('size_is_adapter', 'slm_observatory')(tags, library_name)) }}
{%- endmacro %}

{% macro size_has_packed_weights(tags, safetensors_dtypes) -%}
    {{ return(
        adapter.dispatch('size_has_packed_weights', 'slm_observatory')(tags, safetensors_dtypes)
    ) }}
{%- endmacro %}

{% macro duckdb__size_is_adapter(tags, library_name) -%}
    (
        coalesce(list_has_any({{ tags }}, ['peft', 'lora', 'template:sd-lora']), false)
        or coalesce({{ library_name }} = 'peft', false)
    )
{%- endmacro %}

{% macro duckdb__size_has_packed_weights(tags, safetensors_dtypes) -%}
    (
        coalesce(list_has_any({{ tags }}, ['gptq', 'awq', 'bitsandbytes', '4-bit', '8-bit']), false)
        or coalesce(list_has_any({{ safetensors_dtypes }}, ['I32', 'U8']), false)
    )
{%- endmacro %}

{% macro default__size_is_adapter(tags, library_name) -%}
    {{ not_implemented_for_adapter('size_is_adapter') }}
{%- endmacro %}

{% macro default__size_has_packed_weights(tags, safetensors_dtypes) -%}
    {{ not_implemented_for_adapter('size_has_packed_weights') }}
{%- endmacro %}

{#- The dtypes of a record's `safetensors.parameters` (`['BF16', 'I32']`), NULL without it. -#}
{% macro size_safetensors_dtypes(record) -%}
    {{ return(adapter.dispatch('size_safetensors_dtypes', 'slm_observatory')(record)) }}
{%- endmacro %}

{% macro duckdb__size_safetensors_dtypes(record) -%}
    json_keys({{ record }}, '$.safetensors.parameters')
{%- endmacro %}

{% macro default__size_safetensors_dtypes(record) -%}
    {{ not_implemented_for_adapter('size_safetensors_dtypes') }}
{%- endmacro %}
