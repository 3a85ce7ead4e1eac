"""The NOT NULL constraints of the contracts, in the real DuckDB file the pipeline writes.

Tables and incremental models with an enforced contract declare their non-null columns as contract
constraints (`constraints: [{type: not_null}]`), which DuckDB enforces on every insert, instead of
one `not_null` data test per column and build. What the contracts declare is read from dbt's own
parse of the .yml files (the manifest); what holds is read from the warehouse's catalog. A warehouse
built before a column was constrained gets the constraint from its next build
(macros/contract_constraints.sql), which refuses a null already in its history.
"""

import json
import subprocess
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.defs.transform.project import dbt_project
from tests.history.conftest import run_dbt
from tests.pipeline_harness import WHOLE_PIPELINE_DAYS

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

LAST_DAY = WHOLE_PIPELINE_DAYS[-1]


def dbt_run(warehouse_dir: Path, day: date, *models: str) -> subprocess.CompletedProcess:
    """`dbt run` of `models` over the warehouse for one day's window, as the daily asset runs it."""
    return run_dbt(warehouse_dir, "run", "--select", *models, window=(day, day), must_succeed=False)


def declared_not_null() -> dict[tuple[str, str], set[str]]:
    """(schema, table) -> the columns its enforced contract declares not null."""
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    declared: dict[tuple[str, str], set[str]] = {}
    for node in manifest["nodes"].values():
        config = node.get("config", {})
        if node["resource_type"] != "model" or not config.get("contract", {}).get("enforced"):
            continue
        columns = {
            name
            for name, column in node["columns"].items()
            if any(constraint["type"] == "not_null" for constraint in column.get("constraints", []))
        }
        if columns:
            assert config["materialized"] in ("table", "incremental"), node["name"]
            declared[(node["schema"], node["alias"] or node["name"])] = columns
    return declared


def non_null_columns(conn: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in conn.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where is_nullable = 'NO'"
    ).fetchall():
        found.setdefault((schema, table), set()).add(column)
    return found


def test_a_contract_table_keeps_only_the_not_null_tests_of_some_rows():
    """On a contract table, a not_null data test is left only where it checks some rows (a `where`
    other than the run's window): a constraint would refuse the nulls the other rows may hold."""
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    nodes = manifest["nodes"]
    kept: dict[str, set[str]] = {}
    for node in nodes.values():
        if node["resource_type"] != "test" or (node.get("test_metadata") or {}).get("name") != "not_null":
            continue
        model = nodes.get(node.get("attached_node") or "", {})
        config = model.get("config", {})
        if config.get("contract", {}).get("enforced") and config.get("materialized") in (
            "table",
            "incremental",
        ):
            kept.setdefault(model["name"], set()).add(node["config"].get("where") or "every row")
    assert kept == {"class_split": {"n_models > 0"}}
    declared = declared_not_null()[("marts", "class_split")]
    assert {"pct", "pct_low", "pct_high"}.isdisjoint(declared)


def test_every_declared_not_null_column_is_not_null_in_the_warehouse(whole_pipeline):
    declared = declared_not_null()
    assert sum(len(columns) for columns in declared.values()) > 200
    with duckdb.connect(str(whole_pipeline.warehouse_dir / "observatory.duckdb"), read_only=True) as conn:
        found = non_null_columns(conn)
        tables = set(
            conn.execute("select table_schema, table_name from information_schema.tables").fetchall()
        )
    # the census's tables exist once a census ran (this world took none); every other one is here
    census = ("census_", "int_census_", "popularity_bias")
    assert {key for key in declared if key not in tables} == {
        key for key in declared if key[1].startswith(census)
    }
    missing = {key: columns - found.get(key, set()) for key, columns in declared.items() if key in tables}
    assert {key: columns for key, columns in missing.items() if columns} == {}


def test_a_warehouse_built_before_the_constraints_gets_them_and_a_null_in_history_fails_the_build(
    whole_pipeline, tmp_path
):
    warehouse_dir, _ = whole_pipeline.copy_to(tmp_path)
    database = str(warehouse_dir / "observatory.duckdb")
    dropped = [("marts", "class_split", "listing"), ("marts", "model_daily_downloads", "model_uid")]
    with duckdb.connect(database) as conn:
        for schema, table, column in dropped:
            conn.execute(f"alter table {schema}.{table} alter column {column} drop not null")
        assert all(column not in non_null_columns(conn).get((s, t), set()) for s, t, column in dropped)

    completed = dbt_run(warehouse_dir, LAST_DAY, "class_split", "model_daily_downloads")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    with duckdb.connect(database) as conn:
        found = non_null_columns(conn)
        assert all(column in found[(s, t)] for s, t, column in dropped)
        # the old warehouse again, with a null on a date the next run does not recompute
        conn.execute("alter table marts.class_split alter column listing drop not null")
        earlier = LAST_DAY - timedelta(days=1)
        conn.execute(
            "update marts.class_split set listing = null where snapshot_date = ? and listing = 'top'",
            [earlier],
        )

    failed = dbt_run(warehouse_dir, LAST_DAY, "class_split")
    assert failed.returncode != 0
    assert "NOT NULL constraint failed: class_split.listing" in failed.stdout + failed.stderr


def test_a_not_null_the_contract_no_longer_declares_is_dropped(whole_pipeline, tmp_path):
    """A table built when a column was declared non-null accepts nulls again once the contract
    drops the constraint (class_split's shares are null where a class has no model)."""
    warehouse_dir, _ = whole_pipeline.copy_to(tmp_path)
    database = str(warehouse_dir / "observatory.duckdb")
    undeclared = sorted(
        {
            column
            for (column,) in duckdb.connect(database, read_only=True)
            .execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'marts' and table_name = 'class_split'"
            )
            .fetchall()
        }
        - declared_not_null()[("marts", "class_split")]
    )
    assert "pct" in undeclared
    with duckdb.connect(database) as conn:
        # a column of the table without a null today, constrained as an older contract did
        column = next(
            name
            for name in undeclared
            if conn.execute(f"select count(*) from marts.class_split where {name} is null").fetchone() == (0,)
        )
        conn.execute(f"alter table marts.class_split alter column {column} set not null")
    completed = dbt_run(warehouse_dir, LAST_DAY, "class_split")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    with duckdb.connect(database, read_only=True) as conn:
        assert column not in non_null_columns(conn)[("marts", "class_split")]
