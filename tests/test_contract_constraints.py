"""The NOT NULL and CHECK constraints of the contracts, in the real DuckDB file the pipeline writes.

Tables and incremental models with an enforced contract declare their non-null columns, and a
column's own range or list of values, as contract constraints (`constraints: [{type: not_null}]`,
`[{type: check, expression: ...}]`), which DuckDB enforces on every insert, instead of one
`not_null`, `is_between` or `accepted_values` data test per column and build. What the contracts
declare is read from dbt's own parse of the .yml files (the manifest); what holds is read from the
warehouse's catalog. A warehouse built before a constraint was declared gets it from its next build
(macros/contract_constraints.sql), which refuses a value of its history the constraint forbids.
"""

import subprocess
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.defs.reports.marts import load_manifest
from orchestration.defs.transform.project import dbt_project
from tests.dbt.dbt_graph import data_tests_reading_no_source
from tests.history.conftest import run_dbt
from tests.pipeline_harness import WHOLE_PIPELINE_DAYS

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

LAST_DAY = WHOLE_PIPELINE_DAYS[-1]


def dbt_run(warehouse_dir: Path, day: date, *models: str) -> subprocess.CompletedProcess:
    """`dbt run` of `models` over the warehouse for one day's window, as the daily asset runs it."""
    return run_dbt(warehouse_dir, "run", "--select", *models, window=(day, day), must_succeed=False)


def declared_not_null() -> dict[tuple[str, str], set[str]]:
    """(schema, table) -> the columns its enforced contract declares not null."""
    manifest = load_manifest(dbt_project.manifest_path)
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
    manifest = load_manifest(dbt_project.manifest_path)
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


# The data tests a CHECK constraint replaces on a contract table: a column's range and its values.
RANGE_AND_VALUE_TESTS = ("is_between", "accepted_values")


def declared_checks() -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    """(schema, table) -> (column, data type, expression) of each CHECK its enforced contract declares."""
    manifest = load_manifest(dbt_project.manifest_path)
    declared: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        for name, column in node["columns"].items():
            for constraint in column.get("constraints", []):
                if constraint["type"] == "check":
                    key = (node["schema"], node["alias"] or node["name"])
                    declared.setdefault(key, []).append((name, column["data_type"], constraint["expression"]))
    return declared


def check_expressions(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    """The CHECK expressions of a table, as DuckDB writes them."""
    rows = conn.execute(
        "select expression from duckdb_constraints() "
        "where constraint_type = 'CHECK' and schema_name = ? and table_name = ? order by expression",
        [schema, table],
    ).fetchall()
    return [expression for (expression,) in rows]


def expressions_as_duckdb_writes_them(checks: list[tuple[str, str, str]]) -> list[str]:
    """The declared checks on an empty table of a new in-memory database: DuckDB's own spelling."""
    columns = ", ".join(
        f'"{name}" {data_type} check ({expression})' for name, data_type, expression in checks
    )
    with duckdb.connect() as conn:
        conn.execute(f"create table probe ({columns})")
        return check_expressions(conn, "main", "probe")


def test_a_contract_table_keeps_only_the_range_and_value_tests_a_constraint_cannot_hold():
    """On a contract table, an is_between or accepted_values data test is left only where a CHECK
    cannot say the same: it checks some rows (a `where`), it only warns, or its values come from a
    project macro (the class list, the populations), which a constraint's expression, rendered
    when dbt parses the .yml, cannot call. A test that reads no source stays too: no daily build
    runs it (selector `code_only_data_tests`), and `make check` does, over the seeds' rows."""
    manifest = load_manifest(dbt_project.manifest_path)
    nodes = manifest["nodes"]
    code_only = data_tests_reading_no_source(manifest)
    kept: dict[str, int] = {"where": 0, "warn": 0, "macro values": 0, "no source": 0}
    for node in nodes.values():
        metadata = node.get("test_metadata") or {}
        if node["resource_type"] != "test" or metadata.get("name") not in RANGE_AND_VALUE_TESTS:
            continue
        config = nodes.get(node.get("attached_node") or "", {}).get("config", {})
        if not (
            config.get("contract", {}).get("enforced")
            and config.get("materialized") in ("table", "incremental")
        ):
            continue
        values = metadata.get("kwargs", {}).get("values")
        if node["unique_id"] in code_only:
            kept["no source"] += 1
        elif node["config"].get("where"):
            kept["where"] += 1
        elif node["config"]["severity"].lower() == "warn":
            kept["warn"] += 1
        elif isinstance(values, str) and values.startswith("{{"):
            kept["macro values"] += 1
        else:
            pytest.fail(f"{node['unique_id']}: a CHECK constraint of the contract says the same")
    assert all(kept.values()), kept  # each reason still keeps some test: the rule is exercised

    declared = declared_checks()
    assert sum(len(checks) for checks in declared.values()) >= 70
    models = {
        (node["schema"], node["alias"] or node["name"]): node["config"]
        for node in nodes.values()
        if node["resource_type"] == "model"
    }
    for key in declared:  # a view holds no constraint: its check would test nothing
        assert models[key]["contract"]["enforced"] and models[key]["materialized"] in (
            "table",
            "incremental",
        ), key


def test_every_declared_check_is_in_the_warehouse(whole_pipeline):
    declared = declared_checks()
    with duckdb.connect(str(whole_pipeline.warehouse_dir / "observatory.duckdb"), read_only=True) as conn:
        tables = set(
            conn.execute("select table_schema, table_name from information_schema.tables").fetchall()
        )
        held = {key: check_expressions(conn, *key) for key in declared if key in tables}
    census = ("census_", "int_census_", "popularity_bias")
    assert {key for key in declared if key not in tables} == {
        key for key in declared if key[1].startswith(census)
    }
    assert held == {key: expressions_as_duckdb_writes_them(declared[key]) for key in held}
    assert "(pct_low BETWEEN 0 AND 100)" in held[("marts", "class_split")]


def _rebuild_with(conn: duckdb.DuckDBPyConnection, schema: str, table: str, checks: dict[str, str]) -> None:
    """The table again with its rows and columns, and `checks` (column -> expression) as its only
    constraints: a table as an older contract, or none, built it."""
    columns = conn.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    ddl = ", ".join(
        f'"{name}" {data_type}' + (f" check ({checks[name]})" if name in checks else "")
        for name, data_type in columns
    )
    conn.execute(f"create table {schema}.{table}__older ({ddl})")
    conn.execute(f"insert into {schema}.{table}__older select * from {schema}.{table}")
    conn.execute(f"drop table {schema}.{table}")
    conn.execute(f"alter table {schema}.{table}__older rename to {table}")


def test_a_table_built_under_other_checks_gets_the_contracts_and_keeps_its_rows(whole_pipeline, tmp_path):
    """One table holds no check, another a check the contract changed and one it never declared:
    the next build gives each exactly the contract's, rows of earlier dates untouched."""
    warehouse_dir, _ = whole_pipeline.copy_to(tmp_path)
    database = str(warehouse_dir / "observatory.duckdb")
    older = {
        "class_split": {"pct_low": "pct_low between 0 and 1000", "n_models": "n_models >= 0"},
        "model_daily_downloads": {},
    }
    date_column = {"class_split": "snapshot_date", "model_daily_downloads": "interval_end"}
    earlier = "select * from marts.{0} where {1} < ? order by all"
    with duckdb.connect(database) as conn:
        for table, checks in older.items():
            _rebuild_with(conn, "marts", table, checks)
        assert check_expressions(conn, "marts", "class_split") == [
            "(n_models >= 0)",
            "(pct_low BETWEEN 0 AND 1000)",
        ]
        assert check_expressions(conn, "marts", "model_daily_downloads") == []
        before = {t: conn.execute(earlier.format(t, date_column[t]), [LAST_DAY]).fetchall() for t in older}
    assert all(before.values())

    completed = dbt_run(warehouse_dir, LAST_DAY, *older)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    declared = declared_checks()
    with duckdb.connect(database, read_only=True) as conn:
        for table in older:
            assert check_expressions(conn, "marts", table) == expressions_as_duckdb_writes_them(
                declared[("marts", table)]
            )
            assert (
                conn.execute(earlier.format(table, date_column[table]), [LAST_DAY]).fetchall()
                == before[table]
            )
        # the NOT NULLs the older tables lacked are back too (ensure_not_null_constraints)
        found = non_null_columns(conn)
        assert declared_not_null()[("marts", "class_split")] <= found[("marts", "class_split")]


def test_a_value_of_history_the_new_check_forbids_fails_the_build_naming_it(whole_pipeline, tmp_path):
    warehouse_dir, _ = whole_pipeline.copy_to(tmp_path)
    database = str(warehouse_dir / "observatory.duckdb")
    earlier = LAST_DAY - timedelta(days=1)
    with duckdb.connect(database) as conn:
        _rebuild_with(conn, "marts", "class_split", {})
        # a date the next run does not recompute
        conn.execute(
            "update marts.class_split set pct_high = 150 where snapshot_date = ? and listing = 'top' "
            "and population = 'all_models' and model_class = 'SLM'",
            [earlier],
        )
        rows = conn.execute("select count(*) from marts.class_split").fetchall()

    failed = dbt_run(warehouse_dir, LAST_DAY, "class_split")
    assert failed.returncode != 0
    output = failed.stdout + failed.stderr
    assert "CHECK constraint failed" in output and "pct_high BETWEEN 0 AND 100" in output, output
    with duckdb.connect(database, read_only=True) as conn:  # the failed build changed nothing
        assert conn.execute("select count(*) from marts.class_split").fetchall() == rows
        assert conn.execute(
            "select count(*) from marts.class_split where pct_high = 150 and snapshot_date = ?", [earlier]
        ).fetchall() == [(1,)]
        assert check_expressions(conn, "marts", "class_split") == []
