{#-
    The SLM share of a count of SLMs, LLMs and units of unknown size (models or families), as
    every share mart states it, five columns:
    - slm_pct: of the units of known size (0-100); NULL when there is none;
    - slm_pct_low, slm_pct_high: its 95 % Wilson score interval (macros/wilson_interval.sql);
    - slm_pct_if_unknown_slm, slm_pct_if_unknown_llm: the share were every unit of unknown size
      an SLM, or an LLM (the bounds the unknown sizes leave); NULL when there is no unit.
    Arguments are SQL expressions (column names) of the three counts.
-#}
{% macro slm_share_columns(n_slm, n_llm, n_unknown) -%}
    {%- set n_known = n_slm ~ ' + ' ~ n_llm -%}
    {%- set n_all = n_known ~ ' + ' ~ n_unknown -%}
    case
        when {{ n_known }} > 0
            then cast(100.0 * {{ n_slm }} as double) / ({{ n_known }})
    end as slm_pct,
    100 * {{ wilson_low(n_slm, n_known) }} as slm_pct_low,
    100 * {{ wilson_high(n_slm, n_known) }} as slm_pct_high,
    case
        when {{ n_all }} > 0
            then cast(100.0 * ({{ n_slm }} + {{ n_unknown }}) as double) / ({{ n_all }})
    end as slm_pct_if_unknown_slm,
    case
        when {{ n_all }} > 0
            then cast(100.0 * {{ n_slm }} as double) / ({{ n_all }})
    end as slm_pct_if_unknown_llm
{%- endmacro %}
