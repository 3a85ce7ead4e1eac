-- The tag chart of the language-model population: each task tag of marts.tags_by_class's
-- `language_models` rows with the share of its class's top-listing language models that carry
-- it (a model can carry several tags, so a class's shares do not add up to 100). Its tags are
-- the tasks of language models: no diffusion, detection or image classification.

with

tags as (

    select * from {{ ref('tags_by_class') }}
    where
        population = 'language_models'
        and n_models > 0
        and {{ incremental_snapshot_window('snapshot_date') }}

),

class_sizes as (

    select
        snapshot_date,
        model_class,
        n_models as n_class_models

    from {{ ref('class_split') }}
    where
        listing = 'top'
        and population = 'language_models'
        and n_models > 0
        and {{ incremental_snapshot_window('snapshot_date') }}

),

shared as (

    select
        tags.snapshot_date,
        tags.model_class,
        tags.tag,
        tags.n_models,
        class_sizes.n_class_models,
        cast(100.0 * tags.n_models as double) / class_sizes.n_class_models as pct_of_class

    from tags
    inner join class_sizes
        on
            tags.snapshot_date = class_sizes.snapshot_date
            and tags.model_class = class_sizes.model_class

)

select * from shared
