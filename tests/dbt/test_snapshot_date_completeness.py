"""`has_every_snapshot_date`: `dbt build` fails when a snapshot date of raw is missing from a
mart. On a run over a partition window, the dates due are raw's dates up to the window's end:
an earlier day never modelled fails the run, a later day still being ingested does not."""

from datetime import date

from tests.dbt.conftest import MARTS, Warehouse
from tests.dbt.hub_records import DAY_1, DAY_2

LATE_DAY = date(2025, 1, 6)  # DAY_1's records, ingested after DAY_1 and DAY_2 were modelled
NEXT_DAY = date(2025, 1, 9)  # DAY_2's records, ingested, its own run not yet done
# The marts built on the study marts: skipped when a study mart's test fails.
READ_THE_STUDY_MARTS = (
    "slm_share_trends",
    "every_hypothesis_on_every_snapshot_date",
    "slm_share_by_population",
    "population_shares_match_class_split",
    "popularity_bias",
    "hypothesis_findings",
)


def rows_of(rows: list[tuple], day: date) -> list[tuple]:
    return [row[1:] for row in rows if row[0] == day]


def test_a_raw_date_missing_from_the_marts_fails_the_build(
    built_warehouse: Warehouse, rebuilt_copy: Warehouse
):
    full_build = built_warehouse.marts()
    warehouse = rebuilt_copy
    warehouse.load_raw([DAY_1], as_date=LATE_DAY)
    warehouse.load_raw([DAY_2], as_date=NEXT_DAY)

    # Rebuilding DAY_2 alone leaves LATE_DAY missing: the completeness test of every mart fails,
    # with one missing date each (NEXT_DAY, after the window, is not due yet); nothing else fails.
    # The trends and findings read those marts, so dbt skips them and their tests (skipped, not
    # failed: they would report the same missing date again).
    result = warehouse.dbt("build", window=(DAY_2, DAY_2))
    assert result.returncode != 0
    statuses = {r["unique_id"]: r["status"] for r in result.run_results["results"]}
    failed = {node: n for node, n in result.failed_nodes.items() if statuses[node] != "skipped"}
    assert all(node.startswith("test.slm_observatory.has_every_snapshot_date_") for node in failed), failed
    # What dbt builds on a mart whose test failed is skipped, not built on missing dates: the
    # report's marts computed from the study marts, the trends and findings (and their tests).
    skipped = {node for node, status in statuses.items() if status == "skipped"}
    assert f"model.slm_observatory.{READ_THE_STUDY_MARTS[-1]}" in skipped
    assert all(
        ".report_" in node or "_report_" in node or any(name in node for name in READ_THE_STUDY_MARTS)
        for node in skipped
    ), skipped
    assert set(failed.values()) == {1}
    for name in MARTS:  # the study's marts among them, each missing exactly that date
        assert any(
            node.startswith(f"test.slm_observatory.has_every_snapshot_date_{name}_") for node in failed
        ), name

    # One run over the range LATE_DAY..DAY_2 (a single-run backfill) repairs it.
    warehouse.build(window=(LATE_DAY, DAY_2))
    for name in MARTS:
        marts = warehouse.mart(name)
        assert {row[0] for row in marts} == {LATE_DAY, DAY_1, DAY_2}, name
        assert rows_of(marts, LATE_DAY) == rows_of(full_build[name], DAY_1), name

    # Without a window every raw date is due, and the incremental models recompute every date.
    warehouse.build()
    for name in MARTS:
        marts = warehouse.mart(name)
        assert {row[0] for row in marts} == {LATE_DAY, DAY_1, DAY_2, NEXT_DAY}, name
        assert rows_of(marts, NEXT_DAY) == rows_of(full_build[name], DAY_2), name
