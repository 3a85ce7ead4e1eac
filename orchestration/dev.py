"""`make dev`: the Dagster UI on 127.0.0.1, over the live Hub or (with --demo) the simulated one."""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from orchestration.instance import prepare_dagster_home
from orchestration.warehouse import WAREHOUSE_DIR_ENV, warehouse_dir_from_env


def start_simulated_hub() -> tuple[subprocess.Popen, str]:
    """Start the simulated Hub in a child process and return it with its endpoint template."""
    hub = subprocess.Popen(
        [sys.executable, "-m", "orchestration.simulated_hub", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    announcement = json.loads(hub.stdout.readline())
    return hub, announcement["endpoint_template"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--demo", action="store_true", help="serve the simulated Hub and the demo warehouse")
    parser.add_argument("--warehouse-dir", default=None)
    parser.add_argument("--host", default="127.0.0.1", help="bind address; keep loopback unless proxied")
    parser.add_argument("--port", default="3000")
    args = parser.parse_args()

    warehouse_dir = Path(args.warehouse_dir or warehouse_dir_from_env()).resolve()
    env = dict(os.environ)
    env[WAREHOUSE_DIR_ENV] = str(warehouse_dir)
    env["DAGSTER_HOME"] = str(prepare_dagster_home(warehouse_dir / "dagster_home"))
    hub = None
    if args.demo:
        hub, env["SLM_OBS_HUB_ENDPOINT"] = start_simulated_hub()
    try:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "dagster",
                "dev",
                "-h",
                args.host,
                "-p",
                args.port,
                "-m",
                "orchestration.definitions",
            ],
            env=env,
            check=False,
        )
    finally:
        if hub is not None:
            hub.terminate()
            hub.wait(timeout=10)


if __name__ == "__main__":
    main()
