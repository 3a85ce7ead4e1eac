{#-
    The Wilson score interval of a proportion k / n (Wilson 1927; Agresti & Coull 1998, "Approximate
    is better than 'exact'"): unlike the normal approximation p +- z sqrt(p (1 - p) / n), it stays
    within [0, 1], is not empty at k = 0 or k = n, and covers close to its nominal level for the
    small months and weeks the marts hold. Bounds are proportions (0-1); a mart in percent
    multiplies by 100.

        low, high = (k + z^2 / 2 -+ z sqrt(k (n - k) / n + z^2 / 4)) / (n + z^2)

    Defined behaviour:
    - n = 0 (nothing to share), a NULL k or n, or k outside [0, n]: NULL;
    - k = 0: low is exactly 0 (the formula's value, written so rounding cannot make it -1e-17);
    - k = n: high is exactly 1.
    z defaults to var interval_z (1.96: 95 %). Portable SQL only: sqrt, case, cast to double
    precision (the SQL standard's name).
-#}
{% macro wilson_low(k, n, z=none) -%}
    {{ wilson_bound(k, n, z, 'low') }}
{%- endmacro %}

{% macro wilson_high(k, n, z=none) -%}
    {{ wilson_bound(k, n, z, 'high') }}
{%- endmacro %}

{% macro wilson_bound(k, n, z, side) -%}
    {%- set z = var('interval_z', 1.96) if z is none else z -%}
    {%- if z is number and z <= 0 -%}
        {{ exceptions.raise_compiler_error(
            "wilson_" ~ side ~ ": z must be a positive number (var interval_z), got " ~ z
        ) }}
    {%- endif -%}
    {%- set k_ = 'cast((' ~ k ~ ') as double precision)' -%}
    {%- set n_ = 'cast((' ~ n ~ ') as double precision)' -%}
    {%- set z_ = 'cast(' ~ z ~ ' as double precision)' -%}
    case
        when
            ({{ n }}) is null or ({{ k }}) is null or ({{ n }}) <= 0
            or ({{ k }}) < 0 or ({{ k }}) > ({{ n }})
            then null
        when ({{ k }}) = {{ '0' if side == 'low' else '(' ~ n ~ ')' }}
            then cast({{ '0' if side == 'low' else '1' }} as double precision)
        else
            (
                {{ k_ }} + {{ z_ }} * {{ z_ }} / 2
                {{ '-' if side == 'low' else '+' }} {{ z_ }} * sqrt(
                    {{ k_ }} * ({{ n_ }} - {{ k_ }}) / {{ n_ }} + {{ z_ }} * {{ z_ }} / 4
                )
            )
            / ({{ n_ }} + {{ z_ }} * {{ z_ }})
    end
{%- endmacro %}

{#-
    The two-sided confidence level (0-100) of the intervals' z: 100 * erf(z / sqrt(2)), with the
    rational approximation of erf of Abramowitz & Stegun, Handbook of Mathematical Functions,
    7.1.26 (absolute error under 1.5e-7), in portable SQL (exp, sqrt), so the report states the
    level the marts were built with (95 for 1.96) instead of restating it.
-#}
{% macro interval_level_pct(z=none) -%}
    {%- set z = var('interval_z', 1.96) if z is none else z -%}
    {%- set x = '(cast(' ~ z ~ ' as double precision) / sqrt(2.0))' -%}
    {%- set t = '(1.0 / (1.0 + 0.3275911 * ' ~ x ~ '))' -%}
    100 * (
        1 - (
            0.254829592 * {{ t }}
            - 0.284496736 * {{ t }} * {{ t }}
            + 1.421413741 * {{ t }} * {{ t }} * {{ t }}
            - 1.453152027 * {{ t }} * {{ t }} * {{ t }} * {{ t }}
            + 1.061405429 * {{ t }} * {{ t }} * {{ t }} * {{ t }} * {{ t }}
        ) * exp(-{{ x }} * {{ x }})
    )
{%- endmacro %}
