"""Headless Chromium for the browser tests, driven by Playwright's Python package.

Playwright's own browser download is not used (`playwright install` needs a host these machines
cannot reach): the tests launch the system's Chromium (Debian package `chromium`, at
`/usr/bin/chromium`, or the path in `SLM_OBS_CHROMIUM`). Without Playwright or Chromium the
tests skip with the reason and the install command.

Screenshots go to `tests/artifacts/browser/` (gitignored), kept after the run for a human to look at.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration.instance import prepare_dagster_home
from tests.conftest import REPO_ROOT, environment_missing, free_port

ARTIFACTS_DIR = REPO_ROOT / "tests" / "artifacts" / "browser"
CHROMIUM_ENV = "SLM_OBS_CHROMIUM"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# No update checks, sync, QUIC or other background traffic: the tests run offline.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1280, "height": 900}

READY_SECONDS = 120
STOP_SECONDS = 20
# Nothing listens on port 9 (discard): a run that reached the Hub would fail at once, never hang.
UNREACHABLE_HUB = "http://127.0.0.1:9/as-of/{snapshot_date}"


def chromium_path() -> str | None:
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured if Path(configured).is_file() else None
    return next((path for path in CHROMIUM_CANDIDATES if Path(path).is_file()), shutil.which("chromium"))


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory) -> Iterator:
    """One Chromium with a fresh profile directory for the session; each test opens its own page."""
    try:
        from playwright import sync_api
    except ImportError:
        environment_missing(
            "playwright is not installed: add it to the dev dependency group (uv sync installs it)"
        )
    executable = chromium_path()
    if executable is None:
        environment_missing(
            "Chromium not found at /usr/bin/chromium (or $SLM_OBS_CHROMIUM): "
            "install it with `apt-get install -y chromium`"
        )
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,
            timeout=60_000,
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def browser_page(browser_context):
    page = browser_context.new_page()
    try:
        yield page
    finally:
        page.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


def _restore_sigint() -> None:
    # A background process of a non-interactive shell inherits SIGINT as ignored; the server
    # would then never stop on SIGINT.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def live_group_members(pgid: int) -> list[int]:
    """Processes of group ``pgid`` that are not zombies (Linux: read from /proc)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while being read
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state != "Z":
            members.append(int(stat.parent.name))
    return members


def stop_process_group(process: subprocess.Popen) -> None:
    """SIGINT to the whole group, then SIGKILL to whatever is left, and check nothing survives.

    The webserver stops on SIGINT, but its code server (`dagster api grpc`) would linger until its
    heartbeat times out: the group kill ends it at once.
    """
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=STOP_SECONDS)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    deadline = time.monotonic() + STOP_SECONDS
    while True:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            break
        if process.poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=1)
        if not live_group_members(process.pid):
            break
        if time.monotonic() > deadline:
            survivors = live_group_members(process.pid)
            pytest.fail(f"processes of group {process.pid} survived SIGKILL: {survivors}")
        time.sleep(0.2)


def wait_until_ready(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_path.read_text()[-4000:]
            pytest.fail(f"dagster-webserver exited with {process.returncode}:\n{log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (a local http URL)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"dagster-webserver not ready after {READY_SECONDS} s:\n{log_path.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def dagster_ui(tmp_path_factory, artifacts_dir) -> Iterator[str]:
    """The Dagster UI over an empty warehouse and an unreachable Hub; yields its base URL.

    `dagster-webserver` alone, without the daemon `dagster dev` adds: the UI shows the code
    location the same way (a schedule's default status included), starts in about a third of the
    time, and no scheduled run can start during the test.
    """
    root = tmp_path_factory.mktemp("dagster-ui")
    warehouse = root / "warehouse"
    warehouse.mkdir()
    dagster_home = prepare_dagster_home(root / "dagster_home")
    # The UI's one-time "Join the Dagster community" dialog would cover the pages; mark it seen.
    (dagster_home / ".nux").mkdir()
    (dagster_home / ".nux" / "nux.yaml").write_text("seen: 1\n")
    port = free_port()
    bin_dir = str(Path(sys.executable).parent)  # dbt, which the dbt resource looks up on PATH
    env = {
        **os.environ,
        "DAGSTER_HOME": str(dagster_home),
        "SLM_OBS_WAREHOUSE_DIR": str(warehouse),
        "SLM_OBS_HUB_ENDPOINT": UNREACHABLE_HUB,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "DO_NOT_TRACK": "1",
    }
    env.pop("HF_TOKEN", None)
    log_path = artifacts_dir / "dagster-webserver.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dagster_webserver",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-m",
                "orchestration.definitions",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_restore_sigint,
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_ready(f"{base_url}/server_info", process, log_path)
        yield base_url
    finally:
        stop_process_group(process)
