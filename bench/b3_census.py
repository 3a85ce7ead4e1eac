"""B3, full census: every model of a 2,000,000-model simulated Hub, in bounded memory.

- Census: the real asset `raw/hub_model_census` (orchestration/defs/hub/census.py) in a crawler
  process of its own (`bench.census_child`), against the benchmark Hub's process (100 ms per
  request): peak resident memory of the crawler (its own `ru_maxrss`, and the parent's 0.2 s
  samples of /proc), throughput (models per second over the crawl, and over the whole asset with
  its archive publication and DuckDB load), requests.
- The simulated Hub alone: the census pages fetched one after another by a bare HTTP client from a
  zero-latency endpoint (no JSON parsing, no storage): pages per second it serves, and its own
  time per page from its request log. It must exceed what the crawler consumes without latency
  (measured too, on a subset) so that the crawler, not the simulator, is what is measured.
- Read-ahead: the crawl fetching pages ahead in a thread vs one page at a time (`crawl_census`,
  `read_ahead_pages` 4 vs 0), alternating, on a subset.
- Rate limiting: a census of a subset against an endpoint with a small quota per window: it must
  slow down (huggingface_hub waits out each window) and finish complete, never fail.
"""

import json
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future
from datetime import date
from pathlib import Path

import httpx2

from bench.hub_process import BenchHub
from bench.measure import MemorySampler, alternate, medians
from orchestration.defs.hub.census import census_listing

REPO_ROOT = Path(__file__).resolve().parents[1]
TARGET_PEAK_RSS_BYTES = 1024**3


def _census_process(
    endpoint_template: str, day: date, warehouse_dir: Path, log_path: Path, *extra: str
) -> dict:
    """Run `bench.census_child`; its figures plus the parent's memory samples."""
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    with log_path.open("a") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.census_child",
                "--endpoint-template",
                endpoint_template,
                "--day",
                day.isoformat(),
                "--warehouse-dir",
                str(warehouse_dir),
                *extra,
            ],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=log_file,
            text=True,
        )
        with MemorySampler(process.pid) as sampler:
            output, _ = process.communicate()
    if process.returncode != 0:
        return {"success": False, "returncode": process.returncode, "log": str(log_path)}
    figures = json.loads(output.strip().splitlines()[-1])
    figures["sampled_peak_rss_bytes"] = sampler.peak_rss_bytes
    figures.setdefault("success", True)
    return figures


def _server_throughput(hub: BenchHub, day: date, pages: int) -> dict:
    """The census listing's first `pages` pages from the zero-latency endpoint, one after another."""
    before = hub.stats()["endpoints"]["setup"]
    url: str | None = hub.endpoint_for("setup", day) + "/api/models"
    params = census_listing().query_params()
    params = [(k, "1000" if k == "limit" else v) for k, v in params]
    fetched = models_bytes = 0
    started = time.monotonic()
    with httpx2.Client(timeout=60) as client:
        while url is not None and fetched < pages:
            response = client.get(url, params=params)
            response.raise_for_status()
            models_bytes += len(response.content)
            fetched += 1
            url = response.links.get("next", {}).get("url")
            params = None
    elapsed = time.monotonic() - started
    after = hub.stats()["endpoints"]["setup"]
    work = after["listing_work_s"] - before["listing_work_s"]
    return {
        "pages": fetched,
        "pages_per_s": fetched / elapsed,
        "models_per_s": fetched * 1000 / elapsed,
        "server_work_per_page_ms": 1000 * work / fetched,
        "bytes_per_page": models_bytes / fetched,
    }


def run_full_census(hub: BenchHub, day: date, work_dir: Path, log: Callable[[str], None]) -> dict:
    """The census of the whole simulated Hub through the real asset, in a crawler process."""
    log_path = work_dir / "census_child.log"
    work_dir.mkdir(parents=True, exist_ok=True)
    log(f"B3: full census of {hub.n_models:,} models at 100 ms per request (real asset)")
    before = hub.stats()
    census = _census_process(hub.endpoint_template("main"), day, work_dir / "census", log_path)
    after = hub.stats()
    census["server_listing_requests"] = (
        after["endpoints"]["main"]["listing_requests"] - before["endpoints"]["main"]["listing_requests"]
    )
    if census.get("success"):
        census["models_per_s_overall"] = census["models"] / census["wall_s"]
    log(f"B3: census done: {census}")
    return {
        "census": census,
        "hub_process": {
            "peak_rss_bytes": after.get("peak_rss_bytes"),
            "generation_s": after["generation_s"],
            "cpu_s": after["cpu_s"],
        },
    }


def run_b3(
    hub: BenchHub,
    day: date,
    work_dir: Path,
    subset_models: int,
    rate_limited_models: int,
    rate_limit: tuple[int, float],
    repetitions: int,
    log: Callable[[str], None],
    census_future: Future | None = None,
) -> dict:
    """`rate_limit`: the `limited` endpoint's (quota, window in seconds), for the report.

    `census_future`: the full census, started elsewhere (`run_full_census` in a thread); None:
    it runs here.
    """
    log_path = work_dir / "census_child.log"
    report: dict = {"world_models": hub.n_models}

    log("B3: the simulated Hub alone (zero latency, bare client)")
    report["server"] = _server_throughput(hub, day, pages=min(200, subset_models // 1000))

    log(f"B3: crawler without latency, {subset_models:,} models (crawl only)")
    report["crawler_without_latency"] = _census_process(
        hub.endpoint_template("setup"), day, work_dir / "crawl_fast", log_path,
        "--crawl-only", "--max-models", str(subset_models),
    )  # fmt: skip
    report["crawler_without_latency"]["models_per_s"] = (
        report["crawler_without_latency"]["models"] / report["crawler_without_latency"]["crawl_s"]
    )

    log(f"B3: read-ahead 4 pages vs none, {subset_models:,} models at 100 ms per request")

    def crawl(read_ahead: int) -> Callable[[], dict]:
        def side() -> dict:
            figures = _census_process(
                hub.endpoint_template("main"), day, work_dir / f"crawl_ra{read_ahead}", log_path,
                "--crawl-only", "--max-models", str(subset_models), "--read-ahead", str(read_ahead),
            )  # fmt: skip
            figures["models_per_s"] = figures["models"] / figures["crawl_s"]
            return figures

        return side

    samples = alternate({"read_ahead_4": crawl(4), "read_ahead_0": crawl(0)}, repetitions, log)
    report["read_ahead"] = {name: medians(runs) | {"samples": runs} for name, runs in samples.items()}

    if census_future is None:
        report.update(run_full_census(hub, day, work_dir, log))
    else:
        report.update(census_future.result())
    census = report["census"]

    log(f"B3: rate-limited census of {rate_limited_models:,} models")
    limited_before = hub.stats()["endpoints"]["limited"]
    limited = _census_process(
        hub.endpoint_template("limited"), day, work_dir / "census_limited", log_path,
        "--max-models", str(rate_limited_models),
    )  # fmt: skip
    limited_after = hub.stats()["endpoints"]["limited"]
    limited["status_counts"] = {
        status: count - limited_before["by_status"].get(status, 0)
        for status, count in limited_after["by_status"].items()
    }
    limited["expected_pages"] = -(-rate_limited_models // 1000)
    limited["quota"], limited["window_s"] = rate_limit
    report["rate_limited"] = limited

    peak = max(census.get("peak_rss_bytes", 0), census.get("sampled_peak_rss_bytes", 0))
    complete = bool(census.get("success") and census.get("complete") and census["models"] == hub.n_models)
    limited_ok = bool(
        limited.get("success")
        and limited.get("models") == rate_limited_models
        and limited["status_counts"].get("429", 0) > 0
    )
    report["targets"] = {
        "peak_rss": {"target": "< 1 GiB", "pass": complete and peak < TARGET_PEAK_RSS_BYTES},
        "complete": {
            "target": "every model, once",
            "pass": complete and census.get("unique_models") == hub.n_models,
        },
        "rate_limited": {"target": "slows down (429s waited out), completes", "pass": limited_ok},
        "server_not_bottleneck": {
            "target": "Hub pages/s > crawler pages/s without latency",
            "pass": report["server"]["models_per_s"] > report["crawler_without_latency"]["models_per_s"],
        },
    }
    return report
