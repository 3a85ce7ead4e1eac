{#-
    Parameter counts written in a model's name (step 4 of the size resolution, see
    models/intermediate/int_model_sizes.sql). Only the repository name counts (the part after
    `/`), lower-cased, so an author such as `nlp-7b-lab` never gives a size.

    A size is a number followed by `b` (billions) or `m` (millions) that stands alone between
    separators: `7B`, `1.5b`, `350M`, `0.5B` in `Qwen2.5-0.5B-Instruct`, `llama-2-7b-chat-hf`,
    `SmolLM2-135M`. Explicit patterns, each tested (unit tests of int_hub_models):

    | pattern | example | size |
    | --- | --- | --- |
    | `<n>x<s>b` mixture of experts | `Mixtral-8x7B-v0.1`, `Mixtral-8x22B` | the seed moe_name_sizes, else an estimate (size_moe_estimate) |
    | `<n>b<d>` (BLOOM's decimal) | `bloom-7b1`, `bloomz-1b7` | 7.1e9, 1.7e9 |
    | `<n>b`, `<n>m`, `<n>.<d>b` | `Llama-3.1-8B`, `opus-mt-350m`, `Qwen2.5-1.5B` | 8e9, 3.5e8, 1.5e9 |

    Never a size: digits glued to letters or to a dot before them (`Llama-3`, `qwen2.5`, `v2`,
    `gpt2`, `t5`, `A3B` in `Qwen3-30B-A3B`: the active parameters of an MoE, the total `30B`
    counts), digits without a unit (`2024-05`, `2407`, `patch16-224`, `resnet-50`), other units
    (`4k` context, `3T` tokens, `4bit`, `Int4`, `Q4_K_M`). The first size written counts.

    RE2 (DuckDB's regex engine) has no look-around, so each pattern consumes the separator on
    both sides: `(^|[^a-z0-9.])` before the number, `([^a-z0-9]|$)` after the unit.
-#}

{#- The repository name, lower-cased: `Qwen/Qwen2.5-7B` -> `qwen2.5-7b`. -#}
{% macro size_name_of(model_id) -%}
    lower(regexp_replace({{ model_id }}, '^.*/', ''))
{%- endmacro %}

{#- `<n>x<size><unit>`, normalised (`8x7b`, `8x22b`, `4x1.8b`), or NULL. -#}
{% macro size_moe_label(name) -%}
    nullif(
        regexp_extract(
            {{ name }},
            '(?:^|[^a-z0-9.])([0-9]{1,3}x[0-9]{1,4}(?:[.][0-9]{1,3})?[bm])(?:[^a-z0-9]|$)',
            1
        ),
        ''
    )
{%- endmacro %}

{#-
    Estimated total parameters of an `<n>x<s>` mixture not in the seed: the experts share the
    attention and embedding weights, so total = s * (n - shared * (n - 1)), with `shared` the
    share of a dense model outside its feed-forward layers. 0.22 is Mistral-7B's (1.6B of
    7.24B), which gives Mixtral-8x7B 46.7B and Mixtral-8x22B 141B, their published totals.
-#}
{% macro size_moe_estimate(moe_label) -%}
    cast(round(
        cast(regexp_extract({{ moe_label }}, 'x([0-9.]+)', 1) as double)
        * case right({{ moe_label }}, 1) when 'b' then 1e9 else 1e6 end
        * (
            cast(regexp_extract({{ moe_label }}, '^([0-9]+)x', 1) as double)
            - {{ var('moe_shared_fraction', 0.22) }}
            * (cast(regexp_extract({{ moe_label }}, '^([0-9]+)x', 1) as double) - 1)
        )
    ) as bigint)
{%- endmacro %}

{#-
    The name with `_` read as a decimal point between digits before a unit, as the Hub writes
    it: `qwen-1_8b` -> `qwen-1.8b`, `stablelm-2-1_6b` -> `stablelm-2-1.6b`. Only a number
    standing alone (a separator before it) is rewritten, so `internvl2_5-8b` keeps its `8b`.
-#}
{% macro size_decimal_underscores(name) -%}
    regexp_replace(
        {{ name }},
        '(^|[^a-z0-9.])([0-9]{1,3})_([0-9]{1,3})([bm])([^a-z0-9]|$)',
        '\1\2.\3\4\5',
        'g'
    )
{%- endmacro %}

{#-
    A dense size written in the name (`7b`, `1.5b`, `1_8b`, `350m`, `7b1`), in parameters, or
    NULL. Never a size, besides the rules above:
    - a size followed by an expert count (`Llama-4-Scout-17B-16E`): the active parameters of a
      mixture, not its total (which the seed known_model_sizes gives);
    - a count in millions below 10 (`Long-VITA-1M`, `Qwen2.5-7B-Instruct-1M` after its `7B`):
      a context length far more often than a model of a few million parameters;
    - a count in millions in the name of an image encoder written with its patch size
      (`metaclip-b32-400m`, `ViT-L-14-...-2b`): the size of its training set.
-#}
{% macro size_written_in_name(name) -%}
    {%- set name_ = size_decimal_underscores(name) -%}
    {%- set dense = "'(?:^|[^a-z0-9.])([0-9]{1,4}(?:[.][0-9]{1,3})?)([bm])(?:[^a-z0-9]|$)'" -%}
    {%- set expert_suffix = "'[0-9][bm]-[0-9]{1,3}e(?:[^a-z0-9]|$)'" -%}
    {%- set patch_token = "'(?:^|[^a-z0-9])(?:vit-)?(?:b|l|h|g|bigg)-?(?:14|16|32)(?:[^a-z0-9]|$)'"
    -%}
    case
        when not regexp_matches({{ name_ }}, {{ expert_suffix }})
            then cast(round(coalesce(
                -- BLOOM's `7b1` = 7.1B
                cast(replace(nullif(regexp_extract(
                    {{ name_ }}, '(?:^|[^a-z0-9.])([0-9]{1,3}b[0-9])(?:[^a-z0-9]|$)', 1
                ), ''), 'b', '.') as double) * 1e9,
                case
                    when regexp_extract({{ name_ }}, {{ dense }}, 2) = 'b'
                        then cast(nullif(regexp_extract({{ name_ }}, {{ dense }}, 1), '') as double)
                        * 1e9
                    when
                        regexp_extract({{ name_ }}, {{ dense }}, 2) = 'm'
                        and cast(nullif(regexp_extract({{ name_ }}, {{ dense }}, 1), '') as double)
                        >= 10
                        and not regexp_matches({{ name_ }}, {{ patch_token }})
                        then cast(nullif(regexp_extract({{ name_ }}, {{ dense }}, 1), '') as double)
                        * 1e6
                end
            )) as bigint)
    end
{%- endmacro %}
