"""docker-compose.yml: validated by Compose itself, and read for what must never change."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT, environment_missing
from tests.deploy.conftest import DEPLOY_DIR

COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DAGSTER_SERVICES = ("user_code", "webserver", "daemon")
SECRET_NAME = re.compile(r"PASSWORD|TOKEN|SECRET|KEY", re.IGNORECASE)
TELEMETRY_OFF = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
}
WAREHOUSE_MOUNT = "warehouse:/data/warehouse"
ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - inside the containers; the host publishes on loopback only


def compose_command() -> list[str] | None:
    """`docker compose` (v2 plugin) if the client has it, else the standalone `docker-compose`."""
    if shutil.which("docker"):
        probe = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, text=True, timeout=60, check=False
        )
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


@pytest.fixture(scope="module")
def compose() -> list[str]:
    command = compose_command()
    if command is None:
        environment_missing(
            "no Compose here: `docker compose version` fails (no v2 plugin) and `docker-compose` is "
            "absent; `apt-get install -y docker-compose` provides the latter (no engine needed)"
        )
    return command


def run_config(compose: list[str], tmp_path: Path, **variables: str) -> subprocess.CompletedProcess:
    """`compose config` on the shipped file with exactly `variables` set among the ones it reads."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not (name.startswith(("DAGSTER_POSTGRES_", "COMPOSE_", "SLM_OBS_")) or name == "HF_TOKEN")
    }
    env.update(variables)
    empty_env_file = tmp_path / "empty.env"  # a developer's ./.env must not change the outcome
    empty_env_file.write_text("")
    return subprocess.run(
        [*compose, "--env-file", str(empty_env_file), "-f", str(COMPOSE_FILE), "config"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def raw_compose() -> dict:
    """The file as written (PyYAML resolves the `<<` merge keys), before any interpolation."""
    return yaml.safe_load(COMPOSE_FILE.read_text())


def environment_of(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return dict(env)


def host_ips(port_entry) -> str | None:
    """The host address a `ports` entry publishes on, for the short and the long syntax."""
    if isinstance(port_entry, dict):
        return port_entry.get("host_ip")
    parts = str(port_entry).rsplit("/", 1)[0].split(":")
    return parts[0] if len(parts) == 3 else None


def test_compose_validates_the_file_and_passes_the_token_through(compose, tmp_path):
    result = run_config(compose, tmp_path, DAGSTER_POSTGRES_PASSWORD="pw-from-env", HF_TOKEN="hf_from_env")
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert set(services) == {"postgres", *DAGSTER_SERVICES}
    # The token reaches the runs (user_code) only, from the host's environment.
    assert environment_of(services["user_code"])["HF_TOKEN"] == "hf_from_env"
    assert "HF_TOKEN" not in environment_of(services["webserver"])
    assert "HF_TOKEN" not in environment_of(services["daemon"])
    # One password, from the environment, for the server and for every Dagster service.
    assert environment_of(services["postgres"])["POSTGRES_PASSWORD"] == "pw-from-env"
    for name in DAGSTER_SERVICES:
        assert environment_of(services[name])["DAGSTER_POSTGRES_PASSWORD"] == "pw-from-env", name
    webserver_ports = services["webserver"]["ports"]
    assert [host_ips(port) for port in webserver_ports] == ["127.0.0.1"]


def test_compose_runs_without_a_token(compose, tmp_path):
    result = run_config(compose, tmp_path, DAGSTER_POSTGRES_PASSWORD="pw-from-env")
    assert result.returncode == 0, result.stderr
    user_code_env = environment_of(yaml.safe_load(result.stdout)["services"]["user_code"])
    assert user_code_env.get("HF_TOKEN") in (None, "")


def test_compose_refuses_to_start_without_a_postgres_password(compose, tmp_path):
    result = run_config(compose, tmp_path)
    assert result.returncode != 0
    assert "DAGSTER_POSTGRES_PASSWORD" in result.stdout + result.stderr


def test_the_ui_is_published_on_loopback_only_and_nothing_else_is_published():
    services = raw_compose()["services"]
    assert services["webserver"]["ports"] == ["127.0.0.1:3000:3000"]
    for name, service in services.items():
        for port in service.get("ports", []):
            assert host_ips(port) == "127.0.0.1", (name, port)
    assert [name for name, service in services.items() if service.get("ports")] == ["webserver"]


def test_the_services_run_the_dagster_entrypoints():
    services = raw_compose()["services"]
    assert services["user_code"]["command"][:9] == [
        *("dagster", "code-server", "start", "-m", "orchestration.definitions"),
        *("-h", ALL_INTERFACES, "-p", "4000"),
    ]
    assert services["webserver"]["command"] == [
        *("dagster-webserver", "-h", ALL_INTERFACES, "-p", "3000"),
        *("-w", "/opt/dagster/dagster_home/workspace.yaml"),
    ]
    assert services["daemon"]["command"][:2] == ["dagster-daemon", "run"]
    assert services["daemon"]["restart"] == "unless-stopped"
    # The workspace the webserver and the daemon load is this code server.
    (entry,) = yaml.safe_load((DEPLOY_DIR / "workspace.yaml").read_text())["load_from"]
    assert entry["grpc_server"]["host"] == "user_code"
    assert entry["grpc_server"]["port"] == 4000
    # Postgres is healthy before anyone connects; the code server before it is loaded.
    for name in DAGSTER_SERVICES:
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy", name
    assert "healthcheck" in services["postgres"]
    assert services["user_code"]["healthcheck"]["test"][:4] == ["CMD", "dagster", "api", "grpc-health-check"]


def test_the_warehouse_is_a_named_volume_and_nothing_from_the_host_is_mounted():
    compose = raw_compose()
    services = compose["services"]
    assert "warehouse" in compose["volumes"]
    assert WAREHOUSE_MOUNT in services["user_code"]["volumes"]
    assert WAREHOUSE_MOUNT in services["daemon"]["volumes"]
    for name in DAGSTER_SERVICES:
        assert environment_of(services[name]).get("SLM_OBS_WAREHOUSE_DIR") in (None, "/data/warehouse")
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume["source"] if isinstance(volume, dict) else volume.split(":", 1)[0]
            # No bind mount: no host path, and never the Docker socket.
            assert source in compose["volumes"], (name, volume)


def test_no_secret_value_is_written_in_the_file():
    text = COMPOSE_FILE.read_text()
    assert not re.search(r"hf_[A-Za-z0-9]{8,}", text)
    services = raw_compose()["services"]
    assert "HF_TOKEN" in environment_of(services["user_code"])
    assert environment_of(services["user_code"])["HF_TOKEN"] is None
    for name, service in services.items():
        for variable, value in environment_of(service).items():
            if SECRET_NAME.search(variable):
                # Absent, or interpolated from the environment with no default to fall back on.
                assert value is None or re.fullmatch(r"\$\{\w+(:?\?[^}]*)?\}", value), (name, variable)


def test_telemetry_is_off_in_every_dagster_service():
    services = raw_compose()["services"]
    for name in DAGSTER_SERVICES:
        env = environment_of(services[name])
        assert {key: env.get(key) for key in TELEMETRY_OFF} == TELEMETRY_OFF, name
    shipped = yaml.safe_load((DEPLOY_DIR / "dagster.yaml").read_text())
    assert shipped["telemetry"] == {"enabled": False}
