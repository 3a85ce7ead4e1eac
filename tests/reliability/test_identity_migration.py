"""A warehouse built before models were keyed by the Hub's `_id` migrates with `make rebuild`.

Such a warehouse has no `model_uid` column in its intermediate tables and marts, and no
`int_model_names`. Its incremental models refuse to change shape on their own
(`on_schema_change: fail`): the daily run fails, naming the model, rather than mixing two
identities. `make rebuild` (orchestration/rebuild.py) reloads raw from the Parquet archive, whose
records keep every `_id`, and rebuilds every model with a full refresh: the result is what a
fresh build by the current code gives, row for row.
"""

import re
import shutil

import duckdb
import pytest

from tests.reliability.runs import (
    DAY,
    pipeline_env,
    rebuild_with_the_hub_unreachable,
    start_job,
    warehouse_contents,
)

pytestmark = pytest.mark.slow


def strip_the_stable_key(duckdb_path) -> list[str]:
    """Give a warehouse the shape it had before `_id` identity; the tables changed."""
    with duckdb.connect(str(duckdb_path)) as conn:
        columns = conn.execute(
            "select c.table_schema, c.table_name, c.column_name from information_schema.columns as c "
            "join information_schema.tables as t using (table_schema, table_name) "
            "where t.table_type = 'BASE TABLE' and c.column_name in ('model_uid', 'base_model_uid') "
            "and c.table_schema in ('intermediate', 'marts') order by 1, 2, 3"
        ).fetchall()
        for schema, table, column in columns:
            conn.execute(f"alter table {schema}.{table} drop column {column}")
        conn.execute("drop table intermediate.int_model_names")
    return sorted({f"{schema}.{table}" for schema, table, _ in columns})


def test_a_warehouse_without_the_stable_key_fails_clearly_and_make_rebuild_migrates_it(
    reference, hub, tmp_path
):
    reference.completed()
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    shutil.copy2(reference.duckdb_path, warehouse / "observatory.duckdb")
    shutil.copytree(reference.warehouse_dir / "archive", warehouse / "archive")
    changed = strip_the_stable_key(warehouse / "observatory.duckdb")
    assert "intermediate.int_hub_models" in changed and "marts.model_daily_downloads" in changed

    # the daily run on the old shape fails, and says which model and why
    job = start_job(pipeline_env(hub.endpoint_template, warehouse), DAY, DAY, tmp_path / "logs", "old_shape")
    assert job.wait() != 0
    assert re.search(r"int_hub_models|int_model_names", job.output())
    assert "out of sync" in job.output() or "schema" in job.output()

    # the documented command: raw from the archive, every model rebuilt (the Hub unreachable)
    rebuilt = rebuild_with_the_hub_unreachable(hub.endpoint_template, warehouse)
    assert rebuilt.returncode == 0, rebuilt.stdout[-3000:] + rebuilt.stderr[-3000:]

    assert warehouse_contents(warehouse / "observatory.duckdb") == warehouse_contents(reference.duckdb_path)
    with duckdb.connect(str(warehouse / "observatory.duckdb"), read_only=True) as conn:
        for table in changed:
            assert (
                conn.execute(
                    "select count(*) from information_schema.columns "
                    "where table_schema || '.' || table_name = ? "
                    "and column_name in ('model_uid', 'base_model_uid')",
                    [table],
                ).fetchone()[0]
                >= 1
            ), table
        assert conn.execute("select count(*) from intermediate.int_model_names").fetchone()[0] > 0
