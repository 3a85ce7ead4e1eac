"""Fixtures: the report's test warehouse (tests/reports/report_dataset.py), built once by dbt."""

from pathlib import Path

import duckdb
import pytest

from tests.reports.report_dataset import build_report_warehouse, copy_warehouse


@pytest.fixture(scope="session")
def built_report_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The DuckDB file dbt built, closed again; read-only for tests (copy it to change it)."""
    return build_report_warehouse(tmp_path_factory.mktemp("report_warehouse") / "warehouse")


@pytest.fixture
def marts_db(built_report_db: Path, tmp_path: Path) -> Path:
    """A private copy of the built warehouse."""
    return copy_warehouse(built_report_db, tmp_path / "warehouse")


@pytest.fixture
def marts_conn(built_report_db: Path):
    conn = duckdb.connect(str(built_report_db), read_only=True)
    try:
        yield conn
    finally:
        conn.close()
