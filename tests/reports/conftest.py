"""Fixtures: the hand-made marts (tests/reports/mart_dataset.py) in a DuckDB file under tmp_path."""

from pathlib import Path

import duckdb
import pytest

from tests.reports.mart_dataset import build_marts_db


@pytest.fixture
def marts_db(tmp_path: Path) -> Path:
    """The DuckDB file, closed again: tests open it read-only, as the asset does."""
    path = tmp_path / "observatory.duckdb"
    build_marts_db(path)
    return path


@pytest.fixture
def marts_conn(marts_db: Path):
    conn = duckdb.connect(str(marts_db), read_only=True)
    try:
        yield conn
    finally:
        conn.close()
