-- What the data concludes, one row per snapshot date, hypothesis, population and tag: the
-- question, the metric and its value with a 95 % interval, the sample and a verdict. The
-- verdict rule and each hypothesis' metric are in hypothesis_findings.yml.

with

snapshot_dates as (

    select snapshot_date
    from {{ ref('report_snapshot_dates') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

-- H1: a publisher's word agrees with the class its stated size gets under the project's rule.
-- `lightweight`, `small` and `very small` name small models; any other word a large one.
publisher_labels as (

    select
        parameter_count,
        model_class,
        publisher_label in ('lightweight', 'small', 'very small') as is_small_label

    from {{ ref('report_publisher_size_labels') }}

),

h1 as (

    select
        count(*) as n_labels,
        count(
            case
                when
                    (is_small_label and model_class = 'SLM')
                    or (not is_small_label and model_class = 'LLM')
                    then 1
            end
        ) as n_agreeing,
        max(case when is_small_label then parameter_count end) as largest_small,
        min(case when not is_small_label then parameter_count end) as smallest_large

    from publisher_labels

),

-- H2: per benchmark, the best score of each class, on benchmarks where both classes have one.
benchmark_bests as (

    select
        benchmark,
        max(case when model_class = 'SLM' then score end) as best_slm,
        max(case when model_class = 'LLM' then score end) as best_llm

    from {{ ref('report_reference_results') }}

    group by benchmark

),

h2 as (

    select
        count(*) as n_benchmarks,
        count(
            case
                when best_slm >= best_llm - {{ var('findings_benchmark_margin_pp') }} then 1
            end
        ) as n_within_margin

    from benchmark_bests

    where best_slm is not null and best_llm is not null

),

tag_counts as (

    select
        snapshot_date,
        tag,
        sum(case when model_class = 'SLM' then n_models else 0 end) as n_slm,
        sum(case when model_class in ('SLM', 'LLM') then n_models else 0 end) as n_known

    from {{ ref('tags_by_class') }}

    where
        -- the study's view: every model, not the language models only
        population = 'all_models'
        and {{ incremental_snapshot_window('snapshot_date') }}

    group by snapshot_date, tag

),

-- H3 overall: model-task pairs of every tag together; per tag: that tag's models.
h3_counts as (

    select
        snapshot_dates.snapshot_date,
        cast(null as varchar) as tag,
        coalesce(sum(tag_counts.n_slm), 0) as n_slm,
        coalesce(sum(tag_counts.n_known), 0) as n_known

    from snapshot_dates

    left join tag_counts
        on snapshot_dates.snapshot_date = tag_counts.snapshot_date

    group by snapshot_dates.snapshot_date

    union all

    select
        tag_counts.snapshot_date,
        tag_counts.tag,
        tag_counts.n_slm,
        tag_counts.n_known

    from tag_counts

    inner join snapshot_dates
        on tag_counts.snapshot_date = snapshot_dates.snapshot_date

),

trends as (

    select * from {{ ref('slm_share_trends') }}
    where {{ incremental_snapshot_window('snapshot_date') }}

),

trend_hypotheses as (

    select
        'H4' as hypothesis,
        'slm_share_of_new_models' as series

    union all

    select
        'H5' as hypothesis,
        'slm_share_of_downloads' as series

),

-- H4 and H5 overall (scope `all`, present on every date even without a trend) and H4 per tag.
trend_rows as (

    select
        snapshot_dates.snapshot_date,
        hypotheses.hypothesis,
        hypotheses.series,
        cast(null as varchar) as tag,
        trends.source_mart,
        trends.slope_pp_per_year,
        trends.slope_low,
        trends.slope_high,
        trends.n_sample,
        trends.n_points

    from snapshot_dates

    cross join trend_hypotheses as hypotheses

    left join trends
        on
            snapshot_dates.snapshot_date = trends.snapshot_date
            and hypotheses.series = trends.series
            and trends.scope = 'all'

    union all

    select
        snapshot_date,
        hypothesis,
        series,
        scope as tag,
        source_mart,
        slope_pp_per_year,
        slope_low,
        slope_high,
        n_sample,
        n_points

    from trends

    where hypothesis = 'H4' and scope != 'all'

),

findings as (

    select
        snapshot_dates.snapshot_date,
        'H1' as hypothesis,
        cast(null as varchar) as tag,
        'Do publishers label their models small below the 7B SLM boundary and large above it?'
            as question,
        'share of publisher size labels that agree with the SLM/LLM class of the stated size'
            as metric,
        '%' as value_unit,
        100.0 * h1.n_agreeing / nullif(h1.n_labels, 0) as metric_value,
        100 * {{ wilson_low('h1.n_agreeing', 'h1.n_labels') }} as interval_low,
        100 * {{ wilson_high('h1.n_agreeing', 'h1.n_labels') }} as interval_high,
        {{ interval_level_pct() }} as interval_level_pct,
        h1.n_labels as sample_size,
        'labelled models' as sample_unit,
        {{ findings_verdict(
            '100 * ' ~ wilson_low('h1.n_agreeing', 'h1.n_labels'),
            '100 * ' ~ wilson_high('h1.n_agreeing', 'h1.n_labels'),
            50
        ) }} as verdict,
        'report_publisher_size_labels (publisher_label, parameter_count, model_class)'
            as evidence,
        'small labels up to '
        || cast(round(h1.largest_small / 1e9, 1) as varchar)
        || 'B parameters, large labels from '
        || cast(round(h1.smallest_large / 1e9, 1) as varchar)
        || 'B' as detail

    from snapshot_dates

    cross join h1

    union all

    select
        snapshot_dates.snapshot_date,
        'H2' as hypothesis,
        cast(null as varchar) as tag,
        'On specialised benchmarks, does the best SLM come close to the best LLM?' as question,
        'share of benchmarks where the best SLM scores at most '
        || cast({{ var('findings_benchmark_margin_pp') }} as varchar)
        || ' points below the best LLM' as metric,
        '%' as value_unit,
        100.0 * h2.n_within_margin / nullif(h2.n_benchmarks, 0) as metric_value,
        100 * {{ wilson_low('h2.n_within_margin', 'h2.n_benchmarks') }} as interval_low,
        100 * {{ wilson_high('h2.n_within_margin', 'h2.n_benchmarks') }} as interval_high,
        {{ interval_level_pct() }} as interval_level_pct,
        h2.n_benchmarks as sample_size,
        'benchmarks with both classes' as sample_unit,
        {{ findings_verdict(
            '100 * ' ~ wilson_low('h2.n_within_margin', 'h2.n_benchmarks'),
            '100 * ' ~ wilson_high('h2.n_within_margin', 'h2.n_benchmarks'),
            50
        ) }} as verdict,
        'report_reference_results (benchmark, score, model_class)' as evidence,
        cast(h2.n_within_margin as varchar) || ' of ' || cast(h2.n_benchmarks as varchar)
        || ' benchmarks' as detail

    from snapshot_dates

    cross join h2

    union all

    select
        snapshot_date,
        'H3' as hypothesis,
        tag,
        case
            when tag is null
                then 'Are SLMs the majority of the models published for the Hub''s tasks?'
            else 'Are SLMs the majority of the models published for ' || tag || '?'
        end as question,
        case
            when tag is null
                then 'SLM share of the top listing''s model-task pairs of known size'
            else 'SLM share of the top listing''s models of known size tagged ' || tag
        end as metric,
        '%' as value_unit,
        100.0 * n_slm / nullif(n_known, 0) as metric_value,
        100 * {{ wilson_low('n_slm', 'n_known') }} as interval_low,
        100 * {{ wilson_high('n_slm', 'n_known') }} as interval_high,
        {{ interval_level_pct() }} as interval_level_pct,
        n_known as sample_size,
        case
            when tag is null then 'model-task pairs of known size' else 'models of known size'
        end as sample_unit,
        case
            when n_known < {{ var('findings_min_sample') }} then 'inconclusive'
            else {{ findings_verdict(
                '100 * ' ~ wilson_low('n_slm', 'n_known'),
                '100 * ' ~ wilson_high('n_slm', 'n_known'),
                50
            ) }}
        end as verdict,
        'tags_by_class (model_class, tag, n_models)' as evidence,
        cast(null as varchar) as detail

    from h3_counts

    union all

    select
        snapshot_date,
        hypothesis,
        tag,
        case
            when hypothesis = 'H5'
                then 'Do SLMs take a growing share of downloads?'
            when tag is null
                then 'Do SLMs take a growing share of new models?'
            else 'Do SLMs take a growing share of new ' || tag || ' models?'
        end as question,
        case
            when hypothesis = 'H5'
                then 'trend of the SLM share of monthly downloads, points per year'
            else 'trend of the SLM share of models created per month, points per year'
        end as metric,
        'pp/year' as value_unit,
        slope_pp_per_year as metric_value,
        slope_low as interval_low,
        slope_high as interval_high,
        -- slm_share_trends' slope interval: Student's t at 0.975, two-sided 95 %
        95.0 as interval_level_pct,
        coalesce(n_sample, 0) as sample_size,
        'models of known size' as sample_unit,
        case
            when slope_pp_per_year is null then 'inconclusive'
            else {{ findings_verdict('slope_low', 'slope_high', 0) }}
        end as verdict,
        'slm_share_trends (slope_pp_per_year, slope_low, slope_high) from '
        || coalesce(
            source_mart,
            case
                when hypothesis = 'H5' then 'monthly_downloads_by_class'
                else 'slm_share_by_creation_month'
            end
        ) as evidence,
        cast(coalesce(n_points, 0) as varchar) || ' months' as detail

    from trend_rows

),

final as (

    select
        snapshot_date,
        hypothesis,
        'all_models' as population,
        tag,
        question,
        metric,
        value_unit,
        -- rounded to 1e-4: finer digits are noise, and equal inputs give equal rows
        cast(round(metric_value, 4) as double) as metric_value,
        cast(round(interval_low, 4) as double) as interval_low,
        cast(round(interval_high, 4) as double) as interval_high,
        cast(round(interval_level_pct, 1) as double) as interval_level_pct,
        cast(sample_size as bigint) as sample_size,
        sample_unit,
        verdict,
        evidence,
        detail

    from findings

)

select * from final
