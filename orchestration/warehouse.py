"""Warehouse location and short-lived DuckDB connections.

DuckDB lets one process write, or several processes read, but never both: a connection held open
anywhere blocks everyone else. Every connection here is opened for one unit of work and closed in a
``finally``; none is kept at module level or on a resource.
"""

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

DEFAULT_WAREHOUSE_DIR = "warehouse"
WAREHOUSE_DIR_ENV = "SLM_OBS_WAREHOUSE_DIR"
DUCKDB_FILENAME = "observatory.duckdb"
# The copy users query: published whole at the end of each successful run, never written in place
# (orchestration/defs/serving). Runs write DUCKDB_FILENAME, which no user opens.
SERVING_FILENAME = "observatory-serving.duckdb"

# Another process may hold the file for a few seconds (a dbt build, a snapshot being written).
_LOCK_RETRY_SECONDS = 60.0


def warehouse_dir_from_env() -> str:
    return os.environ.get(WAREHOUSE_DIR_ENV, DEFAULT_WAREHOUSE_DIR)


def sql_path(path: Path) -> str:
    """A path as a single-quoted SQL string's body, for the statements DuckDB takes no parameter
    in (COPY ... TO, ATTACH). The paths are the warehouse's, never built from Hub strings."""
    return str(path).replace("'", "''")


def process_alive(pid: int) -> bool:
    """Whether process `pid` of this machine still runs (a zombie, killed but not reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):  # no /proc (macOS): the signal said it exists
        return True
    return state != "Z"


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse directory: the DuckDB file, the Parquet archive and the rendered figures."""

    directory: str = DEFAULT_WAREHOUSE_DIR

    @property
    def root(self) -> Path:
        return Path(self.directory).resolve()

    @property
    def duckdb_path(self) -> Path:
        return self.root / DUCKDB_FILENAME

    @property
    def serving_path(self) -> Path:
        return self.root / SERVING_FILENAME

    @property
    def archive_dir(self) -> Path:
        return self.root / "archive"

    @property
    def figures_dir(self) -> Path:
        return self.root / "figures"

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open the DuckDB file for one unit of work, waiting (bounded) for another holder to finish."""
        self.root.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + _LOCK_RETRY_SECONDS
        delay = 0.1
        while True:
            try:
                conn = duckdb.connect(str(self.duckdb_path), read_only=read_only)
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
        try:
            yield conn
        finally:
            conn.close()
