"""Shared pieces of the reliability tests: a simulated Hub that records what it was sent, pipeline
runs in child processes (which tests can kill), and whole-warehouse comparisons.

Every run is the project's real Definitions (`tests/reliability/job_process.py`) through the real
huggingface_hub client, DuckDB and dbt, with small listings so the folder stays fast on 2 cores.
"""

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from orchestration.instance import prepare_dagster_home
from simulated_hub.server import SimulatedHub
from tests.conftest import REPO_ROOT
from tests.pipeline_harness import DBT_TARGET_DIRNAME

DAY = date(2025, 1, 8)
WORLD_MODELS = 3_000
# The brief's small listings: 5 pages of top, 2 tag listings of one page, pages of 100.
LISTING_SIZES = {
    "SLM_OBS_TOP_N": "500",
    "SLM_OBS_PER_TAG_N": "100",
    "SLM_OBS_N_TAGS": "2",
    "SLM_OBS_PAGE_SIZE": "100",
}
# A recognisable token: any trace of it outside the Authorization header is a leak.
PLANTED_TOKEN = "hf_PLANTEDsecretTOKENforRELIABILITYtests0123"
# Columns that legitimately differ between two runs of the same day: when a run fetched, started
# or finished, wall-clock times a rerun moves forward.
VOLATILE_COLUMNS = {"fetched_at", "started_at", "finished_at", "claimed_at", "last_finished_at"}
# A guard against a run that hangs, not a speed target (those live in `make bench`): a run that
# waits for another's warehouse steps takes four minutes on an idle 2-core machine, more than
# twice that on a slower CI host.
RUN_TIMEOUT_S = 900
MARTS = ("class_split", "tags_by_class", "slm_share_by_creation_month", "download_share_by_creation_month")


class RecordingHub(SimulatedHub):
    """The real simulated Hub, also keeping the `Authorization` header of every request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.authorizations: list[str | None] = []
        self._auth_lock = threading.Lock()

    def _handle(self, handler) -> None:
        with self._auth_lock:
            self.authorizations.append(handler.headers.get("Authorization"))
        super()._handle(handler)


class GatedCatalog:
    """A catalogue that holds one listing page back until released: a crawl caught mid-way.

    Arm it with `block_at=n`: the n-th page served from then on waits (at most `hold_s`) until
    `release()`. `reached` is set when a request is being held.
    """

    def __init__(self, catalog, hold_s: float = 120.0):
        self._catalog = catalog
        self._hold_s = hold_s
        self._lock = threading.Lock()
        self._block_at: int | None = None
        self._served = 0
        self.reached = threading.Event()
        self._release = threading.Event()

    def arm(self, block_at: int) -> None:
        with self._lock:
            self._block_at, self._served = block_at, 0
            self.reached.clear()
            self._release.clear()

    def release(self) -> None:
        with self._lock:
            self._block_at = None
        self._release.set()

    def listing_items(self, *args, **kwargs):
        with self._lock:
            self._served += 1
            hold = self._block_at is not None and self._served == self._block_at
        if hold:
            self.reached.set()
            self._release.wait(self._hold_s)
        return self._catalog.listing_items(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._catalog, name)


def pipeline_env(hub_endpoint: str, warehouse_dir: Path, token: str | None = PLANTED_TOKEN) -> dict[str, str]:
    """The environment of a pipeline process: this one's, minus any real settings, plus ours."""
    env = {k: v for k, v in os.environ.items() if k != "HF_TOKEN" and not k.startswith("SLM_OBS_")}
    env.update(LISTING_SIZES)
    env.update(
        SLM_OBS_HUB_ENDPOINT=hub_endpoint,
        SLM_OBS_WAREHOUSE_DIR=str(warehouse_dir),
        DAGSTER_HOME=str(prepare_dagster_home(warehouse_dir / "dagster_home")),
        DBT_TARGET_PATH=str(warehouse_dir / DBT_TARGET_DIRNAME),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        HF_HUB_DISABLE_TELEMETRY="1",
        DO_NOT_TRACK="1",
        PYTHONPATH=str(REPO_ROOT),
    )
    if token is not None:
        env["HF_TOKEN"] = token
    return env


@dataclass
class JobProcess:
    """`python -m tests.reliability.job_process ...` in a new session, its output in files."""

    args: list[str]
    env: dict[str, str]
    log_dir: Path
    name: str
    process: subprocess.Popen = field(init=False)

    def __post_init__(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.reliability.job_process", *self.args],
                env=self.env,
                cwd=REPO_ROOT,
                stdout=out,
                stderr=err,
                start_new_session=True,  # its own process group: dbt dies with it
            )

    @property
    def stdout_path(self) -> Path:
        return self.log_dir / f"{self.name}.out"

    @property
    def stderr_path(self) -> Path:
        return self.log_dir / f"{self.name}.err"

    @property
    def pgid(self) -> int:
        return self.process.pid

    def wait(self, timeout: float = RUN_TIMEOUT_S) -> int:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self) -> None:
        """SIGKILL the whole process group (the run and its dbt), and wait until none is left."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pgid, signal.SIGKILL)
        self.process.wait(timeout=30)
        wait_for(lambda: not group_members(self.pgid), 30, f"process group {self.pgid} to be gone")

    def result(self) -> dict:
        lines = [line for line in self.stdout_path.read_text().splitlines() if line.startswith("{")]
        return json.loads(lines[-1]) if lines else {}

    def output(self) -> str:
        return self.stdout_path.read_text(errors="replace") + self.stderr_path.read_text(errors="replace")


def start_job(
    env: dict[str, str], first: date, last: date, log_dir: Path, name: str, *extra: str, job="daily_snapshot"
) -> JobProcess:
    args = ["--job", job, "--first", first.isoformat(), "--last", last.isoformat(), *extra]
    return JobProcess(args, env, log_dir, name)


def run_job(env: dict[str, str], first: date, last: date, log_dir: Path, name: str, **kwargs) -> JobProcess:
    job = start_job(env, first, last, log_dir, name, **kwargs)
    code = job.wait()
    assert code == 0, f"{name} failed ({code}):\n{job.output()[-5000:]}"
    return job


def wait_for(predicate: Callable[[], object], timeout_s: float, what: str, interval_s: float = 0.02):
    """Poll `predicate` until it returns something truthy; fail after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(interval_s)


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of process group `pgid`, read from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def has_open(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(fd) == str(path) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


# --- warehouse contents ---------------------------------------------------------------------------


def table_rows(conn: duckdb.DuckDBPyConnection, schema: str, table: str, where: str = "", params=()) -> list:
    columns = [
        name
        for (name,) in conn.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, table],
        ).fetchall()
        if name not in VOLATILE_COLUMNS
    ]
    # The simulated Hub's port differs between two servers: compare the endpoint without it.
    select = ", ".join(
        f"regexp_replace(\"{name}\", ':[0-9]+/', ':PORT/')" if name == "endpoint" else f'"{name}"::varchar'
        for name in columns
    )
    return conn.execute(
        f'select {select} from "{schema}"."{table}" {where} order by all', list(params)
    ).fetchall()


def warehouse_contents(duckdb_path: Path) -> dict[str, list]:
    """Every row of every raw table and every mart, without the columns that record wall-clock time."""
    with duckdb.connect(str(duckdb_path), read_only=True) as conn:
        tables = conn.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('raw', 'marts') order by 1, 2"
        ).fetchall()
        return {f"{schema}.{table}": table_rows(conn, schema, table) for schema, table in tables}


def rows_for_day(duckdb_path: Path, day: date) -> dict[str, list]:
    """The rows of `day` in every raw table and every mart (absent tables: no rows)."""
    if not duckdb_path.exists():
        return {}
    with duckdb.connect(str(duckdb_path), read_only=True) as conn:
        tables = conn.execute(
            "select table_schema, table_name from information_schema.columns "
            "where table_schema in ('raw', 'marts') and column_name = 'snapshot_date' order by 1, 2"
        ).fetchall()
        return {
            f"{schema}.{table}": table_rows(conn, schema, table, "where snapshot_date = ?", [day])
            for schema, table in tables
        }


@dataclass
class ReferenceRun:
    """An uninterrupted run of DAY on a fresh warehouse, started in the background."""

    warehouse_dir: Path
    job: JobProcess
    _done: bool = False

    @property
    def duckdb_path(self) -> Path:
        return self.warehouse_dir / "observatory.duckdb"

    def completed(self) -> "ReferenceRun":
        if not self._done:
            code = self.job.wait()
            assert code == 0, f"the reference run failed ({code}):\n{self.job.output()[-5000:]}"
            self._done = True
        return self


def listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net) with a listening TCP socket on `port`."""
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as handle:
            for line in handle.readlines()[1:]:
                fields = line.split()
                address, port_hex = fields[1].rsplit(":", 1)
                if fields[3] == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                    addresses.add(address)
    return addresses


def rebuild_with_the_hub_unreachable(
    hub_endpoint_template: str, warehouse_dir: Path
) -> subprocess.CompletedProcess:
    """`make rebuild`'s command on `warehouse_dir`, the Hub unreachable (port 9 discards): the
    archive must be enough."""
    unreachable_hub = re.sub(r"//[^/]+", "//127.0.0.1:9", hub_endpoint_template, count=1)
    return subprocess.run(
        [sys.executable, "-m", "orchestration.rebuild", "--warehouse-dir", str(warehouse_dir)],
        env=pipeline_env(unreachable_hub, warehouse_dir),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
