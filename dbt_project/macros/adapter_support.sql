{#- The `default__` variant of a dispatched macro: fail at compile time, naming what to add. -#}
{% macro not_implemented_for_adapter(macro_name) -%}
    {{ exceptions.raise_compiler_error(
        macro_name ~ " has no implementation for the " ~ adapter.type() ~ " adapter: add a macro "
        ~ adapter.type() ~ "__" ~ macro_name ~ " beside the duckdb__ one"
    ) }}
{%- endmacro %}
