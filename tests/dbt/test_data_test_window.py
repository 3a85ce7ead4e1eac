"""Data tests over history check the run's dates only (macros/data_test_window.sql): a bad row
of an earlier day fails a run without a window, a run whose window covers it and a full
refresh, and not the daily run of a later day, which must not pay for re-testing all history."""

import pytest

from tests.dbt.conftest import DbtResult, Warehouse
from tests.dbt.hub_records import DAY_1, DAY_2, FILL_MASK, TOP

# Two tests of the ingestion's contract: one filtered through the `where` placeholder of a
# generic test, one through the macro in a singular test.
RANK_IS_UNIQUE = "source_unique_combination_of_columns_hub_hub_model_snapshots_snapshot_date__listing__rank"
RUNS_MATCH = "assert_listing_runs_match_snapshots"
SELECTION = ("--select", f"{RANK_IS_UNIQUE} {RUNS_MATCH}")


def failing_tests(result: DbtResult) -> dict[str, int | None]:
    """The selected tests that failed and their failures, by name."""
    assert result.run_results, result.output
    return {node.split(".")[2]: failures for node, failures in result.failed_nodes.items()}


@pytest.fixture
def day_1_with_a_bad_row(rebuilt_copy: Warehouse) -> Warehouse:
    """DAY_1's fill-mask listing with a second model at rank 1, which its listing run does not
    count."""
    rebuilt_copy.execute(
        """insert into raw.hub_model_snapshots
        select snapshot_date, ?, 1, fetched_at, model_id, record
        from raw.hub_model_snapshots
        where snapshot_date = ? and listing = ? and model_id = 'acme/chat-7b'""",
        [FILL_MASK, DAY_1, TOP],
    )
    return rebuilt_copy


def test_a_bad_row_fails_the_runs_that_cover_its_day_only(day_1_with_a_bad_row: Warehouse):
    warehouse = day_1_with_a_bad_row
    expected = {RANK_IS_UNIQUE: 1, RUNS_MATCH: 1}
    assert failing_tests(warehouse.dbt("test", *SELECTION)) == expected
    assert failing_tests(warehouse.dbt("test", *SELECTION, window=(DAY_1, DAY_2))) == expected
    full_refresh = warehouse.dbt("build", "--full-refresh", *SELECTION, window=(DAY_2, DAY_2))
    assert failing_tests(full_refresh) == expected

    # A later day's run does not test DAY_1 again: both tests run, on DAY_2's rows only.
    later_day = warehouse.dbt("test", *SELECTION, window=(DAY_2, DAY_2))
    assert later_day.returncode == 0, later_day.output
    assert len(later_day.run_results["results"]) == 2
