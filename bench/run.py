"""`make bench` / `python -m bench [--quick]`: run the benchmarks, write results.json and results.md.

One simulated Hub process serves every benchmark (`bench.hub_process`: one world, generated once;
endpoints `main` and `study` with the per-request latency, `setup` without latency for set-up
work and the simulator's own throughput, `limited` with a small rate-limit quota). Scratch data
goes to `bench/work.tmp/<benchmark>/` (removed when that benchmark starts, kept after it for
inspection; `--only b4` measures the warehouses the last B2 left).
Results are rewritten after each benchmark, so a failure keeps what finished.
"""

import os

# Before huggingface_hub, dbt or Dagster are imported: nothing phones home, nothing asks the live
# Hub (huggingface_hub's user-agent otherwise fetches a registry from huggingface.co).
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

import argparse
import json
import shutil
import sys
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import asdict, replace
from pathlib import Path

from bench.config import PRESETS, BenchConfig
from bench.hub_process import EndpointSpec, bench_hub
from bench.machine import load_average, machine_info
from bench.report import write_markdown

BENCH_DIR = Path(__file__).resolve().parent


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _endpoints(config: BenchConfig) -> dict[str, EndpointSpec]:
    return {
        "main": EndpointSpec(latency_s=config.latency_s),
        "study": EndpointSpec(page_size_cap=100, latency_s=config.latency_s),
        "setup": EndpointSpec(latency_s=0.0),
        "limited": EndpointSpec(
            latency_s=config.latency_s,
            rate_limit_quota=config.b3_rate_limit_quota,
            rate_limit_window_s=config.b3_rate_limit_window_s,
        ),
    }


def run(config: BenchConfig, out_dir: Path, work_dir: Path, command: str) -> dict:
    """Every benchmark of `config`; returns the results (also written to `out_dir`)."""
    for name in config.benchmarks:  # b4 reads b2's warehouses: `--only b4` keeps them
        shutil.rmtree(work_dir / name, ignore_errors=True)
    work_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(config.listing_env)
    started = time.monotonic()
    results: dict = {
        "command": command,
        "config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(config).items()},
        "machine": machine_info(),
        "benchmarks": {},
        "errors": {},
    }
    results["config"]["day"] = config.day.isoformat()

    def save() -> None:
        results["machine"]["load_average_at_end"] = load_average()
        results["total_s"] = round(time.monotonic() - started, 1)
        (out_dir / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
        write_markdown(results, out_dir / "results.md")

    log(f"{config.name} benchmarks; generating a world of {config.world_models:,} models")
    with bench_hub(config.world_models, config.day, _endpoints(config)) as hub:
        results["hub"] = {"world_models": hub.n_models, "start_s": round(hub.generation_s, 1)}
        log(f"simulated Hub up in {hub.generation_s:.0f} s")
        # B3's census is a latency-bound crawl of 5 minutes: it runs in a thread beside B2's set-up
        # (synthesis, full refreshes: reported, not compared), and B2 waits for it before its
        # timed daily runs, so no comparison shares the machine. B3's other measurements run alone.
        census = None
        if {"b2", "b3"} <= set(config.benchmarks):
            census = CensusBesideB2(hub, config.day, work_dir / "b3")
        steps = {
            "b1": lambda: _b1(config, hub, work_dir / "b1"),
            "b2": lambda: _b2(config, hub, work_dir / "b2", census),
            "b3": lambda: _b3(config, hub, work_dir / "b3", census),
            "b4": lambda: _b4(config, work_dir / "b2", work_dir / "b4"),
            "b5": lambda: _b5(config, work_dir / "b5"),
        }
        for name, step in steps.items():
            if name not in config.benchmarks:
                continue
            step_started = time.monotonic()
            try:
                results["benchmarks"][name] = step()
            except Exception:  # one benchmark failing must not lose the others' results
                results["errors"][name] = traceback.format_exc()
                log(f"{name} failed:\n{results['errors'][name]}")
            if name in results["benchmarks"]:
                results["benchmarks"][name]["benchmark_s"] = round(time.monotonic() - step_started, 1)
            save()
        results["hub"]["process"] = hub.stats()
    results["finished"] = True
    save()
    log(f"done in {results['total_s']:.0f} s: {out_dir / 'results.md'}")
    return results


class CensusBesideB2:
    """B3's full census in a thread, started with B2's set-up; B2 waits for it before its timed runs."""

    def __init__(self, hub, day, work_dir: Path) -> None:
        self._args = (hub, day, work_dir, log)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="b3-census")
        self.future: Future | None = None

    def start(self) -> None:
        self.future = self._pool.submit(self._census)

    def _census(self) -> dict:
        from bench.b3_census import run_full_census

        report = run_full_census(*self._args)
        report["census"]["ran_beside"] = "B2's set-up (template day, synthesis, full refreshes)"
        return report

    def wait(self) -> None:
        log("B2: set-up done; waiting for B3's census before the timed runs")
        wait([self.future])
        self._pool.shutdown()


def _b1(config: BenchConfig, hub, work_dir: Path) -> dict:
    from bench.b1_snapshot_cost import run_b1

    work_dir.mkdir(parents=True)
    scope = (config.top_n, config.per_tag_n, config.n_tags)
    return run_b1(hub, config.day, work_dir, scope, config.b1_repetitions, config.b1_study_subset, log)


def _b2(config: BenchConfig, hub, work_dir: Path, census: CensusBesideB2 | None) -> dict:
    from bench.b2_daily_cost import run_b2

    work_dir.mkdir(parents=True)
    if census is not None:
        census.start()
    return run_b2(
        hub,
        config.day,
        work_dir,
        config.b2_history_days,
        config.b2_repetitions,
        log,
        budget_s=config.b2_budget_s,
        profile=config.b2_profile,
        before_timed_runs=census.wait if census is not None else None,
    )


def _b3(config: BenchConfig, hub, work_dir: Path, census: CensusBesideB2 | None) -> dict:
    from bench.b3_census import run_b3

    work_dir.mkdir(parents=True, exist_ok=True)
    return run_b3(
        hub,
        config.day,
        work_dir,
        config.b3_subset_models,
        config.b3_rate_limited_models,
        (config.b3_rate_limit_quota, config.b3_rate_limit_window_s),
        config.b3_repetitions,
        log,
        census_future=census.future if census is not None else None,
    )


def _b4(config: BenchConfig, b2_dir: Path, work_dir: Path) -> dict:
    from bench.b4_storage import run_b4

    small, large = config.b2_history_days
    return run_b4(b2_dir / f"history_{small}", b2_dir / f"history_{large}", config.day, work_dir)


def _b5(config: BenchConfig, work_dir: Path) -> dict:
    from bench.b5_census_marts import run_b5

    return run_b5(work_dir, config.day, config.b5_census_models, log)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    scale = parser.add_mutually_exclusive_group()
    scale.add_argument("--quick", action="store_true", help="smaller world and history, fewer repetitions")
    scale.add_argument("--tiny", action="store_true", help="the smoke test's size (B1 and B3 only)")
    parser.add_argument("--only", help="comma-separated benchmarks to run (b1,b2,b3,b4,b5; b4 needs b2)")
    parser.add_argument("--latency-ms", type=float, help="per-request latency of the simulated Hub")
    parser.add_argument(
        "--profile",
        choices=["auto", "always", "never"],
        help="B2: one more daily run with the longer history, under cProfile (auto: if a target is missed)",
    )
    parser.add_argument("--out-dir", type=Path, default=BENCH_DIR, help="where results.json/.md go")
    parser.add_argument("--work-dir", type=Path, default=BENCH_DIR / "work.tmp")
    parser.add_argument(
        "--markdown-only", action="store_true", help="rewrite results.md from results.json, run nothing"
    )
    args = parser.parse_args(argv)
    if args.markdown_only:
        write_markdown(json.loads((args.out_dir / "results.json").read_text()), args.out_dir / "results.md")
        return

    config = PRESETS["quick" if args.quick else "tiny" if args.tiny else "full"]
    if args.only:
        config = replace(config, benchmarks=tuple(name.strip() for name in args.only.split(",")))
    if args.latency_ms is not None:
        config = replace(config, latency_s=args.latency_ms / 1000)
    if args.profile:
        config = replace(config, b2_profile=args.profile)
    command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    results = run(config, args.out_dir, args.work_dir, command.strip())
    if results["errors"]:
        raise SystemExit(f"benchmarks failed: {', '.join(results['errors'])}")


if __name__ == "__main__":
    main()
