{#-
    The study's size rules, in one place so every model classifies alike.

    model_class: 'LLM' when the parameter count is >= var('slm_max_params') (default
    7,000,000,000: a 7B model is an LLM, 6,999,999,999 parameters is an SLM), 'SLM' below it,
    'unknown' when the count is NULL.

    size_bucket: the study's four bins for the NLI comparison (hypothesis 2), bounds in
    parameters, each lower bound inclusive: very_small < 1e9 <= sub_5b < 5e9 <= sub_10b < 1e10
    <= very_large; 'unknown' when the count is NULL.
-#}
{% macro model_class(parameter_count) -%}
    case
        when {{ parameter_count }} is null then 'unknown'
        when {{ parameter_count }} >= {{ var('slm_max_params') }} then 'LLM'
        else 'SLM'
    end
{%- endmacro %}

{% macro size_bucket(parameter_count) -%}
    case
        when {{ parameter_count }} is null then 'unknown'
        when {{ parameter_count }} < 1000000000 then 'very_small'
        when {{ parameter_count }} < 5000000000 then 'sub_5b'
        when {{ parameter_count }} < 10000000000 then 'sub_10b'
        else 'very_large'
    end
{%- endmacro %}
