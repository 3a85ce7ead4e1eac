"""Renamed models keep one history, through the real pipeline.

The simulated Hub renames models on three of six consecutive days, in the three ways owners do
(case change, owner transfer, new name), keeping each record's `_id` (renames.py); the daily job
(`daily_snapshot`: snapshot, base models, dbt build with its data tests, figures) runs over HTTP
into a real DuckDB file as two three-day single runs, as a backfill or a catch-up runs it: each
day is snapshotted from that day's Hub, then one dbt build covers the run's days. A rename falls
inside each run (days 2 and 5), where the build sees both names at once, and on the first day of
the second run (day 4), where the incremental build adds the new name to the history the first
run built. Day-by-day runs across renames: tests/identity/test_renames_real_payload.py. Expected
values come from the world's ground truth: its rename events, its download counters, its listings.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.date_range_runs import materialize_date_range
from simulated_hub.renames import KINDS, RenameEvent
from simulated_hub.world import SyntheticWorld, WorldConfig
from tests.pipeline_harness import ListingSizes, simulated_pipeline

pytestmark = [pytest.mark.slow, pytest.mark.timeout(3000)]

# Each rename day has a snapshot before it and one after it; two renames fall on consecutive days.
DAYS = [date(2025, 1, 1) + timedelta(days=i) for i in range(6)]
RENAME_DAYS = (date(2025, 1, 2), date(2025, 1, 4), date(2025, 1, 5))
# The runs' windows (first, last day): day 4's rename is the second run's first day, so the
# incremental build crosses it; days 2 and 5 fall inside a run.
RUNS = ((DAYS[0], DAYS[2]), (DAYS[3], DAYS[5]))
TOP_N, PER_TAG_N, N_TAGS, PAGE_SIZE = 1000, 200, 2, 500
N_MODELS = 2000
OWN = ("safetensors", "gguf")  # a size the base's own weights give

# Every mart that holds one row per model (and date): its stable key.
MART_KEYS = {
    "marts.model_daily_downloads": ("model_uid", "interval_end"),
    "marts.downloads_30d_reconciliation": ("model_uid", "snapshot_date"),
    "marts.top_n_tenure": ("model_uid", "listing"),
    "intermediate.int_hub_models": ("model_uid",),
    "intermediate.int_model_sizes": ("model_uid",),
    "intermediate.int_model_observations": ("model_uid", "snapshot_date"),
    "intermediate.int_model_lineage_edges": ("model_uid", "base_model_uid"),
}


@dataclass
class Run:
    world: SyntheticWorld
    warehouse_dir: Path
    results: list[dg.ExecuteInProcessResult]

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse_dir / "observatory.duckdb"), read_only=True) as conn:
            return conn.execute(sql, params or []).fetchall()

    @property
    def events(self) -> list[RenameEvent]:
        return self.world.rename_events

    def observed_days(self, object_id: str) -> list[date]:
        return [
            day
            for (day,) in self.query(
                "select snapshot_date from intermediate.int_model_observations "
                "where model_uid = ? order by 1",
                [object_id],
            )
        ]


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    world = SyntheticWorld(WorldConfig(today=DAYS[-1], n_models=N_MODELS, rename_days=RENAME_DAYS))
    warehouse_dir = tmp_path_factory.mktemp("renames_warehouse")
    sizes = ListingSizes(TOP_N, PER_TAG_N, N_TAGS, PAGE_SIZE)
    with simulated_pipeline(world, warehouse_dir, sizes) as (_, definitions, instance):
        results = [materialize_date_range(definitions, instance, first, last) for first, last in RUNS]
    return Run(world, warehouse_dir, results)


def test_the_world_renames_in_all_three_ways_on_the_known_days(run: Run):
    assert {event.kind for event in run.events} == set(KINDS)
    assert {event.day for event in run.events} == set(RENAME_DAYS)
    for event in run.events:
        assert event.old_name != event.new_name
        if event.kind == "case_change":
            assert event.old_name.lower() == event.new_name.lower()
        if event.kind == "owner_transfer":
            assert event.old_name.split("/")[1] == event.new_name.split("/")[1]
            assert event.old_name.split("/")[0] != event.new_name.split("/")[0]


def test_the_daily_job_runs_green_and_snapshots_every_day(run: Run):
    assert [result.success for result in run.results] == [True] * len(RUNS)
    snapshotted = run.query("select distinct snapshot_date from raw.hub_model_snapshots order by 1")
    assert [day for (day,) in snapshotted] == DAYS


def test_listings_served_the_old_name_before_the_rename_and_the_new_one_after(run: Run):
    for event in run.events:
        names = dict(
            run.query(
                "select snapshot_date, any_value(model_id) from raw.hub_model_snapshots "
                "where record->>'_id' = ? group by 1",
                [event.object_id],
            )
        )
        assert names, event
        for day, name in names.items():
            assert name == (event.new_name if day >= event.day else event.old_name), (event, day)


def test_one_model_per_id_in_every_table_that_holds_models(run: Run):
    for table, key in MART_KEYS.items():
        columns = ", ".join(key)
        duplicates = run.query(f"select {columns}, count(*) from {table} group by all having count(*) > 1")
        assert duplicates == [], table
    renamed = [event.object_id for event in run.events]
    rows = run.query(
        "select model_uid, model_id from intermediate.int_hub_models where model_uid in (select unnest(?))",
        [renamed],
    )
    assert {uid for uid, _ in rows} == set(renamed)


def test_the_names_table_dates_every_name_and_marts_show_the_latest(run: Run):
    for event in run.events:
        days = run.observed_days(event.object_id)
        before = [day for day in days if day < event.day]
        after = [day for day in days if day >= event.day]
        expected = []
        if before:
            expected.append((event.old_name, before[0], before[-1], False))
        if after:
            expected.append((event.new_name, after[0], after[-1], True))
        names = run.query(
            "select model_id, first_seen_date, last_seen_date, is_latest_name "
            "from intermediate.int_model_names "
            "where model_uid = ? and was_served order by first_seen_date",
            [event.object_id],
        )
        assert names == expected, event
        latest = expected[-1][0]
        for table in ("marts.model_daily_downloads", "marts.top_n_tenure", "intermediate.int_hub_models"):
            shown = run.query(f"select distinct model_id from {table} where model_uid = ?", [event.object_id])
            assert shown in ([(latest,)], []), (table, event)


def test_daily_downloads_continue_across_a_rename(run: Run):
    """Every interval of a renamed model equals the world's counter difference; the day of the
    rename is an ordinary one-day interval when the model was seen the day before."""
    checked_across = 0
    for event in run.events:
        rows = run.query(
            "select interval_start, interval_end, interval_status, downloads "
            "from marts.model_daily_downloads "
            "where model_uid = ? order by interval_end",
            [event.object_id],
        )
        days = run.observed_days(event.object_id)
        assert [end for _, end, _, _ in rows] == days
        assert [status for _, _, status, _ in rows].count("first_seen") == 1
        for start, end, status, downloads in rows[1:]:
            assert status in ("one_day", "multi_day"), (event, end)
            all_time = run.world.downloads_all_time
            expected = int(all_time(end)[event.index] - all_time(start)[event.index])
            assert downloads == expected, (event, end)
            if start < event.day <= end:
                checked_across += 1
                if (end - start).days == 1:
                    assert downloads == int(run.world.daily_downloads(end)[event.index])
    assert checked_across >= len(run.events) - 1  # a renamed model may fall out of every listing


def test_tenure_does_not_restart_at_a_rename(run: Run):
    checked = 0
    for event in run.events:
        days_in_top = [
            day
            for day in DAYS
            if event.index in set(run.world.listing(day, sort="downloads")[:TOP_N].tolist())
        ]
        rows = run.query(
            "select first_seen_date, last_seen_date, days_present, model_id from marts.top_n_tenure "
            "where listing = 'top' and model_uid = ?",
            [event.object_id],
        )
        if not days_in_top:
            assert rows == []
            continue
        assert rows == [(days_in_top[0], days_in_top[-1], len(days_in_top), event.new_name)], event
        if days_in_top[0] < event.day <= days_in_top[-1]:
            checked += 1
    assert checked >= 1


def test_a_tag_naming_the_old_name_resolves_to_the_renamed_base(run: Run):
    """The first rename of each day is a base other cards name: their tags keep its old name, and
    the edge, and the size those models inherit, are the renamed base's."""
    inherited = 0
    for event in run.events:
        children = run.query(
            "select edges.model_uid, edges.base_model_id, sizes.parameter_count, sizes.parameter_source, "
            "sizes.size_resolved_from "
            "from intermediate.int_model_lineage_edges as edges "
            "join intermediate.int_model_sizes as sizes on sizes.model_uid = edges.model_uid "
            "where edges.base_model_uid = ?",
            [event.object_id],
        )
        base_size = run.query(
            "select parameter_count, parameter_source from intermediate.int_model_sizes where model_uid = ?",
            [event.object_id],
        )
        for _, base_model_id, parameter_count, source, resolved_from in children:
            assert base_model_id.lower() in (event.old_name.lower(), event.new_name.lower())
            if source == "base_model" and base_model_id == event.old_name and base_size[0][1] in OWN:
                assert parameter_count == base_size[0][0], event
                assert resolved_from == event.new_name  # the base's latest name
                inherited += 1
        # nothing still points at the old name as a separate model
        orphans = run.query(
            "select count(*) from intermediate.int_model_lineage_edges "
            "where lower(base_model_id) = lower(?) and base_model_uid != ?",
            [event.old_name, event.object_id],
        )
        assert orphans == [(0,)], event
    assert inherited >= 1


def test_the_pipelines_data_tests_on_the_stable_keys_ran_and_passed(run: Run):
    seen: dict[str, list[bool]] = defaultdict(list)
    for result in run.results:
        for check in result.get_asset_check_evaluations():
            name = check.check_name
            if "model_uid" in name and name.startswith("unique_combination_of_columns"):
                seen[name].append(check.passed)
    for mart in ("model_daily_downloads", "downloads_30d_reconciliation", "top_n_tenure"):
        matching = [name for name in seen if mart in name]
        assert matching, mart
        for name in matching:
            assert all(seen[name]), name
