"""Fixtures for the dbt project's tests: a real DuckDB warehouse in a temporary directory, raw
tables written from the hand-made records of `hub_records.py`, and the real dbt CLI.

Each warehouse has its own target path, so tests (and parallel test runs) never share dbt's
compiled files. They share one parse of the project instead of paying a full one each (about 9 s
against 5 on two cores): dbt runs in the warehouse's directory with the warehouse given as ".",
so every warehouse's profile reads the same, and a new warehouse starts from the partial-parse
state of the first build without `--vars` in this process (`_SharedParse`). dbt checks that
state against the project's files, vars, profile and version: a mismatch costs a full parse,
never a wrong one.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.defs.transform.assets import (
    PARTIAL_PARSE_FILE,
    SKIP_UNIT_TESTS,
    WINDOW_END_ENV,
    WINDOW_START_ENV,
)
from tests.dbt import hub_records

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DBT = Path(sys.executable).parent / "dbt"

MARTS = (
    "class_split",
    "tags_by_class",
    "slm_share_by_creation_month",
    "download_share_by_creation_month",
)

# The raw tables as the ingestion creates them (docs/design.md, orchestration/defs/hub/raw_store.py).
RAW_DDL = (
    "create schema if not exists raw",
    """create table if not exists raw.hub_model_snapshots (
        snapshot_date date, listing varchar, rank integer, fetched_at timestamptz,
        model_id varchar, record json
    )""",
    """create table if not exists raw.hub_listing_runs (
        snapshot_date date, listing varchar, sort varchar, requested_n integer,
        received_n integer, unique_n integer, rejected_n integer, exhausted boolean,
        requests integer, started_at timestamptz, finished_at timestamptz, endpoint varchar
    )""",
    # the census (orchestration/defs/hub/census.py): the snapshots' columns
    """create table if not exists raw.hub_model_census (
        snapshot_date date, listing varchar, rank integer, fetched_at timestamptz,
        model_id varchar, record json
    )""",
)


@dataclass
class DbtResult:
    returncode: int
    output: str
    run_results: dict

    @property
    def failed_nodes(self) -> dict[str, int | None]:
        """unique_id -> failures of every node that did not succeed or pass."""
        return {
            result["unique_id"]: result.get("failures")
            for result in self.run_results.get("results", [])
            if result["status"] not in ("success", "pass")
        }


class _SharedParse:
    """The partial-parse state of this process's first dbt command without `--vars`, kept apart
    (later commands with `--vars` rewrite a warehouse's own), for new warehouses to start from."""

    def __init__(self) -> None:
        self._state: Path | None = None

    def seed(self, target_path: Path) -> None:
        if self._state is not None:
            target_path.mkdir(parents=True, exist_ok=True)
            shutil.copy2(self._state, target_path / PARTIAL_PARSE_FILE)

    def keep(self, target_path: Path) -> None:
        parsed = target_path / PARTIAL_PARSE_FILE
        if self._state is None and parsed.exists():
            state = Path(tempfile.mkdtemp(prefix="dbt_parse_")) / PARTIAL_PARSE_FILE
            shutil.copy2(parsed, state)
            self._state = state


_shared_parse = _SharedParse()


class Warehouse:
    """A warehouse directory, its raw tables and dbt runs against it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / "observatory.duckdb"
        self.target_path = root / "dbt_target"
        self.last_build: DbtResult | None = None
        root.mkdir(parents=True, exist_ok=True)
        _shared_parse.seed(self.target_path)
        with duckdb.connect(str(self.path)) as conn:
            for statement in RAW_DDL:
                conn.execute(statement)

    def load_raw(self, snapshot_dates: Iterable[date], as_date: date | None = None) -> None:
        """Replace each date's raw partition with the hand-made records (of `as_date`'s
        listings copied under another date, when given), as the ingestion does."""
        with duckdb.connect(str(self.path)) as conn:
            for day in snapshot_dates:
                target = as_date or day
                snapshots = [(target, *row[1:]) for row in hub_records.snapshot_rows(day)]
                runs = [(target, *row[1:]) for row in hub_records.listing_run_rows(day)]
                conn.execute("begin")
                conn.execute("delete from raw.hub_model_snapshots where snapshot_date = ?", [target])
                conn.execute("delete from raw.hub_listing_runs where snapshot_date = ?", [target])
                conn.executemany("insert into raw.hub_model_snapshots values (?, ?, ?, ?, ?, ?)", snapshots)
                conn.executemany(
                    "insert into raw.hub_listing_runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", runs
                )
                conn.execute("commit")

    def execute(self, sql: str, params: list | None = None) -> None:
        with duckdb.connect(str(self.path)) as conn:
            conn.execute(sql, params or [])

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as conn:
            return conn.execute(sql, params or []).fetchall()

    def mart(self, name: str) -> list[tuple]:
        return self.query(f"select * from marts.{name} order by all")

    def marts(self) -> dict[str, list[tuple]]:
        return {name: self.mart(name) for name in MARTS}

    def dbt(
        self,
        command: str,
        *args: str,
        dbt_vars: dict | None = None,
        window: tuple[date, date] | None = None,
        unit_tests: bool = False,
    ) -> DbtResult:
        """The real dbt CLI over this warehouse, over the run's `window` if given (`dbt_env`). A
        `build` skips dbt's unit tests unless asked, as the pipeline's builds do: they check the
        SQL against fixed inputs, never the data (tests/dbt/test_unit_tests.py runs them all)."""
        cmd = [
            str(DBT),
            command,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(self.target_path),
            "--log-path",
            str(self.root / "dbt_logs"),
            *args,
        ]
        if command == "build" and not unit_tests:
            cmd += SKIP_UNIT_TESTS
        if dbt_vars:
            cmd += ["--vars", json.dumps(dbt_vars)]
        completed = subprocess.run(
            cmd,
            cwd=self.root,
            env=dbt_env(Path("."), window),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if not dbt_vars:
            _shared_parse.keep(self.target_path)
        results_path = self.target_path / "run_results.json"
        run_results = json.loads(results_path.read_text()) if results_path.exists() else {}
        return DbtResult(completed.returncode, completed.stdout + completed.stderr, run_results)

    def build(
        self, *args: str, dbt_vars: dict | None = None, window: tuple[date, date] | None = None
    ) -> DbtResult:
        """`dbt build` that must succeed."""
        result = self.dbt("build", *args, dbt_vars=dbt_vars, window=window)
        assert result.returncode == 0, result.output
        self.last_build = result
        return result


def dbt_env(warehouse_dir: Path, window: tuple[date, date] | None = None) -> dict[str, str]:
    """The environment of a dbt command over `warehouse_dir`, the run's window passed as the
    Dagster assets pass it (env vars, macros/snapshot_window.sql: a new window keeps dbt's
    partial parse, where new `--vars` would not)."""
    return {
        **os.environ,
        "SLM_OBS_WAREHOUSE_DIR": str(warehouse_dir),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        WINDOW_START_ENV: window[0].isoformat() if window else "",
        WINDOW_END_ENV: window[1].isoformat() if window else "",
    }


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """Both snapshot dates in raw and a full `dbt build` over them. Read-only for tests: a test
    that changes the warehouse takes `rebuilt_copy` instead."""
    built = Warehouse(tmp_path_factory.mktemp("built") / "warehouse")
    built.load_raw([hub_records.DAY_1, hub_records.DAY_2])
    built.build()
    return built


@pytest.fixture
def rebuilt_copy(built_warehouse: Warehouse, tmp_path: Path) -> Warehouse:
    """A private copy of the built warehouse's DuckDB file (dbt's target path is not copied)."""
    root = tmp_path / "warehouse"
    root.mkdir()
    for path in built_warehouse.root.glob("observatory.duckdb*"):
        shutil.copy2(path, root / path.name)
    return Warehouse(root)
