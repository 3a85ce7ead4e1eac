"""Fixtures of the history marts' tests: the real Dagster job over a simulated Hub, and dbt rebuilds.

`history_pipeline` runs the project's real Definitions against a simulated Hub, as the demo does:
the `daily_snapshot` job (snapshot, dbt models, figures) over each run of consecutive days, with
one day missed on purpose, so the second run is an incremental build after a gap. Small listings
keep it fast. Expected values are computed in the tests from the simulator's ground truth
(`SyntheticWorld`), never by re-running the project's SQL.

`rebuilds` builds the history models again on a copy of that warehouse a few days at a time, as
incremental window runs in date order (as the daily schedule does), then copies it and rebuilds
them with --full-refresh: the tests compare every row.
"""

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.date_range_runs import contiguous_ranges, materialize_date_range
from simulated_hub.world import SyntheticWorld, WorldConfig
from tests.conftest import REPO_ROOT
from tests.dbt.conftest import dbt_env
from tests.pipeline_harness import ListingSizes, simulated_pipeline

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DBT = Path(sys.executable).parent / "dbt"

# Ten calendar days across a month's end, 2025-01-04 missed: nine snapshots.
FIRST_DAY = date(2024, 12, 30)
LAST_DAY = date(2025, 1, 8)
MISSED_DAY = date(2025, 1, 4)
CALENDAR_DAYS = [FIRST_DAY + timedelta(days=i) for i in range((LAST_DAY - FIRST_DAY).days + 1)]
SNAPSHOT_DAYS = [day for day in CALENDAR_DAYS if day != MISSED_DAY]
TOP_N, PER_TAG_N, N_TAGS, PAGE_SIZE = 1000, 200, 2, 500
# A small world: its top 1,000 reach down to models that leave the listing within days, so the
# survival curves have exits to check, not only censored models.
N_MODELS = 1500

# int_hub_models, int_model_names: every model known and its names, incremental too (the size
# resolution reads them).
HISTORY_INTERMEDIATE = (
    "int_hub_models",
    "int_model_names",
    "int_model_observations",
    "int_listing_memberships",
)
HISTORY_MARTS = (
    "model_daily_downloads",
    "daily_downloads_by_class",
    "monthly_downloads_by_class",
    "download_share_by_model_age",
    "downloads_30d_reconciliation",
    "top_n_tenure",
    "survival_by_class",
    "slm_share_of_new_models",
)
HISTORY_SELECTION = (
    "int_hub_models",
    "int_model_names",
    "path:models/intermediate/history",
    "path:models/marts/history",
)


def query(warehouse_dir: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse_dir / "observatory.duckdb"), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def history_tables(warehouse_dir: Path) -> dict[str, list[tuple]]:
    """Every row of every history relation, sorted."""
    names = [f"intermediate.{name}" for name in HISTORY_INTERMEDIATE] + [f"marts.{m}" for m in HISTORY_MARTS]
    with duckdb.connect(str(warehouse_dir / "observatory.duckdb"), read_only=True) as conn:
        return {name: conn.execute(f"select * from {name} order by all").fetchall() for name in names}


@dataclass
class Pipeline:
    world: SyntheticWorld
    warehouse_dir: Path
    results: list[dg.ExecuteInProcessResult]

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        return query(self.warehouse_dir, sql, params)


@pytest.fixture(scope="session")
def history_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """The runs over the history world, done: the Hub stops and the runs' settings leave this
    process's environment before any test reads it (a session fixture holding them would hand the
    history warehouse to every later test of this worker)."""
    world = SyntheticWorld(WorldConfig(today=LAST_DAY, n_models=N_MODELS))
    warehouse_dir = tmp_path_factory.mktemp("history_warehouse")
    sizes = ListingSizes(TOP_N, PER_TAG_N, N_TAGS, PAGE_SIZE)
    with simulated_pipeline(world, warehouse_dir, sizes) as (_, definitions, instance):
        # As the demo: snapshot each stretch of consecutive days (the missed day has no
        # partition), then build every model and figure over the window in one run.
        results = [
            materialize_date_range(definitions, instance, first, last, job_name="hub_snapshot")
            for first, last in contiguous_ranges(SNAPSHOT_DAYS)
        ]
        results.append(
            materialize_date_range(
                definitions, instance, SNAPSHOT_DAYS[0], SNAPSHOT_DAYS[-1], job_name="rebuild_marts"
            )
        )
    return Pipeline(world, warehouse_dir, results)


def run_dbt(
    warehouse_dir: Path,
    *args: str,
    dbt_vars: dict | None = None,
    window: tuple[date, date] | None = None,
    must_succeed: bool = True,
) -> subprocess.CompletedProcess:
    """The real dbt CLI against the warehouse, with its own target path (parallel runs never collide).
    `window` is passed as the Dagster assets pass it (env vars, macros/snapshot_window.sql), so
    successive windows keep dbt's partial parse. `must_succeed=False` returns a failed run too."""
    cmd = [
        str(DBT),
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(warehouse_dir / "dbt_target"),
        "--log-path",
        str(warehouse_dir / "dbt_logs"),
    ]
    if dbt_vars:
        cmd += ["--vars", json.dumps(dbt_vars)]
    completed = subprocess.run(
        cmd,
        cwd=REPO_ROOT,
        env=dbt_env(warehouse_dir, window),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if must_succeed:
        assert completed.returncode == 0, completed.stdout[-5000:] + completed.stderr[-3000:]
    return completed


def build_history(
    warehouse_dir: Path,
    *args: str,
    unit_tests: bool = False,
    dbt_vars: dict | None = None,
    window: tuple[date, date] | None = None,
) -> dict:
    """Build the history models only (what they read is built), with their unit tests if asked,
    without data tests (the pipeline's build runs those); dbt's run results."""
    run_dbt(
        warehouse_dir,
        "build",
        "--select",
        *HISTORY_SELECTION,
        "--exclude",
        "test_type:data",
        *([] if unit_tests else ["test_type:unit"]),
        *args,
        dbt_vars=dbt_vars,
        window=window,
    )
    return json.loads((warehouse_dir / "dbt_target" / "run_results.json").read_text())


# Windows of the replay: the first two days, the three up to the missed day, the day after it alone
# (reading its lookback across the gap), then three days.
REPLAY_WINDOWS = [
    (date(2024, 12, 30), date(2024, 12, 31)),
    (date(2025, 1, 1), date(2025, 1, 3)),
    (date(2025, 1, 5), date(2025, 1, 5)),
    (date(2025, 1, 6), date(2025, 1, 8)),
]
# The replay checks 3-day sums against the Hub's 30-day counts (var hub_downloads_window_days): nine
# snapshots hold no 31 consecutive days, and the disagreements must be reported (test_rebuilds.py).
REPLAY_VARS = {"hub_downloads_window_days": 3}


@dataclass
class Rebuilds:
    incremental: Path  # the history models built one window at a time
    full_refresh: Path  # the same, then rebuilt with --full-refresh
    run_results: list[dict]  # dbt's run results of each window's build, then the full refresh's


@pytest.fixture(scope="session")
def rebuilds(history_pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Rebuilds:
    """The pipeline's warehouse with the history tables emptied, then built window after window in
    date order by incremental runs, as the daily schedule does. The history models read
    raw through int_model_observations / int_listing_memberships, which take their window's dates
    only, so the later raw dates already present change nothing; everything upstream (views, the
    size tables) stays as the pipeline built it."""
    incremental = tmp_path_factory.mktemp("history_incremental")
    shutil.copy2(history_pipeline.warehouse_dir / "observatory.duckdb", incremental / "observatory.duckdb")
    with duckdb.connect(str(incremental / "observatory.duckdb")) as conn:
        # Emptied, not dropped: the first window is already an incremental run.
        for name in HISTORY_INTERMEDIATE:
            conn.execute(f"delete from intermediate.{name}")
        for name in HISTORY_MARTS:
            conn.execute(f"delete from marts.{name}")
    run_results = [build_history(incremental, dbt_vars=REPLAY_VARS, window=days) for days in REPLAY_WINDOWS]
    full_refresh = tmp_path_factory.mktemp("history_full_refresh")
    shutil.copy2(incremental / "observatory.duckdb", full_refresh / "observatory.duckdb")
    # The same dbt target path: no second full parse of the project.
    shutil.copytree(incremental / "dbt_target", full_refresh / "dbt_target")
    run_results.append(build_history(full_refresh, "--full-refresh", unit_tests=True, dbt_vars=REPLAY_VARS))
    return Rebuilds(incremental, full_refresh, run_results)
