{#-
    The verdict of a finding from its interval against a reference value: `supported` when
    the whole interval lies above it, `not supported` when the whole interval lies below it,
    `inconclusive` when it straddles it or is unknown (too small a sample gives no interval).
-#}
{% macro findings_verdict(low, high, reference) -%}
    case
        when ({{ low }}) > ({{ reference }}) then 'supported'
        when ({{ high }}) < ({{ reference }}) then 'not supported'
        else 'inconclusive'
    end
{%- endmacro %}
