"""The simulated Hub for the benchmarks, in a process of its own: one world, several endpoints.

The CLI (`python -m simulated_hub serve`) has no latency setting and serves one
endpoint; the benchmarks need a fixed per-request latency, a small rate-limit window for one
sub-run, a 100-per-page Hub for the study's baseline, and a way to read the server's request counts
and memory. This module starts `SimulatedHub`s (the project's server, unchanged) over one
`SyntheticWorld`, generated once, in a child process, and talks to it over stdin/stdout:

    parent -> child   "stats\n"   child -> parent   one JSON line (requests by endpoint, RSS, CPU)
    parent closes stdin            child stops its servers and exits

Its memory and CPU are measured apart from the crawler's (B3 asks for the crawler's RSS alone).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from datetime import date

from bench.machine import process_memory


@dataclass(frozen=True)
class EndpointSpec:
    """One HTTP server over the shared world."""

    page_size_cap: int = 1000
    latency_s: float = 0.1
    rate_limit_quota: int = 1_000_000_000
    rate_limit_window_s: float = 300.0


@dataclass
class BenchHub:
    process: subprocess.Popen
    base_urls: dict[str, str]
    n_models: int
    generation_s: float

    def endpoint_for(self, name: str, day: date) -> str:
        return f"{self.base_urls[name]}/as-of/{day.isoformat()}"

    def endpoint_template(self, name: str) -> str:
        return self.base_urls[name] + "/as-of/{snapshot_date}"

    def stats(self) -> dict:
        """The server's request counts per endpoint, and its process's memory and CPU time."""
        self.process.stdin.write("stats\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the benchmark Hub died (exit code {self.process.poll()})")
        return json.loads(line)


@contextmanager
def bench_hub(n_models: int, today: date, endpoints: Mapping[str, EndpointSpec]) -> Iterator[BenchHub]:
    """Start the benchmark Hub process; yields once every endpoint listens."""
    started = time.monotonic()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.hub_process",
            "--n-models",
            str(n_models),
            "--today",
            today.isoformat(),
            "--endpoints",
            json.dumps({name: asdict(spec) for name, spec in endpoints.items()}),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"the benchmark Hub exited before listening (code {process.wait()})")
        announcement = json.loads(line)
        yield BenchHub(process, announcement["base_urls"], n_models, time.monotonic() - started)
    finally:
        if process.stdin and not process.stdin.closed:
            process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _server_stats(hubs: Mapping, generation_s: float) -> dict:
    per_endpoint = {}
    for name, hub in hubs.items():
        log = hub.requests
        listing = [r for r in log if r.path.endswith("/api/models")]
        per_endpoint[name] = {
            "requests": len(log),
            "listing_requests": len(listing),
            "model_info_requests": sum(1 for r in log if "/api/models/" in r.path),
            "by_status": {str(k): v for k, v in sorted(Counter(r.status for r in log).items())},
            # time spent answering, the configured latency excluded: the server's own work
            "listing_work_s": sum(max(0.0, r.duration_s - hub.latency_s) for r in listing),
        }
    cpu = os.times()
    return {
        "endpoints": per_endpoint,
        "generation_s": generation_s,
        "cpu_s": cpu.user + cpu.system,
        **process_memory(os.getpid()),
    }


def main(argv: list[str] | None = None) -> None:
    from simulated_hub.server import SimulatedHub
    from simulated_hub.world import SyntheticWorld, WorldConfig

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-models", type=int, required=True)
    parser.add_argument("--today", type=date.fromisoformat, required=True)
    parser.add_argument("--endpoints", type=json.loads, required=True)
    args = parser.parse_args(argv)

    started = time.monotonic()
    world = SyntheticWorld(WorldConfig(n_models=args.n_models, today=args.today))
    generation_s = time.monotonic() - started
    with ExitStack() as stack:
        hubs = {}
        for name, spec in args.endpoints.items():
            spec = EndpointSpec(**spec)
            hubs[name] = stack.enter_context(
                SimulatedHub(
                    world,
                    page_size_cap=spec.page_size_cap,
                    latency_s=spec.latency_s,
                    rate_limit_quota=spec.rate_limit_quota,
                    rate_limit_window_s=spec.rate_limit_window_s,
                )
            )
        print(json.dumps({"base_urls": {name: hub.base_url for name, hub in hubs.items()}}), flush=True)
        for command in sys.stdin:
            if command.strip() == "stats":
                print(json.dumps(_server_stats(hubs, generation_s)), flush=True)


if __name__ == "__main__":
    main()
