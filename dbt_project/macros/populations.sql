{#-
    The populations the study marts count (column `population`, docs/design.md "Populations"):
    `all_models`, every model of the listing (the study's view, its rows unchanged), and
    `language_models`, the models whose core models natural-language text
    (int_model_modality.is_language_model). A model of unknown modality is not a language
    model here, but it is never dropped: it is counted apart (n_unknown_modality).
-#}
{% macro study_populations() -%}
    {{ return(['all_models', 'language_models']) }}
{%- endmacro %}

{#-
    The rows of `models` (a CTE with model_uid) once per population, with two flags:
    `is_counted` (the model counts in the population: always in all_models, a language model
    in language_models) and `is_unknown_modality` (a model of unknown modality, in the
    language_models rows only, to be counted apart). A model that is known not to be a
    language model has no language_models row. The modality is int_model_modality's; a model
    it does not hold is of unknown modality.
-#}
{% macro rows_per_population(models) -%}
    select
        {{ models }}.*,
        populations.population,
        coalesce(
            populations.population = 'all_models' or modality.is_language_model, false
        ) as is_counted,
        (
            populations.population = 'language_models'
            and modality.is_language_model is null
        ) as is_unknown_modality

    from {{ models }}

    cross join (
        values {% for population in study_populations() -%}
        ('{{ population }}'){{ ', ' if not loop.last }}
    {%- endfor %}
    ) as populations (population)

    left join {{ ref('int_model_modality') }} as modality
        on {{ models }}.model_uid = modality.model_uid

    where
        populations.population = 'all_models'
        or modality.is_language_model
        or modality.is_language_model is null
{%- endmacro %}
