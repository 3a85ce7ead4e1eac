"""The compose services' own commands, run outside Docker on loopback ports, as one small deployment.

The code server, the webserver and the daemon are started with the commands of docker-compose.yml
(only the bind address, the ports and the workspace path changed), on deploy/dagster.yaml as shipped
and a real PostgreSQL server. A run submitted to the webserver is queued, dequeued by the daemon,
launched through the code server and executed there, against the simulated Hub, as in production.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml
from dagster_graphql import DagsterGraphQLClient

from simulated_hub.server import SimulatedHub
from simulated_hub.world import SyntheticWorld, WorldConfig
from tests.conftest import REPO_ROOT, free_port
from tests.deploy.conftest import DEPLOY_DIR, VENV_BIN, PostgresServer, running, wait_until
from tests.pipeline_harness import DBT_TARGET_DIRNAME

COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
IMAGE_WORKSPACE = "/opt/dagster/dagster_home/workspace.yaml"
ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - the containers' bind address, replaced by loopback here
LOCATION = "slm_observatory"
DAY = date(2025, 1, 8)
RAW_SNAPSHOTS = dg.AssetKey(["raw", "hub_model_snapshots"])
# Small listings: the point is the deployment's path, not the volume (tests/test_pipeline_end_to_end.py).
LISTING_SIZES = {
    "SLM_OBS_TOP_N": "500",
    "SLM_OBS_PER_TAG_N": "100",
    "SLM_OBS_N_TAGS": "2",
    "SLM_OBS_PAGE_SIZE": "250",
}


def compose_command(service: str, replacements: dict[str, str]) -> list[str]:
    command = yaml.safe_load(COMPOSE_FILE.read_text())["services"][service]["command"]
    return [replacements.get(str(arg), str(arg)) for arg in command]


def compose_healthcheck(service: str, replacements: dict[str, str]) -> list[str]:
    test = yaml.safe_load(COMPOSE_FILE.read_text())["services"][service]["healthcheck"]["test"]
    assert test[0] == "CMD"
    return [replacements.get(str(arg), str(arg)) for arg in test[1:]]


@dataclass
class Deployment:
    server: PostgresServer
    dbname: str
    warehouse: Path
    logs: Path
    env: dict[str, str]
    code_port: int
    web_port: int
    first_health_check: subprocess.CompletedProcess | None = None

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self.server.query(self.dbname, sql, params)

    def health_check(self) -> subprocess.CompletedProcess:
        argv = compose_healthcheck("user_code", {"4000": str(self.code_port)})
        return subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=30, check=False)

    def graphql(self, query: str) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.web_port}/graphql",
            data=json.dumps({"query": query}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - http on loopback
            return json.loads(response.read())["data"]


def signal_all(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - http on loopback
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def deployment(postgres_server: PostgresServer, tmp_path_factory) -> Iterator[Deployment]:
    base = tmp_path_factory.mktemp("deployment")
    logs = base / "logs"
    logs.mkdir()
    dbname = postgres_server.create_database("dagster_deployment")
    home = base / "dagster_home"
    home.mkdir()
    shutil.copyfile(DEPLOY_DIR / "dagster.yaml", home / "dagster.yaml")
    code_port, web_port = free_port(), free_port()
    # The shipped workspace, pointed at our code server instead of the compose service name.
    workspace = yaml.safe_load((DEPLOY_DIR / "workspace.yaml").read_text())
    workspace["load_from"][0]["grpc_server"].update(host="127.0.0.1", port=code_port)
    (home / "workspace.yaml").write_text(yaml.safe_dump(workspace))

    warehouse = base / "warehouse"
    env = {k: v for k, v in os.environ.items() if k != "HF_TOKEN" and not k.startswith("SLM_OBS_")}
    env.update(postgres_server.dagster_env(dbname))
    env.update(LISTING_SIZES)
    env.update(
        DAGSTER_HOME=str(home),
        SLM_OBS_WAREHOUSE_DIR=str(warehouse),
        DBT_TARGET_PATH=str(warehouse / DBT_TARGET_DIRNAME),
        PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        HF_HUB_DISABLE_TELEMETRY="1",
        DO_NOT_TRACK="1",
    )
    loopback = {ALL_INTERFACES: "127.0.0.1", IMAGE_WORKSPACE: str(home / "workspace.yaml")}
    with ExitStack() as stack:
        hub = stack.enter_context(SimulatedHub(SyntheticWorld(WorldConfig(today=DAY)), page_size_cap=1000))
        env["SLM_OBS_HUB_ENDPOINT"] = hub.endpoint_template
        deployment = Deployment(postgres_server, dbname, warehouse, logs, env, code_port, web_port)
        code_log = logs / "user_code.log"
        code_server = stack.enter_context(
            running(
                compose_command("user_code", {**loopback, "4000": str(code_port)}),
                code_log,
                env=env,
                cwd=REPO_ROOT,
            )
        )
        # A cheap probe first (each health check is a Python process), then compose's own check.
        wait_until(lambda: _port_open(code_port), 90, "the code server's port", code_server, code_log)
        deployment.first_health_check = wait_until(
            lambda: (result := deployment.health_check()).returncode == 0 and result,
            90,
            "the code server to answer the compose health check",
            code_server,
            code_log,
            interval=1,
        )
        # As in compose: the webserver and the daemon start once the code server is healthy.
        webserver = stack.enter_context(
            running(
                compose_command("webserver", {**loopback, "3000": str(web_port)}),
                logs / "webserver.log",
                env=env,
                cwd=base,
            )
        )
        daemon = stack.enter_context(
            running(compose_command("daemon", loopback), logs / "daemon.log", env=env, cwd=base)
        )
        # On the way out, signal all three at once; each `running` block then waits for its own.
        stack.callback(signal_all, [daemon, webserver, code_server])
        wait_until(
            lambda: _http_ok(f"http://127.0.0.1:{web_port}/server_info"),
            90,
            "the webserver to serve /server_info",
            webserver,
            logs / "webserver.log",
        )
        yield deployment


def test_the_code_server_answers_the_compose_health_check(deployment: Deployment):
    result = deployment.first_health_check
    assert result is not None
    assert result.returncode == 0
    assert "gRPC connection successful" in result.stdout + result.stderr


def test_the_webserver_loads_the_code_location_from_the_workspace(deployment: Deployment):
    data = deployment.graphql(
        "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus "
        "locationOrLoadError { __typename ... on RepositoryLocation { repositories { "
        "jobs { name } schedules { name scheduleState { status } } } } } } } } }"
    )
    (entry,) = data["workspaceOrError"]["locationEntries"]
    assert entry["name"] == LOCATION
    assert entry["locationOrLoadError"]["__typename"] == "RepositoryLocation", entry
    (repository,) = entry["locationOrLoadError"]["repositories"]
    assert "daily_snapshot" in {job["name"] for job in repository["jobs"]}
    schedules = {s["name"]: s["scheduleState"]["status"] for s in repository["schedules"]}
    assert schedules == {"daily_snapshot_schedule": "RUNNING", "weekly_census_schedule": "RUNNING"}


@pytest.mark.filterwarnings("ignore::DeprecationWarning:gql")
def test_the_daemon_launches_a_queued_run_through_the_code_server(deployment: Deployment):
    client = DagsterGraphQLClient("127.0.0.1", port_number=deployment.web_port, timeout=30)
    run_id = client.submit_job_execution(
        "daily_snapshot",
        repository_location_name=LOCATION,
        tags={"dagster/partition": DAY.isoformat()},
        # The job's first asset, the one that calls the Hub and writes the warehouse, in one process:
        # dbt and the figures add a minute on two cores and are covered by
        # tests/test_pipeline_end_to_end.py. The path under test (queue, daemon, code server, run
        # worker, Postgres) is the same as for the whole job.
        asset_selection=[RAW_SNAPSHOTS.path],
        run_config={"execution": {"config": {"in_process": {}}}},
    )

    def finished() -> str | None:
        run = deployment.graphql(f'{{ runOrError(runId: "{run_id}") {{ ... on Run {{ status }} }} }}')
        status = run["runOrError"]["status"]
        return status if status in ("SUCCESS", "FAILURE", "CANCELED") else None

    status = wait_until(
        finished, 120, f"run {run_id} to finish", log=deployment.logs / "user_code.log", interval=1
    )
    assert status == "SUCCESS", (deployment.logs / "user_code.log").read_text()[-5000:]

    (stored_status,) = deployment.query("select status from runs where run_id = %s", (run_id,))[0]
    assert stored_status == "SUCCESS"
    # The run was queued (only the daemon takes runs off the queue) and started by the code server.
    events = {
        row[0]
        for row in deployment.query("select dagster_event_type from event_logs where run_id = %s", (run_id,))
    }
    assert {"PIPELINE_ENQUEUED", "PIPELINE_STARTING", "PIPELINE_START", "PIPELINE_SUCCESS"} <= events
    grpc_info = deployment.query(
        "select value from run_tags where run_id = %s and key = '.dagster/grpc_info'", (run_id,)
    )
    assert json.loads(grpc_info[0][0])["port"] == deployment.code_port

    materialized = deployment.query(
        "select asset_key, partition from event_logs "
        "where run_id = %s and dagster_event_type = 'ASSET_MATERIALIZATION'",
        (run_id,),
    )
    assert {(dg.AssetKey.from_db_string(key), partition) for key, partition in materialized} == {
        (RAW_SNAPSHOTS, DAY.isoformat())
    }
    # The asset's pool, "warehouse", got deploy/dagster.yaml's default of one slot.
    assert deployment.query('select concurrency_key, "limit" from concurrency_limits') == [("warehouse", 1)]

    with duckdb.connect(str(deployment.warehouse / "observatory.duckdb"), read_only=True) as conn:
        (count,) = conn.execute(
            "select count(*) from raw.hub_model_snapshots where snapshot_date = ? and listing = 'top'", [DAY]
        ).fetchone()
    assert count == int(LISTING_SIZES["SLM_OBS_TOP_N"])
    # The daemon that ran the queue also runs the scheduler (the daily schedule's ticks).
    daemons = {row[0] for row in deployment.query("select daemon_type from daemon_heartbeats")}
    assert {"SCHEDULER", "QUEUED_RUN_COORDINATOR"} <= daemons
