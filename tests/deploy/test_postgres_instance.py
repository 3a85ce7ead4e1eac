"""deploy/dagster.yaml, as shipped, on a real PostgreSQL server: a run and its materialisations land there."""

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster._core.launcher import DefaultRunLauncher
from dagster._core.run_coordinator import QueuedRunCoordinator
from dagster._core.scheduler import DagsterDaemonScheduler
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

from orchestration.environment import environment
from orchestration.instance import DAGSTER_YAML
from tests.deploy.conftest import DEPLOY_DIR, PostgresServer
from tests.reliability.pool_slot_race import race_for_the_slot


@dataclass
class PostgresInstance:
    instance: dg.DagsterInstance
    server: PostgresServer
    dbname: str
    home: Path

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self.server.query(self.dbname, sql, params)


@pytest.fixture
def postgres_instance(postgres_server: PostgresServer, tmp_path: Path) -> Iterator[PostgresInstance]:
    """A DagsterInstance whose dagster.yaml is deploy/dagster.yaml byte for byte, on its own database."""
    dbname = postgres_server.create_database(f"dagster_{tmp_path.name[-24:].lower().replace('-', '_')}")
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(DEPLOY_DIR / "dagster.yaml", home / "dagster.yaml")
    with (
        environment({**postgres_server.dagster_env(dbname), "DAGSTER_HOME": str(home)}),
        dg.DagsterInstance.from_config(str(home)) as instance,
    ):
        yield PostgresInstance(instance, postgres_server, dbname, home)


def test_the_shipped_instance_settings_are_those_of_make_dev_plus_postgres():
    shipped = yaml.safe_load((DEPLOY_DIR / "dagster.yaml").read_text())
    for key, value in yaml.safe_load(DAGSTER_YAML).items():
        assert shipped[key] == value, key
    db = shipped["storage"]["postgres"]["postgres_db"]
    # Every coordinate from the environment: no host, user or password written in the file.
    assert db == {
        "hostname": {"env": "DAGSTER_POSTGRES_HOST"},
        "port": {"env": "DAGSTER_POSTGRES_PORT"},
        "username": {"env": "DAGSTER_POSTGRES_USER"},
        "password": {"env": "DAGSTER_POSTGRES_PASSWORD"},
        "db_name": {"env": "DAGSTER_POSTGRES_DB"},
        "scheme": "postgresql+psycopg2",
    }


def test_the_instance_loads_postgres_storage_and_the_deployment_settings(postgres_instance: PostgresInstance):
    instance = postgres_instance.instance
    assert isinstance(instance.run_storage, PostgresRunStorage)
    assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
    assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
    assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
    assert isinstance(instance.run_launcher, DefaultRunLauncher)
    assert isinstance(instance.scheduler, DagsterDaemonScheduler)
    assert not instance.telemetry_enabled
    assert instance.get_concurrency_config().pool_config.default_pool_limit == 1
    # Dagster created its schema in our database, through the password-authenticated TCP connection.
    tables = {row[0] for row in postgres_instance.query("select tablename from pg_tables")}
    assert {"runs", "event_logs", "jobs", "job_ticks", "asset_keys"} <= tables


@dg.asset(pool="warehouse")
def probe_upstream() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows": 3})


@dg.asset(deps=[probe_upstream], pool="warehouse")
def probe_downstream() -> None:
    return None


def test_a_run_and_its_materialisations_are_stored_in_postgres(postgres_instance: PostgresInstance):
    job = dg.Definitions(
        assets=[probe_upstream, probe_downstream],
        jobs=[dg.define_asset_job("probe", selection=[probe_upstream, probe_downstream])],
    ).resolve_job_def("probe")
    result = job.execute_in_process(instance=postgres_instance.instance)
    assert result.success

    (status,) = postgres_instance.query("select status from runs where run_id = %s", (result.run_id,))[0]
    assert status == "SUCCESS"
    stored = postgres_instance.query(
        "select asset_key from event_logs where run_id = %s and dagster_event_type = 'ASSET_MATERIALIZATION'",
        (result.run_id,),
    )
    assert {dg.AssetKey.from_db_string(row[0]) for row in stored} == {
        dg.AssetKey("probe_upstream"),
        dg.AssetKey("probe_downstream"),
    }
    # The assets' pool got the shipped default of one slot, recorded in Postgres.
    pools = postgres_instance.query('select concurrency_key, "limit" from concurrency_limits')
    assert pools == [("warehouse", 1)]


def test_steps_of_four_runs_racing_for_the_slot_in_postgres_hold_it_one_at_a_time(
    postgres_instance: PostgresInstance,
):
    """The race of tests/reliability/test_pool_slots.py on Postgres storage: Dagster's claim reads
    the free slot and takes it in two statements its autocommit connection commits apart, so two
    runs' steps can take one slot here too, unless the project's claim is in place."""
    dbname = postgres_instance.dbname
    env = postgres_instance.server.dagster_env(dbname)
    # More turns than on sqlite: Dagster's own claim double-books here less often, and the test must
    # be able to catch it.
    steps, rounds = 4, 12
    race = race_for_the_slot(str(postgres_instance.home), env, steps, rounds)
    race.assert_one_holder_at_a_time_and_each_step_served(steps)
    # Each claim and release went through Postgres: the slot is there, free again.
    assert postgres_instance.query("select run_id, step_key from concurrency_slots") == [(None, None)]
