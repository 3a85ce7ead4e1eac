"""B2, history-independent daily cost: one new day with 365 days of history vs with 30.

What is timed is the project's real daily job, `daily_snapshot` (ingestion, every asset built
from the snapshots: dbt models, checks, figures), run for day D by
`materialize_date_range(defs(), instance, D, D)` on a persistent Dagster instance, whatever that
job holds when the benchmark runs (others change the dbt project; B2 follows).

Set-up, not timed as the figure:
1. template warehouse: the `hub_snapshot` job for D on an empty warehouse, through a zero-latency
   endpoint of the same simulated Hub; then the daily job's other Hub-facing assets (those using
   the `hub` resource: today the base-model details), repeated until a run asks the Hub for no
   model info (at most `WARM_UP_RUNS` times): steady state, where the base models named by the
   day's tags are known, as after a year of daily runs;
2. for each history size H: a copy of the template's DuckDB file and archive, plus H synthetic
   days before D (`bench.history`: ~55,000 rows a day derived from D's records), then the
   `rebuild_marts` job for partition D with `full_refresh` (dbt `--full-refresh`: the incremental
   models rebuilt from all of raw, whatever the window: this is the "full refresh" figure).
   Run for the one partition D, not as a range D-H .. D: a range run makes Dagster record an
   ASSET_MATERIALIZATION_PLANNED event per asset and date before its first step, and a
   materialisation per asset and date after (measured here: ~21 events/s, over 10 minutes of
   bookkeeping for 365 days, for the same dbt work), which is Dagster's cost, not the warehouse's.
Timed: the daily job for D, the two warehouses alternating, `repetitions` times each (each run
replaces D's partition: the same work every time). Per run: wall time, every step's time from
the instance's step stats; for the last run of each side, dbt's per-node `execution_time`
(`run_results.json` of each dbt invocation, kept under DBT_TARGET_PATH). The daily job ends with
the publication of the serving copy users query (`serving/observatory`): its step's median time
and the copy's size beside the pipeline file's are reported per side (`serving_copy`).
"""

import cProfile
import json
import os
import pstats
import shutil
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from bench.history import synthesise_history
from bench.hub_process import BenchHub
from bench.measure import alternate, medians
from orchestration.date_range_runs import materialize_date_range
from orchestration.defs.serving.assets import serving_copy
from orchestration.instance import prepare_dagster_home
from orchestration.rebuild import FULL_REFRESH
from orchestration.warehouse import DUCKDB_FILENAME, SERVING_FILENAME, WAREHOUSE_DIR_ENV

WARM_UP_RUNS = 10
SNAPSHOT_KEY = dg.AssetKey(["raw", "hub_model_snapshots"])
TARGET_RATIO = 1.5
TARGET_WALL_S = 120.0
# The daily job's step that publishes the serving copy.
SERVING_STEP = "__".join(serving_copy.key.path)


def _definitions(warehouse_dir: Path, endpoint_template: str) -> dg.Definitions:
    """The project's Definitions, with resources for this warehouse and endpoint."""
    os.environ[WAREHOUSE_DIR_ENV] = str(warehouse_dir)
    os.environ["SLM_OBS_HUB_ENDPOINT"] = endpoint_template
    from orchestration.definitions import defs

    return defs()


def _run(definitions, instance, first: date, last: date, job: str, run_config=None) -> dict:
    started = time.monotonic()
    result = materialize_date_range(definitions, instance, first, last, job_name=job, run_config=run_config)
    wall = time.monotonic() - started
    steps = {
        stat.step_key: round(stat.end_time - stat.start_time, 2)
        for stat in instance.get_run_step_stats(result.run_id)
        if stat.end_time and stat.start_time
    }
    failed = [
        event.step_key for event in result.all_events if event.event_type == dg.DagsterEventType.STEP_FAILURE
    ]
    return {
        "wall_s": wall,
        "success": result.success,
        "run_id": result.run_id,
        "steps": steps,
        "failed_steps": failed,
    }


def _other_hub_assets(definitions: dg.Definitions) -> list[dg.AssetKey]:
    """The daily job's assets, besides the snapshot, that ask the Hub (they use the `hub` resource)."""
    graph = definitions.resolve_asset_graph()
    selected = definitions.resolve_job_def("daily_snapshot").asset_layer.selected_asset_keys
    return sorted(
        (
            key
            for key in selected
            if key != SNAPSHOT_KEY
            and graph.get(key).is_materializable
            and "hub" in graph.get(key).assets_def.required_resource_keys
        ),
        key=lambda key: key.to_user_string(),
    )


def _warm_up(definitions: dg.Definitions, instance: dg.DagsterInstance, hub: BenchHub, day: date) -> dict:
    """One run of the Hub-facing assets other than the snapshot; the model-info requests it sent."""
    keys = _other_hub_assets(definitions)
    before = hub.stats()["endpoints"]["setup"]["model_info_requests"]
    started = time.monotonic()
    if keys:
        result = definitions.resolve_implicit_global_asset_job_def().execute_in_process(
            asset_selection=keys, partition_key=day.isoformat(), instance=instance
        )
        if not result.success:
            raise RuntimeError("B2: a Hub-facing asset failed during the warm-up")
    return {
        "assets": [key.to_user_string() for key in keys],
        "wall_s": round(time.monotonic() - started, 1),
        "model_info_requests": hub.stats()["endpoints"]["setup"]["model_info_requests"] - before,
    }


def _dbt_nodes(target_root: Path, run_id: str, top: int | None = 12) -> list[dict]:
    """dbt's slowest nodes in the run's invocations (their run_results.json); `top=None`: all."""
    nodes = []
    for results in target_root.glob(f"*-{run_id[:7]}-*/run_results.json"):
        invocation = results.parent.name
        for node in json.loads(results.read_text())["results"]:
            nodes.append(
                {
                    "node": node["unique_id"],
                    "invocation": invocation.split("-")[0],
                    "status": node["status"],
                    "execution_time_s": round(node["execution_time"], 2),
                }
            )
    return sorted(nodes, key=lambda n: -n["execution_time_s"])[:top]


def _node_growth(target_root: Path, small_run_id: str, large_run_id: str, top: int = 12) -> list[dict]:
    """The dbt nodes whose time grows most from the shorter history's last daily run to the
    longer's: what a history-dependent daily cost is made of."""
    small = {n["node"]: n["execution_time_s"] for n in _dbt_nodes(target_root, small_run_id, None)}
    large = {n["node"]: n["execution_time_s"] for n in _dbt_nodes(target_root, large_run_id, None)}
    rows = [
        {
            "node": node,
            "small_s": small.get(node, 0.0),
            "large_s": large.get(node, 0.0),
            "growth_s": round(large.get(node, 0.0) - small.get(node, 0.0), 2),
        }
        for node in set(small) | set(large)
    ]
    return sorted(rows, key=lambda row: -row["growth_s"])[:top]


def _dbt_total_s(target_root: Path, run_id: str) -> float:
    total = 0.0
    for results in target_root.glob(f"*-{run_id[:7]}-*/run_results.json"):
        total += sum(node["execution_time"] for node in json.loads(results.read_text())["results"])
    return round(total, 2)


def _warehouse_figures(warehouse_dir: Path) -> dict:
    with duckdb.connect(str(warehouse_dir / DUCKDB_FILENAME), read_only=True) as conn:
        rows, days = conn.execute(
            "select count(*), count(distinct snapshot_date) from raw.hub_model_snapshots"
        ).fetchone()
    return {
        "raw_rows": rows,
        "snapshot_dates": days,
        "duckdb_bytes": (warehouse_dir / DUCKDB_FILENAME).stat().st_size,
    }


def _copy_warehouse(template: Path, target: Path) -> None:
    """The template's DuckDB file, and its archive as hard links (a run replaces files, never
    writes into them)."""
    target.mkdir(parents=True)
    shutil.copy2(template / DUCKDB_FILENAME, target / DUCKDB_FILENAME)
    shutil.copytree(template / "archive", target / "archive", copy_function=os.link)


def run_b2(
    hub: BenchHub,
    day: date,
    work_dir: Path,
    history_sizes: tuple[int, int],
    repetitions: int,
    log: Callable[[str], None],
    budget_s: float | None = None,
    profile: str = "auto",
    before_timed_runs: Callable[[], None] | None = None,
) -> dict:
    """`profile`: one more daily run with the longer history under cProfile ("auto": if a target is
    missed). `before_timed_runs`: called once the set-up is done, before the daily runs (to let
    work that shared the machine during the set-up finish)."""
    os.environ["DAGSTER_HOME"] = str(prepare_dagster_home(work_dir / "dagster_home"))
    dbt_target = work_dir / "dbt_target"
    os.environ["DBT_TARGET_PATH"] = str(dbt_target)
    small, large = history_sizes
    report: dict = {"day": day.isoformat(), "history_sizes": list(history_sizes), "repetitions": repetitions}

    with dg.DagsterInstance.get() as instance:
        # 1. the template day: its snapshot, then the other Hub-facing assets until steady state
        template = work_dir / "template"
        template_defs = _definitions(template, hub.endpoint_template("setup"))
        snapshot = _run(template_defs, instance, day, day, "hub_snapshot")
        log(f"B2 template snapshot: {snapshot['wall_s']:.0f} s, success={snapshot['success']}")
        report["template"] = {"snapshot": snapshot, "warm_up": []}
        for _ in range(WARM_UP_RUNS):
            run = _warm_up(template_defs, instance, hub, day)
            report["template"]["warm_up"].append(run)
            log(f"B2 template warm-up: {run['wall_s']} s, {run['model_info_requests']} model-info requests")
            if run["model_info_requests"] == 0:
                break

        # 2. the two warehouses with history, fully refreshed
        sides = {}
        for n_days in history_sizes:
            directory = work_dir / f"history_{n_days}"
            _copy_warehouse(template, directory)
            started = time.monotonic()
            with duckdb.connect(str(directory / DUCKDB_FILENAME)) as conn:
                synthesis = synthesise_history(conn, day, n_days)
            synthesis["seconds"] = round(time.monotonic() - started, 1)
            log(f"B2 {n_days} days synthesised in {synthesis['seconds']} s: {synthesis['raw_rows']:,} rows")
            definitions = _definitions(directory, hub.endpoint_template("main"))
            refresh = _run(definitions, instance, day, day, "rebuild_marts", FULL_REFRESH)
            refresh["dbt_nodes"] = _dbt_nodes(dbt_target, refresh["run_id"])
            log(f"B2 {n_days} days full refresh: {refresh['wall_s']:.0f} s, success={refresh['success']}")
            sides[n_days] = definitions
            report[f"history_{n_days}"] = {
                "synthesis": synthesis,
                "full_refresh": refresh,
                "warehouse": _warehouse_figures(directory),
            }

        # 3. the new day, alternating
        def daily(n_days: int) -> Callable[[], dict]:
            return lambda: _run(sides[n_days], instance, day, day, "daily_snapshot")

        if before_timed_runs is not None:
            before_timed_runs()
        log(f"B2: the daily job for {day} with {small} vs {large} days of history, {repetitions} repetitions")
        samples = alternate({f"{n}_days": daily(n) for n in history_sizes}, repetitions, log, budget_s)
        _summarise(report, samples, dbt_target)
        for n_days in history_sizes:
            side = report[f"history_{n_days}"]
            side["serving_copy"] = serving_copy_figures(work_dir / f"history_{n_days}", side)
        missed = not all(target["pass"] for target in report["targets"].values())
        if profile == "always" or (profile == "auto" and missed):
            report["profile"] = _profiled(daily(large), work_dir / "daily.pstats")
            log(f"B2 profiled run: {report['profile']['wall_s']:.0f} s, {work_dir / 'daily.pstats'}")
    return report


def _summarise(report: dict, samples: dict[str, list[dict]], dbt_target: Path) -> None:
    small, large = report["history_sizes"]

    for n_days in (small, large):
        runs = samples[f"{n_days}_days"]
        last = runs[-1]
        side = report[f"history_{n_days}"]
        side["daily_runs"] = runs
        side["repetitions_done"] = len(runs)
        side["daily_wall_s"] = medians(runs)["wall_s"]
        side["daily_steps_median_s"] = {
            step: sorted(run["steps"].get(step, 0.0) for run in runs)[len(runs) // 2]
            for step in last["steps"]
        }
        side["daily_all_succeeded"] = all(run["success"] for run in runs)
        side["daily_dbt_total_s"] = _dbt_total_s(dbt_target, last["run_id"])
        side["daily_dbt_nodes"] = _dbt_nodes(dbt_target, last["run_id"])
    small_s = report[f"history_{small}"]["daily_wall_s"]
    large_s = report[f"history_{large}"]["daily_wall_s"]
    ratio = large_s / small_s
    succeeded = all(report[f"history_{n}"]["daily_all_succeeded"] for n in (small, large))
    report["ratio"] = ratio
    report["targets"] = {
        "ratio": {"target": f"<= {TARGET_RATIO:g}x", "pass": succeeded and ratio <= TARGET_RATIO},
        "wall_s": {"target": f"< {TARGET_WALL_S:g} s", "pass": succeeded and large_s < TARGET_WALL_S},
    }
    report["step_growth_s"] = _step_growth(report, small, large)
    report["dbt_node_growth_s"] = _node_growth(
        dbt_target, samples[f"{small}_days"][-1]["run_id"], samples[f"{large}_days"][-1]["run_id"]
    )


def serving_copy_figures(warehouse_dir: Path, side: dict) -> dict:
    """What publishing the serving copy costs on one side: the step's median time in the daily
    runs, and the copy's size beside the pipeline file's (both as the last daily run left them)."""
    return {
        "publish_s_median": side["daily_steps_median_s"].get(SERVING_STEP),
        "bytes": (warehouse_dir / SERVING_FILENAME).stat().st_size,
        "duckdb_bytes": (warehouse_dir / DUCKDB_FILENAME).stat().st_size,
    }


def _profiled(run: Callable[[], dict], path: Path, top: int = 25) -> dict:
    """One more run under cProfile (not counted in the medians): where Python spends the time."""
    profiler = cProfile.Profile()
    figures = profiler.runcall(run)
    profiler.dump_stats(path)
    stats = pstats.Stats(profiler)

    def rows(key: str) -> list[dict]:
        stats.sort_stats(key)
        return [
            {
                "function": f"{Path(file).name}:{line}({name})",
                "calls": calls,
                "tottime_s": round(tottime, 2),
                "cumtime_s": round(cumtime, 2),
            }
            for (file, line, name), (_, calls, tottime, cumtime, _) in (
                (func, stats.stats[func]) for func in stats.fcn_list[:top]
            )
        ]

    return {"wall_s": figures["wall_s"], "by_cumulative": rows("cumulative"), "by_own_time": rows("tottime")}


def _step_growth(report: dict, small: int, large: int) -> list[dict]:
    """Which steps grow with history: median time with `large` days minus with `small` days."""
    small_steps = report[f"history_{small}"]["daily_steps_median_s"]
    large_steps = report[f"history_{large}"]["daily_steps_median_s"]
    rows = [
        {
            "step": step,
            f"{small}_days_s": small_steps.get(step, 0.0),
            f"{large}_days_s": large_steps.get(step, 0.0),
            "growth_s": round(large_steps.get(step, 0.0) - small_steps.get(step, 0.0), 2),
        }
        for step in sorted(set(small_steps) | set(large_steps))
    ]
    return sorted(rows, key=lambda row: -row["growth_s"])
