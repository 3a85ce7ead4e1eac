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

{#-
    size_is_not_a_model: a repository that is not a model of the size its name or base
    declares, so neither its base nor its name may size it (its own weights still do):
    - sparse autoencoders and transcoders trained on a model's activations (tags `sae`,
      `sae_lens`, library `sae_lens`/`saelens`, names `sae`, `saes`, `sparse-autoencoder`,
      `transcoder`, `gemma-scope`): `sae-llama-3.1-8b-64x` is not an 8B model;
    - speculative-decoding heads (names `accelerator`, `speculator`, `medusa`,
      `eagle-<model>`, tags `medusa`, `eagle`): `llama3-8b-accelerator` is a draft head;
    - test and placeholder repos (`tiny-random`, `random-tiny`, `dummy`, an author
      `*-internal-testing`): `tiny-random-falcon-40b` has a few thousand parameters;
    - tokenizer-only repos (`tokenizer` in the name).
    An ONNX or TensorRT export is the model it exports: not listed here, its base sizes it.
-#}
{% macro size_is_not_a_model(model_id, tags, library_name) -%}
    {{ return(
        adapter.dispatch('size_is_not_a_model', 'slm_observatory')(model_id, tags, library_name)
    ) }}
{%- endmacro %}

{% macro duckdb__size_is_not_a_model(model_id, tags, library_name) -%}
    (
        coalesce(
            list_has_any(
                {{ tags }}, ['sae', 'sae_lens', 'saelens', 'sparse-autoencoder', 'medusa', 'eagle']
            ),
            false
        )
        or coalesce({{ library_name }} in ('sae_lens', 'saelens'), false)
        or regexp_matches(
            lower({{ model_id }}),
            '(^|[^a-z0-9])(internal-testing|tiny-random|random-tiny|dummy|saes?|'
            || 'sparse-autoencoders?|transcoders?|gemma-scope|accelerator|speculator|medusa|'
            || 'tokenizer)([^a-z0-9]|$)'
        )
        or regexp_matches(
            lower({{ model_id }}), '(^|[^a-z0-9])eagle[0-9]?-(llama|vicuna|qwen|deepseek|mixtral)'
        )
    )
{%- endmacro %}

{% macro default__size_is_not_a_model(model_id, tags, library_name) -%}
    {{ not_implemented_for_adapter('size_is_not_a_model') }}
{%- endmacro %}
