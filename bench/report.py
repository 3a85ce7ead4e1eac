"""results.md: the machine, a summary table with targets, then each benchmark's details."""

from pathlib import Path


def _s(value: float | None) -> str:
    if value is None:
        return "n/a"
    if value >= 100:
        return f"{value:,.0f} s"
    return f"{value:.1f} s"


def _n(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def _x(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.2f}x" if value < 10 else f"{value:,.1f}x"


def _mib(value: float | None) -> str:
    return "n/a" if not value else f"{value / 2**20:,.0f} MiB"


def _verdict(target: dict | None) -> str:
    if target is None:
        return ""
    return "**pass**" if target["pass"] else "**MISS**"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _machine(results: dict) -> list[str]:
    m = results["machine"]
    versions = ", ".join(f"{name} {version}" for name, version in m["versions"].items())
    memory = f"{m['memory_bytes'] / 2**30:.1f} GiB" if m.get("memory_bytes") else "n/a"
    return [
        f"- Command: `{results['command']}` ({results['config']['name']} configuration), "
        f"total {_s(results.get('total_s'))}",
        f"- Date (UTC): {m['date_utc']}",
        f"- Machine: {m['cores']} cores, {memory}, {m['cpu_model']}, {m['platform']}",
        f"- Python {m['python']}; {versions}",
        f"- Load average (1, 5, 15 min) at start {m['load_average_at_start']}, at end "
        f"{m.get('load_average_at_end')}; each timed run's own is in results.json (other jobs share "
        "the machine: compare sides of one comparison, which alternate, not runs of different days)",
        f"- Simulated Hub: {results['config']['world_models']:,} models, "
        f"{results['config']['latency_s'] * 1000:g} ms per request; day {results['config']['day']}",
        "",
    ]


TARGET_TOTAL_S = 20 * 60  # `make bench`, the full configuration, on a fresh clone


def _total_target(results: dict) -> dict | None:
    """The whole run's time target: only for a finished full run of every benchmark."""
    config = results["config"]
    if config["name"] != "full" or not {"b1", "b2", "b3", "b4"} <= set(config["benchmarks"]):
        return None
    if not results.get("finished"):
        return None
    return {"target": "< 20 min", "pass": results["total_s"] < TARGET_TOTAL_S and not results["errors"]}


def _summary_rows(results: dict) -> list[list[str]]:
    b = results["benchmarks"]
    rows = []
    if total := _total_target(results):
        rows.append(
            ["`make bench`, every benchmark", f"{results['total_s'] / 60:.1f} min", "", total["target"],
             _verdict(total)]
        )  # fmt: skip
    if b1 := b.get("b1"):
        t = b1["targets"]
        rows.append(
            [
                "B1 requests, one snapshot",
                f"ours {_n(b1['ours']['requests'])} vs study {_n(b1['study']['requests'])}",
                _x(b1["request_ratio"]),
                t["request_ratio"]["target"],
                _verdict(t["request_ratio"]),
            ]
        )
        rows.append(
            [
                "B1 wall time, one snapshot",
                f"ours {_s(b1['ours']['wall_s'])} vs study {_s(b1['study']['wall_s_extrapolated'])} "
                "(extrapolated from a measured subset)",
                _x(b1["wall_ratio"]),
                t["wall_ratio"]["target"],
                _verdict(t["wall_ratio"]),
            ]
        )
    if b2 := b.get("b2"):
        small, large = b2["history_sizes"]
        t = b2["targets"]
        s_side, l_side = b2[f"history_{small}"], b2[f"history_{large}"]
        rows.append(
            [
                f"B2 daily job, {large} vs {small} days of history",
                f"{_s(l_side['daily_wall_s'])} vs {_s(s_side['daily_wall_s'])}",
                _x(b2["ratio"]),
                t["ratio"]["target"],
                _verdict(t["ratio"]),
            ]
        )
        rows.append(
            [
                f"B2 daily job with {large} days",
                _s(l_side["daily_wall_s"]),
                "",
                t["wall_s"]["target"],
                _verdict(t["wall_s"]),
            ]
        )
        for n in (small, large):
            if serving := b2[f"history_{n}"].get("serving_copy"):
                rows.append(
                    [
                        f"B2 serving copy, {n} days: publication in the daily job, size",
                        f"{_s(serving['publish_s_median'])}, {_mib(serving['bytes'])} "
                        f"(pipeline file {_mib(serving['duckdb_bytes'])})",
                        "",
                        "(reported; inside the daily job's time)",
                        "",
                    ]
                )
        rows.append(
            [
                f"B2 full refresh, {large} days",
                f"{_s(l_side['full_refresh']['wall_s'])} ({_n(l_side['warehouse']['raw_rows'])} raw rows)",
                "",
                "(reported)",
                "",
            ]
        )
    if b3 := b.get("b3"):
        census = b3["census"]
        t = b3["targets"]
        peak = max(census.get("peak_rss_bytes", 0), census.get("sampled_peak_rss_bytes", 0))
        rows.append(
            ["B3 census peak RSS (crawler)", _mib(peak), "", t["peak_rss"]["target"], _verdict(t["peak_rss"])]
        )
        rows.append(
            [
                "B3 census throughput",
                f"{_n(census.get('models_per_second'))} models/s crawling, "
                f"{_n(census.get('models_per_s_overall'))} models/s overall; "
                f"{_n(census.get('list_requests'))} requests",
                "",
                t["complete"]["target"],
                _verdict(t["complete"]),
            ]
        )
        limited = b3["rate_limited"]
        rows.append(
            [
                "B3 census under rate limiting",
                f"{_n(limited.get('models'))} models, {limited['status_counts'].get('429', 0)} x 429, "
                f"{_s(limited.get('wall_s'))}",
                "",
                t["rate_limited"]["target"],
                _verdict(t["rate_limited"]),
            ]
        )
        rows.append(
            [
                "B3 simulated Hub alone",
                f"{b3['server']['pages_per_s']:.0f} pages/s vs crawler "
                f"{b3['crawler_without_latency']['models_per_s'] / 1000:.0f} pages/s without latency",
                "",
                t["server_not_bottleneck"]["target"],
                _verdict(t["server_not_bottleneck"]),
            ]
        )
    if b4 := b.get("b4"):
        t = b4["targets"]
        typed = b4["typed_bytes_per_model_day"]
        rows.append(
            [
                "B4 Parquet archive",
                f"{b4['archive_parquet']['bytes_per_row']} B/raw row",
                "",
                "(reported)",
                "",
            ]
        )
        raw = b4["duckdb_tables"]["raw.hub_model_snapshots"]
        rows.append(["B4 DuckDB raw (JSON)", f"{raw['bytes_per_row']} B/raw row", "", "(reported)", ""])
        rows.append(
            [
                "B4 DuckDB typed staging copy",
                f"{typed['typed_staging_copy']} B/model-day",
                "",
                t["typed_staging_copy"]["target"],
                _verdict(t["typed_staging_copy"]),
            ]
        )
        rows.append(
            [
                "B4 DuckDB intermediate history tables",
                f"{typed['intermediate_history_tables']} B/model-day",
                "",
                t["intermediate_history_tables"]["target"],
                _verdict(t["intermediate_history_tables"]),
            ]
        )
        rows.append(
            [
                "B4 warehouse growth",
                f"{b4['warehouse_growth']['bytes_per_raw_row']} B per raw row, all tables",
                "",
                "(reported)",
                "",
            ]
        )
    if b5 := b.get("b5"):
        t, builds = b5["targets"], b5["dbt_build"]
        worst_wall = max(m["wall_s"] for m in builds.values())
        worst_peak = max(m["peak_rss_bytes"] for m in builds.values())
        rows.append(
            [
                "B5 census models, dbt step (worst side)",
                _s(worst_wall),
                "",
                t["wall_s"]["target"],
                _verdict(t["wall_s"]),
            ]
        )
        rows.append(
            [
                "B5 census models, peak memory",
                _mib(worst_peak),
                "",
                t["peak_rss"]["target"],
                _verdict(t["peak_rss"]),
            ]
        )
        rows.append(
            [
                "B5 10 earlier census dates / 1",
                f"{_s(builds['earlier_10']['wall_s'])} / {_s(builds['earlier_1']['wall_s'])}",
                _x(b5["ratio_10_to_1"]),
                t["ratio"]["target"],
                _verdict(t["ratio"]),
            ]
        )
    return rows


def _b1_section(b1: dict) -> list[str]:
    study, ours, counts = b1["study"], b1["ours"], b1["listings"]
    study_requests = (
        f"{_n(study['requests'])} ({_n(study['list_requests'])} list + "
        f"{_n(study['model_info_requests'])} model info)"
    )
    study_wall = (
        f"{_s(study['wall_s_extrapolated'])} (**extrapolated**: {_n(study['list_requests'])} x "
        f"{study['per_list_request_s'] * 1000:.0f} ms + {_n(study['model_info_requests'])} x "
        f"{study['per_model_info_request_s'] * 1000:.0f} ms per request, measured on "
        f"{study['subset_models']} models: {_s(study['subset_wall_s'])})"
    )
    lines = [f"## B1, snapshot cost ({b1['scope']})", ""]
    lines += _table(
        ["", "ours", "study's method"],
        [
            ["method", ours["method"], study["method"]],
            ["requests", _n(ours["requests"]), study_requests],
            ["wall time", f"{_s(ours['wall_s'])} (median of {b1['repetitions']}, measured)", study_wall],
        ],
    )
    lines += [
        f"Listings: {counts['listings']} (top + tags), {_n(counts['models_listed'])} models listed, "
        f"{_n(counts['distinct_models'])} distinct. Our requests in the study's scope: "
        f"{_n(counts['our_requests_study_scope'])}, plus {_n(counts['our_requests_new_listing'])} for the "
        f"`new` listing. Fetching each listing's models separately, as the study's per-tag datasets did, "
        f"the baseline would send {_n(study['requests_if_each_listing_fetched_separately'])} requests.",
        "",
    ]
    return lines


def _b2_section(b2: dict) -> list[str]:
    small, large = b2["history_sizes"]
    lines = [f"## B2, daily cost with {large} vs {small} days of history (day {b2['day']})", ""]
    rows = []
    for n in (small, large):
        side = b2[f"history_{n}"]
        refresh_failed = "" if side["full_refresh"]["success"] else " (FAILED)"
        daily_failed = "" if side["daily_all_succeeded"] else " (a run FAILED)"
        serving = side.get("serving_copy", {})
        rows.append(
            [
                f"{n} days",
                _n(side["warehouse"]["raw_rows"]),
                _mib(side["warehouse"]["duckdb_bytes"]),
                f"{side['synthesis']['seconds']} s",
                f"{_s(side['full_refresh']['wall_s'])}{refresh_failed}",
                f"{_s(side['daily_wall_s'])}{daily_failed}",
                ", ".join(_s(run["wall_s"]) for run in side["daily_runs"]),
                _mib(serving.get("bytes")),
                _s(serving.get("publish_s_median")),
            ]
        )
    lines += _table(
        [
            "history",
            "raw rows",
            "DuckDB file",
            "synthesis",
            "full refresh",
            "daily job (median)",
            "runs",
            "serving copy",
            "its publication (median)",
        ],
        rows,
    )
    lines += ["Where the daily job's time goes (median per step) and what grows with history:", ""]
    lines += _table(
        ["step", f"{small} days", f"{large} days", "growth"],
        [
            [row["step"], _s(row[f"{small}_days_s"]), _s(row[f"{large}_days_s"]), f"{row['growth_s']:+.1f} s"]
            for row in b2["step_growth_s"]
        ],
    )
    if growth := b2.get("dbt_node_growth_s"):
        lines += [f"dbt nodes whose time grows most, last daily run with {small} vs {large} days:", ""]
        lines += _table(
            ["node", f"{small} days", f"{large} days", "growth"],
            [
                [row["node"], _s(row["small_s"]), _s(row["large_s"]), f"{row['growth_s']:+.1f} s"]
                for row in growth
            ],
        )
    for n in (small, large):
        lines += [f"Slowest dbt nodes of the last daily run with {n} days:", ""]
        lines += _table(
            ["node", "invocation", "status", "execution_time"],
            [
                [node["node"], node["invocation"], node["status"], _s(node["execution_time_s"])]
                for node in b2[f"history_{n}"]["daily_dbt_nodes"]
            ],
        )
    if profile := b2.get("profile"):
        lines += [
            f"cProfile of one more daily run with {large} days ({_s(profile['wall_s'])}, "
            "not in the medians), by cumulative time:",
            "",
        ]
        lines += _table(
            ["function", "calls", "own time", "cumulative"],
            [
                [row["function"], _n(row["calls"]), _s(row["tottime_s"]), _s(row["cumtime_s"])]
                for row in profile["by_cumulative"]
            ],
        )
    template = b2["template"]
    warm_up = ", ".join(
        f"{_s(run['wall_s'])} ({run['model_info_requests']} model-info requests)"
        for run in template["warm_up"]
    )
    assets = ", ".join(template["warm_up"][0]["assets"]) if template["warm_up"] else ""
    lines += [
        f"Template day D (zero-latency endpoint): snapshot {_s(template['snapshot']['wall_s'])}; "
        f"warm-up of the other Hub-facing assets ({assets}) until steady state: {warm_up}.",
        "",
    ]
    return lines


def _b3_section(b3: dict) -> list[str]:
    census, server, limited = b3["census"], b3["server"], b3["rate_limited"]
    requests = f"{_n(census.get('list_requests'))} / {_n(census.get('server_listing_requests'))}"
    crawl = f"{_s(census.get('crawl_seconds'))}, {_n(census.get('models_per_second'))} models/s"
    whole = f"{_s(census.get('wall_s'))}, load {_s(census.get('load_seconds'))}"
    rss = f"{_mib(census.get('peak_rss_bytes'))} / {_mib(census.get('sampled_peak_rss_bytes'))}"
    alone = (
        f"{server['pages_per_s']:.1f} pages/s ({server['server_work_per_page_ms']:.1f} ms per page in its "
        f"handler, JSON encoding apart; {server['bytes_per_page'] / 1e6:.2f} MB a page)"
    )
    lines = [f"## B3, census of {b3['world_models']:,} models", ""]
    if census.get("ran_beside"):
        lines += [
            f"The census crawled beside {census['ran_beside']}: its crawl figures below and those "
            "full refreshes were measured under each other's load. Every other B3 figure, and B2's "
            "daily runs, ran alone.",
            "",
        ]
    lines += _table(
        ["figure", "value"],
        [
            ["models / distinct", f"{_n(census.get('models'))} / {_n(census.get('unique_models'))}"],
            ["requests (client / server)", requests],
            ["crawl", crawl],
            ["whole asset (crawl, archive, DuckDB load)", whole],
            ["Parquet parts", _n(census.get("parts"))],
            ["crawler peak RSS (ru_maxrss / sampled)", rss],
            ["simulated Hub process peak RSS (apart)", _mib(b3["hub_process"]["peak_rss_bytes"])],
            ["simulated Hub alone, zero latency", alone],
            ["crawler alone, zero latency", f"{b3['crawler_without_latency']['models_per_s']:,.0f} models/s"],
        ],
    )
    lines += [
        "Read-ahead (pages fetched in a thread while the previous ones are stored), at the Hub's latency:",
        "",
    ]
    lines += _table(
        ["crawl", "models/s (median)", "crawl time"],
        [[name, _n(side["models_per_s"]), _s(side["crawl_s"])] for name, side in b3["read_ahead"].items()],
    )
    lines += [
        f"Rate limiting: {limited['quota']} requests per {limited['window_s']:g} s window; "
        f"{_n(limited.get('models'))} models ({limited['expected_pages']} pages) took "
        f"{_s(limited.get('wall_s'))}, statuses {limited['status_counts']}, "
        f"success {limited.get('success')}.",
        "",
    ]
    return lines


def _b4_section(b4: dict) -> list[str]:
    lines = ["## B4, storage", ""]
    rows = [["archive Parquet (zstd), day D", *(_n(v) for v in b4["archive_parquet"].values())]]
    rows += [
        [f"DuckDB `{name}`", *(_n(v) for v in figures.values())]
        for name, figures in b4["duckdb_tables"].items()
    ]
    lines += _table(["table", "rows", "bytes", "bytes/row"], rows)
    columns = sorted(b4["typed_copy_columns_bytes_per_row"].items(), key=lambda item: -(item[1] or 0))
    lines += ["Typed staging copy, bytes per row by column (each column stored alone):", ""]
    lines += _table(["column", "bytes/row"], [[name, value] for name, value in columns])
    growth = b4["warehouse_growth"]
    lines += [
        f"Warehouse growth: {growth['bytes_per_raw_row']} bytes per raw row, every table included "
        f"({_mib(growth['small']['used_bytes'])} used with {_n(growth['small']['raw_rows'])} raw rows, "
        f"{_mib(growth['large']['used_bytes'])} with {_n(growth['large']['raw_rows'])}; files "
        f"{_mib(growth['small']['file_bytes'])} and {_mib(growth['large']['file_bytes'])}).",
        "",
    ]
    return lines


def _b5_section(b5: dict) -> list[str]:
    lines = [f"## B5, the census models for one census of {b5['census_models']:,} models", ""]
    lines += [
        "dbt's build of the models tagged `census` (popularity_bias aside) for one new census date, "
        "synthetic raw rows (bench/b5_census_marts.py), with 1 and with 10 earlier census dates "
        "built in the warehouse.",
        "",
    ]
    rows = [
        [
            name,
            str(m["census_dates_in_warehouse"]),
            _s(m["wall_s"]),
            _mib(m["peak_rss_bytes"]),
            _mib(m["database_bytes"]),
            str(m["load_average"]),
        ]
        for name, m in b5["dbt_build"].items()
    ]
    lines += _table(["warehouse", "census dates", "dbt build", "peak RSS", "DuckDB file", "load"], rows)
    if run := b5.get("run"):
        lines += [f"Run apart: `{run['command']}`, {run['date_utc']}; {run['machine_shared']}.", ""]
    setup = b5["setup"]
    lines += [
        f"Set-up: the first census's build {_s(setup['first_census']['wall_s'])}, "
        f"replication {_s(setup['replicate_s'])}.",
        "",
    ]
    return lines


def write_markdown(results: dict, path: Path) -> None:
    b = results["benchmarks"]
    lines = ["# SLM Observatory benchmarks", "", *_machine(results), "## Summary", ""]
    lines += _table(["benchmark", "figure", "ratio", "target", "result"], _summary_rows(results))
    lines += _misses(results)
    sections = (
        ("b1", _b1_section),
        ("b2", _b2_section),
        ("b3", _b3_section),
        ("b4", _b4_section),
        ("b5", _b5_section),
    )
    for name, section in sections:
        if name in b:
            lines += section(b[name])
    if results["errors"]:
        lines += ["## Errors", ""]
        for name, error in results["errors"].items():
            lines += [f"### {name}", "", "```", error.strip(), "```", ""]
    lines += ["Full figures, every repetition and its load average: `results.json` beside this file.", ""]
    path.write_text("\n".join(lines))


# What to do next when a target is missed, written from the causes measured on this project so
# far; the causes themselves come from the run.
NEXT_STEPS = {
    "total": "what is left is fixed by the targets: B2's set-up (the 365-day synthesis and two "
    "full refreshes, ~7 min, with B3's census crawling beside it) and its four daily runs (~5 min). "
    "Next: parse each record's JSON once per full refresh (`int_hub_models` and "
    "`int_model_observations` each read every field of all history through the staging view)",
    "b1.request_ratio": "check the listings' page size (`SLM_OBS_PAGE_SIZE`, 1,000 models a request)",
    "b1.wall_ratio": "check the listings' page size and the per-request latency of the simulated Hub",
    "b2.ratio": "make the steps and dbt nodes that grow above read only the run's days: an "
    "incremental model (a window on snapshot_date, or delete+insert on its key), a data test's "
    '`where: "__in_run_window__(<date column>)"` (dbt_project/macros/data_test_window.sql), an '
    "asset's query restricted to the run's dates",
    "b2.wall_s": "first the history-dependent part above; then the fixed cost of the 30-day run: "
    "two dbt invocations, the data tests of every daily build, the figures (~20 s, matplotlib)",
    "b3.peak_rss": "lower `READ_AHEAD_PAGES` or `pages_per_part`, or DuckDB's `LOAD_MEMORY_LIMIT` in "
    "orchestration/defs/hub/census.py",
    "b3.complete": "see the census log (`bench/work.tmp/b3/census_child.log`)",
    "b3.rate_limited": "see the census log (`bench/work.tmp/b3/census_child.log`) and the statuses",
    "b3.server_not_bottleneck": "the simulated Hub limits the crawl: profile its listing handler",
    "b4.typed_staging_copy": "store the widest columns above in narrower types (dictionary-encoded "
    "enums, integer ids), or drop the columns no mart reads",
    "b4.intermediate_history_tables": "keep one row per model and change instead of per model and day",
    "b5.wall_s": "profile the census build (`dbt build -s tag:census`, target/run_results.json): the "
    "size chain's lineage levels and the family walk over every census model are the heavy nodes",
    "b5.peak_rss": "set a DuckDB memory_limit for the census build, or split int_census_model_sizes",
    "b5.ratio": "find the census node whose time grows with earlier dates (target/run_results.json of "
    "both sides): a scan without the census_date window, or a data test without "
    '`where: "__in_run_window__(census_date)"`',
}


def _b2_causes(b2: dict, target: str) -> list[str]:
    small, large = b2["history_sizes"]
    side = b2[f"history_{large}"]
    causes = []
    if target == "wall_s":
        steps = sorted(side["daily_steps_median_s"].items(), key=lambda item: -item[1])[:4]
        causes.append(
            f"with {large} days the daily job's largest steps are "
            + ", ".join(f"`{step}` {_s(seconds)}" for step, seconds in steps)
            + f"; dbt's nodes add up to {_s(side['daily_dbt_total_s'])} of it"
            f" (with {small} days: {_s(b2[f'history_{small}']['daily_dbt_total_s'])})"
        )
    growing = [row for row in b2["step_growth_s"] if row["growth_s"] >= 0.5][:4]
    if growing:
        causes.append(
            f"steps that grow from {small} to {large} days: "
            + ", ".join(f"`{row['step']}` {row['growth_s']:+.1f} s" for row in growing)
        )
    nodes = [row for row in b2.get("dbt_node_growth_s", []) if row["growth_s"] >= 0.3][:6]
    if nodes:
        causes.append(
            "dbt nodes that grow: "
            + ", ".join(
                f"`{row['node'].split('.')[2]}` {_s(row['small_s'])} -> {_s(row['large_s'])}" for row in nodes
            )
        )
    if profile := b2.get("profile"):
        own = [row for row in profile["by_own_time"][:4]]
        causes.append(
            "cProfile of the daily run's own process, most own time: "
            + ", ".join(f"`{row['function']}` {_s(row['tottime_s'])}" for row in own)
            + " (dbt and DuckDB work in their own threads and processes shows up as waits)"
        )
    return causes


def _b3_causes(b3: dict, target: str) -> list[str]:
    census = b3["census"]
    if target == "peak_rss":
        return [
            f"crawler peak RSS {_mib(census.get('peak_rss_bytes'))} (ru_maxrss), "
            f"{_mib(census.get('sampled_peak_rss_bytes'))} (sampled)"
        ]
    if target == "complete":
        return [f"{_n(census.get('models'))} models, {_n(census.get('unique_models'))} distinct, "
                f"of {_n(b3['world_models'])}; success {census.get('success')}"]  # fmt: skip
    if target == "rate_limited":
        limited = b3["rate_limited"]
        return [f"{_n(limited.get('models'))} models, statuses {limited.get('status_counts')}, "
                f"success {limited.get('success')}"]  # fmt: skip
    return [
        f"simulated Hub {b3['server']['pages_per_s']:.0f} pages/s, crawler "
        f"{b3['crawler_without_latency']['models_per_s'] / 1000:.0f} pages/s"
    ]


def _b4_causes(b4: dict, target: str) -> list[str]:
    if target == "typed_staging_copy":
        columns = sorted(b4["typed_copy_columns_bytes_per_row"].items(), key=lambda item: -(item[1] or 0))
        return ["widest columns: " + ", ".join(f"`{name}` {value} B" for name, value in columns[:5])]
    return [
        ", ".join(
            f"`{name}` {b4['duckdb_tables'][name]['bytes_per_row']} B/row"
            for name in b4["typed_bytes_per_model_day"]["history_tables"]
        )
    ]


def _misses(results: dict) -> list[str]:
    """Every missed target, with its measured cause (from this run) and the next step."""
    misses = []
    total = _total_target(results)
    if total and not total["pass"]:
        per_benchmark = ", ".join(
            f"{name.upper()} {_s(figures.get('benchmark_s'))}"
            for name, figures in results["benchmarks"].items()
        )
        misses.append(("total", f"`make bench` took {results['total_s'] / 60:.1f} min", [per_benchmark]))
    causes = {"b2": _b2_causes, "b3": _b3_causes, "b4": _b4_causes}
    for name, figures in results["benchmarks"].items():
        for target, verdict in figures.get("targets", {}).items():
            if verdict["pass"]:
                continue
            cause = causes[name](figures, target) if name in causes else []
            misses.append((f"{name}.{target}", f"{name.upper()} {target} ({verdict['target']})", cause))
    if not misses:
        return []
    lines = ["## Missed targets: measured cause and next step", ""]
    for key, title, cause in misses:
        lines.append(f"- **{title}**: MISS.")
        lines += [f"  - Measured: {line}." for line in cause]
        lines.append(f"  - Next step: {NEXT_STEPS.get(key, 'see the details below')}.")
    return [*lines, ""]
