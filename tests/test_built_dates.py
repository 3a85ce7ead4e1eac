"""The dbt window widens to every date of raw no successful build covered (orchestration/built_dates.py)."""

from datetime import date

import duckdb

from orchestration.built_dates import build_window, record_built, unbuilt_dates

D5, D6, D7, D8 = (date(2025, 1, day) for day in (5, 6, 7, 8))


def warehouse(tmp_path, raw_dates, mart_dates=None) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect(str(tmp_path / "observatory.duckdb"))
    conn.execute("create schema raw; create table raw.hub_listing_runs (snapshot_date date, listing varchar)")
    conn.executemany("insert into raw.hub_listing_runs values (?, 'top')", [[day] for day in raw_dates])
    if mart_dates is not None:
        conn.execute("create schema marts; create table marts.class_split (snapshot_date date)")
        conn.executemany("insert into marts.class_split values (?)", [[day] for day in mart_dates])
    return conn


def test_a_warehouse_made_before_the_tracking_counts_its_marts_dates_as_built(tmp_path):
    conn = warehouse(tmp_path, [D5, D6, D7], mart_dates=[D5, D6])
    assert unbuilt_dates(conn) == [D7]  # in raw, never in the marts: its build failed
    assert build_window(conn, D8, D8) == (D7, D8)


def test_a_successful_build_is_recorded_and_narrows_the_next_window(tmp_path):
    conn = warehouse(tmp_path, [D5, D6, D7, D8])
    assert unbuilt_dates(conn) == [D5, D6, D7, D8]  # a new warehouse: nothing built yet
    record_built(conn, D6, D8, run_id="r1")
    assert unbuilt_dates(conn) == [D5]
    assert build_window(conn, D8, D8) == (D5, D8)
    record_built(conn, D8, D8, run_id="r2", everything=True)  # a full refresh builds every date
    assert unbuilt_dates(conn) == []
    assert build_window(conn, D8, D8) == (D8, D8)


def test_without_raw_there_is_nothing_to_catch_up(tmp_path):
    conn = duckdb.connect(str(tmp_path / "observatory.duckdb"))
    assert build_window(conn, D8, D8) == (D8, D8)
    record_built(conn, D8, D8, run_id="r")
    assert (
        conn.execute(
            "select count(*) from information_schema.schemata where schema_name = 'pipeline'"
        ).fetchone()[0]
        == 0
    )
