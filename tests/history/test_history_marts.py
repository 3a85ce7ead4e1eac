"""The history marts built by the real Dagster job over a simulated Hub (nine snapshots over ten days,
2025-01-04 missed), against the simulator's ground truth computed here (tests/history/ground_truth.py).
"""

from collections import Counter, defaultdict
from datetime import date, timedelta

import dagster as dg
import pytest

from orchestration.markdown import escape_markdown
from tests.history.conftest import (
    FIRST_DAY,
    HISTORY_MARTS,
    LAST_DAY,
    MISSED_DAY,
    SNAPSHOT_DAYS,
    TOP_N,
    Pipeline,
)
from tests.history.ground_truth import Observed, Truth, kaplan_meier

pytestmark = pytest.mark.timeout(600)

DAY_AFTER_MISSED = MISSED_DAY + timedelta(days=1)
DAY_BEFORE_MISSED = MISSED_DAY - timedelta(days=1)


@pytest.fixture(scope="module")
def truth(history_pipeline: Pipeline) -> Truth:
    models: dict[date, set[str]] = defaultdict(set)
    for day, model_id in history_pipeline.query(
        "select distinct snapshot_date, model_id from raw.hub_model_snapshots"
    ):
        models[day].add(model_id)
    classes = {
        (day, model_id): cls
        for day, model_id, cls in history_pipeline.query(
            "select snapshot_date, model_id, model_class from intermediate.int_model_observations"
        )
    }
    return Truth(history_pipeline.world, Observed(dict(models), classes))


def test_the_pipeline_ran_and_holds_every_snapshot_but_the_missed_one(history_pipeline: Pipeline):
    assert all(result.success for result in history_pipeline.results)
    dates = history_pipeline.query("select distinct snapshot_date from raw.hub_model_snapshots order by 1")
    assert [d for (d,) in dates] == SNAPSHOT_DAYS
    observed = history_pipeline.query(
        "select distinct snapshot_date from intermediate.int_model_observations order by 1"
    )
    assert [d for (d,) in observed] == SNAPSHOT_DAYS


def test_observations_are_the_models_of_every_listing(history_pipeline: Pipeline, truth: Truth):
    rows = history_pipeline.query("select snapshot_date, model_id from intermediate.int_model_observations")
    assert len(rows) == sum(len(m) for m in truth.observed.models.values())
    assert {(d, m) for d, m in rows} == {(d, m) for d, ms in truth.observed.models.items() for m in ms}


def test_every_one_day_delta_is_the_simulators_daily_downloads(history_pipeline: Pipeline, truth: Truth):
    rows = history_pipeline.query(
        "select interval_end, model_id, downloads, interval_start from marts.model_daily_downloads "
        "where interval_status = 'one_day'"
    )
    assert rows
    by_day: dict[date, set[str]] = defaultdict(set)
    for end, model_id, downloads, start in rows:
        assert start == end - timedelta(days=1)
        assert downloads == truth.daily(end, model_id), (end, model_id)
        by_day[end].add(model_id)
    # Exactly the models observed on the day and the day before.
    for day in SNAPSHOT_DAYS:
        assert by_day.get(day, set()) == truth.one_day_models(day), day


def test_the_missed_day_is_one_two_day_interval_and_nowhere_invented(
    history_pipeline: Pipeline, truth: Truth
):
    rows = history_pipeline.query(
        "select model_id, interval_start, interval_days, downloads, interval_status "
        "from marts.model_daily_downloads where interval_end = ?",
        [DAY_AFTER_MISSED],
    )
    across = {m for m, start, *_ in rows if start == DAY_BEFORE_MISSED}
    assert across == truth.observed.models[DAY_BEFORE_MISSED] & truth.observed.models[DAY_AFTER_MISSED]
    for model_id, start, days, downloads, status in rows:
        assert status != "one_day"
        if start == DAY_BEFORE_MISSED:
            assert (status, days) == ("multi_day", 2)
            # The two days' downloads in one figure, exactly.
            assert downloads == truth.daily(MISSED_DAY, model_id) + truth.daily(DAY_AFTER_MISSED, model_id)
    # No mart has a row for the missed day; the daily marts none for the day after either (its
    # intervals are two days long).
    date_columns = {
        "model_daily_downloads": "interval_end",
        "daily_downloads_by_class": "snapshot_date",
        "download_share_by_model_age": "snapshot_date",
        "downloads_30d_reconciliation": "snapshot_date",
        "survival_by_class": "snapshot_date",
        "slm_share_of_new_models": "snapshot_date",
    }
    assert set(date_columns) | {"monthly_downloads_by_class", "top_n_tenure"} == set(HISTORY_MARTS)
    for mart, column in date_columns.items():
        (n,) = history_pipeline.query(f"select count(*) from marts.{mart} where {column} = ?", [MISSED_DAY])[
            0
        ]
        assert n == 0, mart
    for mart in ("daily_downloads_by_class", "download_share_by_model_age"):
        dates = {d for (d,) in history_pipeline.query(f"select distinct snapshot_date from marts.{mart}")}
        assert dates == set(SNAPSHOT_DAYS) - {FIRST_DAY, DAY_AFTER_MISSED}, mart
    (n_interval_starts,) = history_pipeline.query(
        "select count(*) from marts.model_daily_downloads where interval_start = ?", [MISSED_DAY]
    )[0]
    assert n_interval_starts == 0
    (n_tenure,) = history_pipeline.query(
        "select count(*) from marts.top_n_tenure where first_seen_date = ? or last_seen_date = ?",
        [MISSED_DAY, MISSED_DAY],
    )[0]
    assert n_tenure == 0


def test_other_gaps_are_single_intervals_of_their_length(history_pipeline: Pipeline, truth: Truth):
    rows = history_pipeline.query(
        "select model_id, interval_start, interval_end, interval_days, downloads "
        "from marts.model_daily_downloads where interval_status = 'multi_day'"
    )
    assert len({end for _, _, end, _, _ in rows}) > 1  # not only the day after the missed one
    for model_id, start, end, days, downloads in rows:
        assert days == (end - start).days > 1
        # Never observed in between: the interval is the model's real gap.
        assert not any(
            model_id in truth.observed.models.get(start + timedelta(days=k), ()) for k in range(1, days)
        )
        assert downloads == truth.all_time(end, model_id) - truth.all_time(start, model_id)


def test_a_first_observation_has_no_delta(history_pipeline: Pipeline, truth: Truth):
    rows = history_pipeline.query(
        "select model_id, interval_end, interval_status, downloads, interval_days "
        "from marts.model_daily_downloads where interval_start is null"
    )
    first_seen: dict[str, date] = {}
    for day in SNAPSHOT_DAYS:
        for model_id in truth.observed.models[day]:
            first_seen.setdefault(model_id, day)
    assert {(m, end) for m, end, *_ in rows} == {(m, d) for m, d in first_seen.items()}
    assert {(status, downloads, days) for _, _, status, downloads, days in rows} == {
        ("first_seen", None, None)
    }
    statuses = {
        s
        for (s,) in history_pipeline.query("select distinct interval_status from marts.model_daily_downloads")
    }
    # The simulated Hub never corrects a counter: no decrease, no missing counter, no long gap.
    assert statuses == {"first_seen", "one_day", "multi_day"}


def test_daily_class_shares_are_the_simulators(history_pipeline: Pipeline, truth: Truth):
    rows = history_pipeline.query(
        "select snapshot_date, model_class, n_models, downloads, share_pct, known_share_pct, "
        "rolling_7d_share_pct, rolling_7d_days from marts.daily_downloads_by_class "
        "where population = 'all_models' order by all"
    )
    by_day: dict[date, dict[str, tuple]] = defaultdict(dict)
    for day, cls, *values in rows:
        by_day[day][cls] = tuple(values)
    expected_days = [d for d in SNAPSHOT_DAYS if truth.one_day_models(d)]
    assert sorted(by_day) == expected_days
    pooled: dict[date, dict[str, int]] = {}
    for day in expected_days:
        expected = truth.daily_by_class(day)
        pooled[day] = {cls: downloads for cls, (_, downloads) in expected.items()}
        total = sum(d for _, d in expected.values())
        known = sum(d for cls, (_, d) in expected.items() if cls in ("SLM", "LLM"))
        assert set(by_day[day]) == set(expected), day
        for cls, (n_models, downloads) in expected.items():
            got_n, got_downloads, share, known_share, *_ = by_day[day][cls]
            assert (got_n, got_downloads) == (n_models, downloads), (day, cls)
            assert share == pytest.approx(100 * downloads / total, abs=0.01), (day, cls)
            if cls in ("SLM", "LLM"):
                assert known_share == pytest.approx(100 * downloads / known, abs=0.01), (day, cls)
    # The 7-day rolling share pools the days with data among the last seven.
    for day in expected_days:
        window = [d for d in expected_days if day - timedelta(days=6) <= d <= day]
        total = sum(sum(pooled[d].values()) for d in window)
        for cls, values in by_day[day].items():
            class_total = sum(pooled[d].get(cls, 0) for d in window)
            assert values[4] == pytest.approx(100 * class_total / total, abs=0.01), (day, cls)
            assert values[5] == len(window)


def test_survival_is_kaplan_meier_of_the_simulators_top_listing(history_pipeline: Pipeline, truth: Truth):
    members = {day: truth.top_members(day, TOP_N) for day in SNAPSHOT_DAYS}
    expected = kaplan_meier(members, truth.observed.classes)
    rows = history_pipeline.query(
        "select snapshot_date, model_class, days_since_entry, n_at_risk, n_events, n_censored, survival_pct "
        "from marts.survival_by_class where population = 'all_models' order by all"
    )
    assert len(rows) == len(expected)
    for got, want in zip(rows, expected, strict=True):
        assert got[:6] == want[:6]
        assert got[6] == pytest.approx(want[6], abs=1e-9)
    assert {r[0] for r in rows} == set(SNAPSHOT_DAYS) - {FIRST_DAY}
    # Exits and censoring both occur, in more than one class.
    assert len({cls for _, cls, _, _, events, _, _ in rows if events}) > 1
    assert any(censored for *_, censored, _ in rows)


def test_monthly_downloads_hold_the_intervals_inside_each_month(history_pipeline: Pipeline, truth: Truth):
    rows = history_pipeline.query(
        "select month_start, model_class, downloads, n_models, is_complete_month "
        "from marts.monthly_downloads_by_class where population = 'all_models'"
    )
    intervals = history_pipeline.query(
        "select model_id, interval_start, interval_end, model_class from marts.model_daily_downloads "
        "where downloads is not null"
    )
    expected: dict[tuple[date, str], int] = Counter()
    for model_id, start, end, cls in intervals:
        month = end.replace(day=1)
        if start >= month - timedelta(days=1):  # inside the month: never split across months
            expected[(month, cls)] += truth.all_time(end, model_id) - truth.all_time(start, model_id)
    assert {(m, cls): d for m, cls, d, _, _ in rows} == dict(expected)
    # December lacks its eve (2024-11-30) and January its last day: both partial, flagged.
    assert {m: complete for m, _, _, _, complete in rows} == {
        date(2024, 12, 1): False,
        date(2025, 1, 1): False,
    }


def test_download_share_by_model_age_is_the_simulators(history_pipeline: Pipeline, truth: Truth):
    world = history_pipeline.world
    rows = history_pipeline.query(
        "select snapshot_date, model_class, n_models, downloads, downloads_old, old_share_pct "
        "from marts.download_share_by_model_age where population = 'all_models'"
    )
    assert rows
    for day, cls, n_models, downloads, downloads_old, share in rows:
        members = [m for m in truth.one_day_models(day) if truth.observed.classes[(day, m)] == cls]
        old = [m for m in members if (day - world.created_date_of(m)).days > 365]
        assert n_models == len(members)
        assert downloads == sum(truth.daily(day, m) for m in members)
        assert downloads_old == sum(truth.daily(day, m) for m in old)
        if downloads:
            assert share == pytest.approx(100 * downloads_old / downloads, abs=0.01)


def test_new_models_are_counted_once_per_week_from_each_listing(history_pipeline: Pipeline, truth: Truth):
    world = history_pipeline.world
    sightings = {
        "new_listing": history_pipeline.query(
            "select model_id, min(snapshot_date) from raw.hub_model_snapshots "
            "where listing = 'new' group by model_id"
        ),
        # The top listing as the simulator serves it, every snapshot date.
        "top_listing": [
            (m, min(d for d in SNAPSHOT_DAYS if m in truth.top_members(d, TOP_N)))
            for m in set().union(*(truth.top_members(d, TOP_N) for d in SNAPSHOT_DAYS))
        ],
    }
    latest_class = {}
    for (_, model_id), cls in sorted(truth.observed.classes.items()):
        latest_class[model_id] = cls  # by date order: the last observation's class
    rows = history_pipeline.query(
        "select source_listing, creation_week, n_slm, n_llm, n_unknown, n_models "
        "from marts.slm_share_of_new_models where snapshot_date = ? and population = 'all_models'",
        [LAST_DAY],
    )
    expected: dict[tuple[str, date], Counter] = defaultdict(Counter)
    for source, seen in sightings.items():
        for model_id, _ in seen:
            created = world.created_date_of(model_id)
            week = created - timedelta(days=created.weekday())
            expected[(source, week)][latest_class[model_id]] += 1
    assert {(s, w): (slm, llm, unk) for s, w, slm, llm, unk, _ in rows} == {
        key: (c["SLM"], c["LLM"], c["unknown"]) for key, c in expected.items()
    }
    # Complete weeks: from the first one the first day's `new` listing covers whole, over by the date.
    covered_from = min(world.created_date_of(m) for m, seen in sightings["new_listing"] if seen == FIRST_DAY)
    complete = {
        (s, w): c
        for s, w, c in history_pipeline.query(
            "select source_listing, creation_week, is_complete_week from marts.slm_share_of_new_models "
            "where snapshot_date = ? and population = 'all_models'",
            [LAST_DAY],
        )
    }
    assert complete == {(s, w): w > covered_from and w + timedelta(days=7) <= LAST_DAY for s, w in expected}
    assert any(complete.values())
    # Each model once, though the new listing shows many on two days running (page overlap).
    (n_new_rows,) = history_pipeline.query(
        "select count(*) from raw.hub_model_snapshots where listing = 'new'"
    )[0]
    assert sum(n for s, *_, n in rows if s == "new_listing") == len(sightings["new_listing"]) < n_new_rows


def test_top_n_tenure_follows_the_simulators_top_listing(history_pipeline: Pipeline, truth: Truth):
    members = {day: truth.top_members(day, TOP_N) for day in SNAPSHOT_DAYS}
    rows = history_pipeline.query(
        "select model_id, first_seen_date, last_seen_date, days_present, present_today, is_left_censored "
        "from marts.top_n_tenure where listing = 'top'"
    )
    expected = {}
    for model_id in set().union(*members.values()):
        present = [d for d in SNAPSHOT_DAYS if model_id in members[d]]
        expected[model_id] = (
            present[0],
            present[-1],
            len(present),
            present[-1] == LAST_DAY,
            present[0] == FIRST_DAY,
        )
    assert {m: tuple(values) for m, *values in rows} == expected
    listings = {
        listing for (listing,) in history_pipeline.query("select distinct listing from marts.top_n_tenure")
    }
    assert "new" not in listings and any(listing.startswith("pipeline_tag:") for listing in listings)


def test_the_30_day_cross_check_needs_31_consecutive_days(history_pipeline: Pipeline):
    # Nine snapshots: no model has 30 one-day deltas yet (the check itself: unit test and
    # test_rebuilds.py with a shorter window).
    assert history_pipeline.query("select count(*) from marts.downloads_30d_reconciliation") == [(0,)]


def test_history_figures_are_rendered_and_in_the_report(history_pipeline: Pipeline):
    from orchestration.defs.reports.history_figures import (
        MONTHLY_DOWNLOADS_FILE,
        NEW_MODELS_SHARE_FILE,
        OLD_MODEL_SHARE_FILE,
        SLM_DOWNLOAD_SHARE_FILE,
        SURVIVAL_FILE,
    )

    out_dir = history_pipeline.warehouse_dir / "figures" / LAST_DAY.isoformat()
    names = [
        SLM_DOWNLOAD_SHARE_FILE,
        MONTHLY_DOWNLOADS_FILE,
        NEW_MODELS_SHARE_FILE,
        SURVIVAL_FILE,
        OLD_MODEL_SHARE_FILE,
    ]
    for name in names:
        assert (out_dir / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    report = (history_pipeline.warehouse_dir / "report" / f"{LAST_DAY.isoformat()}.html").read_text()
    for title in (
        "SLM share of each day&#39;s downloads",
        "Downloads per month by model class",
        "How long models stay in the top listing after entering it",
    ):
        assert title in report
    for name in names:
        assert name in report
    # The key number reads the mart's `new_listing` rows.
    assert "SLM share of new models of known size" in report
    materializations = [
        event.materialization
        for event in history_pipeline.results[-1].get_asset_materialization_events()
        if event.materialization.asset_key == dg.AssetKey(["reports", "study_figures"])
    ]
    captions = materializations[-1].metadata["captions"].value
    assert all(escape_markdown(name) in captions for name in names)
