"""`python -m simulated_hub serve`: announces itself, serves, stops on a signal."""

import json
import signal
import subprocess
import sys

import httpx2
import pytest

from tests.simulated_hub.conftest import REPO_ROOT, recording_path


def serve(*args: str) -> tuple[subprocess.Popen, dict]:
    process = subprocess.Popen(
        [sys.executable, "-m", "simulated_hub", "serve", "--port", "0", *args],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    announcement = json.loads(process.stdout.readline())
    return process, announcement


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serve_announces_its_endpoint_and_stops_cleanly_on_a_signal(signum):
    process, announcement = serve("--n-models", "800", "--today", "2024-06-30", "--page-size-cap", "50")
    try:
        base_url = announcement["base_url"]
        assert base_url.startswith("http://127.0.0.1:")
        assert announcement["endpoint_template"] == base_url + "/as-of/{snapshot_date}"
        page = httpx2.get(
            announcement["endpoint_template"].format(snapshot_date="2024-06-30") + "/api/models"
        )
        assert len(page.json()) == 50 and "next" in page.links
        everything = httpx2.get(base_url + "/api/models", params={"limit": 1000})  # today: 2024-06-30
        assert len(everything.json()) == 50
    finally:
        process.send_signal(signum)
        assert process.wait(timeout=20) == 0
    assert process.stdout.read() == ""


def test_serve_a_recorded_listing():
    process, announcement = serve("--recorded", str(recording_path()), "--quota", "5")
    try:
        response = httpx2.get(announcement["base_url"] + "/as-of/2025-01-08/api/models", params={"limit": 3})
        assert len(response.json()) == 3
        assert response.headers["RateLimit-Policy"] == '"fixed window";"api";q=5;w=300'
    finally:
        process.terminate()
        assert process.wait(timeout=20) == 0
