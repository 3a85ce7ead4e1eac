{#-
    The 95 % Wilson score interval of a share of counts, in % (k successes of n, z = 1.96):
    unlike p +- z * sqrt(p(1 - p) / n) it stays within [0, 100] and is not empty at k = 0 or
    k = n. NULL when n = 0.
-#}
{% macro findings_wilson_low(k, n, z=1.96) -%}
    case when ({{ n }}) > 0 then 100.0 * (
        (cast({{ k }} as double) / ({{ n }}) + {{ z }} * {{ z }} / (2.0 * ({{ n }})))
        - {{ z }} * sqrt(
            (cast({{ k }} as double) / ({{ n }}))
            * (1 - cast({{ k }} as double) / ({{ n }})) / ({{ n }})
            + {{ z }} * {{ z }} / (4.0 * ({{ n }}) * ({{ n }}))
        )
    ) / (1 + {{ z }} * {{ z }} / ({{ n }})) end
{%- endmacro %}

{% macro findings_wilson_high(k, n, z=1.96) -%}
    case when ({{ n }}) > 0 then 100.0 * (
        (cast({{ k }} as double) / ({{ n }}) + {{ z }} * {{ z }} / (2.0 * ({{ n }})))
        + {{ z }} * sqrt(
            (cast({{ k }} as double) / ({{ n }}))
            * (1 - cast({{ k }} as double) / ({{ n }})) / ({{ n }})
            + {{ z }} * {{ z }} / (4.0 * ({{ n }}) * ({{ n }}))
        )
    ) / (1 + {{ z }} * {{ z }} / ({{ n }})) end
{%- endmacro %}

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
