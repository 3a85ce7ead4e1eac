"""The census over what the live Hub served on 2025-01-08 (../shared/data: 3,180 real records,
missing fields, ties and all), not over a world of ours, with the rank shift the live Hub shows
between two requests: every page after a cursor starts with the previous page's last model.

The census crawls without remembering ids (a live census holds about 2 M), so a repeated model
reaches raw.hub_model_census twice; the staging view keeps one row per `_id` and census date,
and the census marts count each recorded model once. Expected values come from the recording.
"""

import json
from datetime import date

import dagster as dg
import duckdb
import pytest

from orchestration.defs.hub import census
from orchestration.defs.hub.hub_client import HubClientResource
from orchestration.warehouse import WarehouseResource
from simulated_hub.faults import FaultPlan
from simulated_hub.recorded import RecordedCatalog
from simulated_hub.server import SimulatedHub
from tests.conftest import shared_file
from tests.history.conftest import run_dbt

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

DAY = date(2025, 1, 8)
PAGE_SIZE = 500


def test_real_records_repeated_at_every_page_edge_are_each_counted_once(tmp_path):
    recorded = json.loads(shared_file("data/hub-listing-2025-01-08.json").read_text())
    ids = {record["_id"] for record in recorded}
    assert len(ids) == len(recorded), "the recording holds each model once"

    with SimulatedHub(
        RecordedCatalog(recorded, DAY), page_size_cap=PAGE_SIZE, faults=FaultPlan(repeat_edge_every=1)
    ) as hub:
        result = dg.materialize(
            [census.hub_model_census],
            partition_key=DAY.isoformat(),
            resources={
                "hub": HubClientResource(endpoint=hub.endpoint_template, page_size=PAGE_SIZE),
                "warehouse": WarehouseResource(directory=str(tmp_path)),
            },
            run_config={"ops": {"raw__hub_model_census": {"config": {"min_request_interval_s": 0.0}}}},
        )
        repeats = len(hub.fault_hits.get("repeat_edge", []))
    assert result.success
    assert repeats >= len(recorded) // PAGE_SIZE - 1, "pages after the first repeated a model"

    built = run_dbt(tmp_path, "build", "--select", "+int_census_models", "--exclude", "test_type:unit")
    assert built.returncode == 0, built.stdout[-3000:]
    with duckdb.connect(str(tmp_path / "observatory.duckdb"), read_only=True) as conn:
        received = conn.execute("select count(*) from raw.hub_model_census").fetchone()[0]
        staged = conn.execute(
            "select model_uid, count(*) from staging.stg_hub__model_census where census_date = ? group by 1",
            [DAY],
        ).fetchall()
        modelled = conn.execute(
            "select count(*), count(distinct model_uid) from intermediate.int_census_models "
            "where census_date = ?",
            [DAY],
        ).fetchone()
    # raw keeps what the Hub served, repeats included; from staging on, each model once
    assert received == len(recorded) + repeats
    assert {uid for uid, _ in staged} == ids
    assert {n for _, n in staged} == {1}
    assert modelled == (len(recorded), len(recorded))

    # The run's row comes back from the archive alone (`make rebuild`'s load, into a new file),
    # unique_n counted again from the rows: the repeats are received, not unique.
    with duckdb.connect(str(tmp_path / "observatory.duckdb"), read_only=True) as conn:
        run_row = conn.execute("select * from raw.hub_census_runs").fetchall()
    assert [(row[2], row[3]) for row in run_row] == [(len(recorded) + repeats, len(recorded))]
    with duckdb.connect(str(tmp_path / "rebuilt.duckdb")) as conn:
        census.load_census_from_archive(conn, tmp_path / "archive", DAY)
        assert conn.execute("select * from raw.hub_census_runs").fetchall() == run_row
