{#-
    The study's size rules, in one place so every model classifies alike.

    model_class: by default 'LLM' when the parameter count is >= var('slm_max_params')
    (7,000,000,000: a 7B model is an LLM, 6,999,999,999 parameters is an SLM), 'SLM' below it,
    'unknown' when the count is NULL. With var('medium_max_params') set (default null: off), a
    grey band: 'medium' from slm_max_params (inclusive) to medium_max_params (exclusive), 'LLM'
    from medium_max_params on.

    size_class: the same rule with the thresholds given as SQL expressions (columns of the
    seed size_class_schemes in marts.classification_sensitivity); a NULL medium_max_params
    means no grey band.

    size_bucket: the study's four bins for the NLI comparison (hypothesis 2), bounds in
    parameters, each lower bound inclusive: very_small < 1e9 <= sub_5b < 5e9 <= sub_10b < 1e10
    <= very_large; 'unknown' when the count is NULL.
-#}
{% macro model_class(parameter_count) -%}
    {#- A grey band not above slm_max_params fails the query (DuckDB's error()). -#}
    {%- set medium_max_params = var('medium_max_params', none) -%}
    {%- if medium_max_params is none -%}
        {%- set medium_max_params = 'null' -%}
    {%- elif medium_max_params | float <= var('slm_max_params') | float -%}
        {%- set medium_max_params = "error('var medium_max_params must be greater than "
            ~ "slm_max_params, or null for no grey band')" -%}
    {%- endif -%}
    {{ size_class(parameter_count, var('slm_max_params'), medium_max_params) }}
{%- endmacro %}

{% macro size_class(parameter_count, slm_max_params, medium_max_params='null') -%}
    case
        when {{ parameter_count }} is null then 'unknown'
        when {{ parameter_count }} < {{ slm_max_params }} then 'SLM'
        when {{ parameter_count }} < {{ medium_max_params }} then 'medium'
        else 'LLM'
    end
{%- endmacro %}

{#-
    The classes model_class can return with the current vars, for accepted_values tests:
    `values: "{{ model_classes() }}"` (no 'medium' while the grey band is off).
-#}
{% macro model_classes(with_unknown=true) -%}
    {%- set classes = ['SLM', 'LLM'] -%}
    {%- if var('medium_max_params', none) is not none -%}
        {%- do classes.insert(1, 'medium') -%}
    {%- endif -%}
    {%- if with_unknown -%}
        {%- do classes.append('unknown') -%}
    {%- endif -%}
    {{ return(classes) }}
{%- endmacro %}

{#-
    The parameter count a model is classed by: its resolved count (size_mode 'exact', the
    default), or the size its name (or its base's name) gives where there is one (size_mode
    'nominal': a `7B` model of 7.24B parameters is classed as 7B, as its publisher names it).
-#}
{% macro class_parameter_count(parameter_count, nominal_parameter_count) -%}
    {%- set mode = var('size_mode', 'exact') -%}
    {%- if mode == 'exact' -%}
        {{ parameter_count }}
    {%- elif mode == 'nominal' -%}
        coalesce({{ nominal_parameter_count }}, {{ parameter_count }})
    {%- else -%}
        {#- any other value fails the query (DuckDB's error()), naming the var -#}
        error('var size_mode must be exact or nominal')
    {%- endif -%}
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
