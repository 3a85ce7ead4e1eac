-- Each task tag of marts.tags_by_class with the share of its class's top-listing models that
-- carry it (a model can carry several tags, so a class's shares do not add up to 100), per
-- population: every model (the study's tag charts) and the language models only (their own
-- charts: the tasks of language models, no diffusion, detection or image classification).
-- A class or tag without a counted model of the population has no share.

with

tags as (

    select * from {{ ref('tags_by_class') }}
    where
        n_models > 0
        and {{ incremental_snapshot_window('snapshot_date') }}

),

class_sizes as (

    select
        snapshot_date,
        population,
        model_class,
        n_models as n_class_models

    from {{ ref('class_split') }}
    where
        listing = 'top'
        and n_models > 0
        and {{ incremental_snapshot_window('snapshot_date') }}

),

shared as (

    select
        tags.snapshot_date,
        tags.population,
        tags.model_class,
        tags.tag,
        tags.n_models,
        class_sizes.n_class_models,
        cast(100.0 * tags.n_models as double) / class_sizes.n_class_models as pct_of_class

    from tags
    inner join class_sizes
        on
            tags.snapshot_date = class_sizes.snapshot_date
            and tags.population = class_sizes.population
            and tags.model_class = class_sizes.model_class

)

select * from shared
