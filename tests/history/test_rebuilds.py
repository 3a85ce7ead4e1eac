"""Incremental builds equal a full refresh, row for row, and the dbt unit tests of the history logic pass.

The history models are built again over the pipeline's snapshots one window at a time, in date
order, into empty tables (single days around the missed day, several days at once elsewhere); a
copy is then rebuilt with --full-refresh (conftest.rebuilds).
"""

from datetime import date, timedelta

import pytest

from tests.history.conftest import (
    HISTORY_INTERMEDIATE,
    HISTORY_MARTS,
    LAST_DAY,
    REPLAY_VARS,
    Pipeline,
    Rebuilds,
    history_tables,
    query,
)

pytestmark = pytest.mark.timeout(600)


def test_incremental_windows_equal_a_full_refresh_row_for_row(rebuilds: Rebuilds, history_pipeline: Pipeline):
    incremental = history_tables(rebuilds.incremental)
    full_refresh = history_tables(rebuilds.full_refresh)
    pipeline = history_tables(history_pipeline.warehouse_dir)
    assert len(incremental) == len(HISTORY_INTERMEDIATE) + len(HISTORY_MARTS)
    for name, rows in full_refresh.items():
        assert rows, name
        assert incremental[name] == rows, name
        # The pipeline's build (one run over every date) is the same again, but for the cross-check
        # of the Hub's 30-day counts, which the replay makes over 3 days (REPLAY_VARS).
        if name != "marts.downloads_30d_reconciliation":
            assert pipeline[name] == rows, name


def test_each_window_build_ran_every_history_model(rebuilds: Rebuilds):
    for results in rebuilds.run_results:  # incremental runs into existing tables, then the full refresh
        models = {
            r["unique_id"].split(".")[-1]: r
            for r in results["results"]
            if r["unique_id"].startswith("model.")
        }
        for name in (*HISTORY_INTERMEDIATE, *HISTORY_MARTS):
            assert models[name]["status"] == "success", name


def test_the_unit_tests_of_the_history_logic_ran_and_passed(rebuilds: Rebuilds):
    unit_tests = {
        r["unique_id"].split(".")[-1]: r["status"]
        for r in rebuilds.run_results[-1]["results"]  # the full refresh's build
        if r["unique_id"].startswith("unit_test.")
    }
    for name in (
        "deltas_gaps_first_days_and_decreases",
        "an_incremental_run_reads_the_lookback_and_knows_older_models",
        "kaplan_meier_with_left_and_right_censoring",
        "one_day_intervals_only_and_a_pooled_rolling_share",
        "intervals_inside_the_month_and_complete_months",
        "only_full_windows_of_one_day_deltas_are_checked",
        "tenure_per_listing_and_presence_today",
        "each_model_once_with_its_latest_class_per_source_and_week",
        "older_than_a_year_strictly",
        "one_observation_per_model_and_day_from_the_top_listing_record",
    ):
        assert unit_tests.get(name) == "pass", name


def test_the_30_day_cross_check_reports_disagreements(rebuilds: Rebuilds, history_pipeline: Pipeline):
    """The replay checks 3-day sums (REPLAY_VARS) against the Hub's 30-day counts: they disagree,
    and every model observed on 4 consecutive days is reported, with the right numbers."""
    rows = query(
        rebuilds.full_refresh,
        "select snapshot_date, model_id, sum_daily_downloads, reported_downloads_30d, difference, agrees "
        "from marts.downloads_30d_reconciliation",
    )
    observed: dict = {}
    for day, model_id in query(
        rebuilds.full_refresh, "select snapshot_date, model_id from intermediate.int_model_observations"
    ):
        observed.setdefault(day, set()).add(model_id)
    window = REPLAY_VARS["hub_downloads_window_days"]
    expected = {
        (day, model_id)
        for day, models in observed.items()
        for model_id in models
        if all(model_id in observed.get(day - timedelta(days=k), ()) for k in range(1, window + 1))
    }
    assert {(day, model_id) for day, model_id, *_ in rows} == expected
    # Four consecutive snapshots end on 2025-01-02 and -03, and after the missed day on -08 only.
    assert {day for day, _ in expected} == {date(2025, 1, 2), date(2025, 1, 3), LAST_DAY}
    world = history_pipeline.world
    days = {day for day, *_ in rows}
    all_time = {d: world.downloads_all_time(d) for d in days | {d - timedelta(days=window) for d in days}}
    downloads_30d = {d: world.downloads_30d(d) for d in days}
    for day, model_id, summed, reported, difference, agrees in rows:
        i = world.index_of(model_id)
        assert summed == int(all_time[day][i] - all_time[day - timedelta(days=window)][i])
        assert reported == int(downloads_30d[day][i])
        assert (difference, agrees) == (reported - summed, reported == summed)
    assert not all(agrees for *_, agrees in rows)  # disagreements are kept, not hidden
