"""`make rebuild`: the immutable Parquet archive alone recreates the warehouse, every mart identical."""

import shutil

import duckdb
import pytest

from tests.reliability.runs import rebuild_with_the_hub_unreachable, warehouse_contents

pytestmark = pytest.mark.slow


def test_deleting_the_duckdb_file_and_rebuilding_gives_identical_marts(reference, hub, tmp_path):
    reference.completed()
    warehouse = tmp_path / "warehouse"
    shutil.copytree(reference.warehouse_dir / "archive", warehouse / "archive")
    assert not (warehouse / "observatory.duckdb").exists()  # the DuckDB file is gone: archive only

    rebuilt = rebuild_with_the_hub_unreachable(hub.endpoint_template, warehouse)
    assert rebuilt.returncode == 0, rebuilt.stdout[-3000:] + rebuilt.stderr[-3000:]
    assert "from 1 archived snapshots" in rebuilt.stdout

    expected = warehouse_contents(reference.duckdb_path)
    actual = warehouse_contents(warehouse / "observatory.duckdb")
    assert [name for name in expected if name.startswith("marts.")]  # marts exist at all
    assert expected["raw.hub_model_details"]  # base models fetched apart from the listings, too
    assert actual == expected  # every raw row (wall-clock columns aside) and every mart
    with duckdb.connect(str(warehouse / "observatory.duckdb"), read_only=True) as conn:
        assert conn.execute("select hub_kind from raw.warehouse_identity").fetchall() == [("simulated",)]
