"""The simulated Hub in a child process, for the demo and `make dev-demo`.

A separate process serves pages on the second core while the pipeline parses them on the first:
in one process both would share the interpreter lock.
"""

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date


@contextmanager
def simulated_hub_process(n_models: int, today: date, quota: int = 1_000_000) -> Iterator[str]:
    """Run `python -m simulated_hub serve` and yield its endpoint template."""
    hub = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulated_hub",
            "serve",
            "--port",
            "0",
            "--n-models",
            str(n_models),
            "--today",
            today.isoformat(),
            "--quota",
            str(quota),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = hub.stdout.readline()
        if not line:
            raise RuntimeError(f"the simulated Hub exited before announcing its address (code {hub.wait()})")
        yield json.loads(line)["endpoint_template"]
    finally:
        hub.terminate()
        try:
            hub.wait(timeout=10)
        except subprocess.TimeoutExpired:
            hub.kill()
            hub.wait()
