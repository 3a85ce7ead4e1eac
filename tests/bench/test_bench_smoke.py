"""The benchmark harness end to end at its tiny size: results.json and results.md are written
with every figure the report promises. No timing is asserted: targets live in the benchmark."""

import json
import subprocess
import sys

from tests.conftest import REPO_ROOT


def test_the_tiny_benchmark_writes_its_json_and_markdown(tmp_path):
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--tiny",
            "--out-dir",
            str(tmp_path),
            "--work-dir",
            str(tmp_path / "work"),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]

    results = json.loads((tmp_path / "results.json").read_text())
    assert results["errors"] == {}
    machine = results["machine"]
    for key in ("cores", "memory_bytes", "cpu_model", "python", "date_utc", "load_average_at_start"):
        assert machine[key], key
    assert {"duckdb", "dagster", "huggingface_hub"} <= set(machine["versions"])
    assert len(machine["load_average_at_end"]) == 3

    b1 = results["benchmarks"]["b1"]
    assert b1["ours"]["requests"] > 0 and b1["ours"]["wall_s"] > 0
    assert b1["study"]["requests"] > b1["ours"]["requests"]
    assert b1["study"]["wall_s_extrapolated"] > 0
    assert {"request_ratio", "wall_ratio"} <= set(b1)
    assert {"request_ratio", "wall_ratio"} == set(b1["targets"])
    assert all(isinstance(target["pass"], bool) for target in b1["targets"].values())
    assert all("load_average" in sample for sample in b1["ours"]["samples"] + b1["study"]["samples"])

    b3 = results["benchmarks"]["b3"]
    census = b3["census"]
    assert census["success"] and census["complete"]
    assert census["models"] == census["unique_models"] == results["config"]["world_models"]
    assert census["peak_rss_bytes"] > 0 and census["sampled_peak_rss_bytes"] > 0
    assert census["list_requests"] == census["server_listing_requests"]
    assert b3["server"]["pages_per_s"] > 0
    assert set(b3["read_ahead"]) == {"read_ahead_4", "read_ahead_0"}
    assert (
        b3["rate_limited"]["success"]
        and b3["rate_limited"]["models"] == results["config"]["b3_rate_limited_models"]
    )
    assert b3["rate_limited"]["status_counts"].get("429", 0) > 0, "the tiny quota must be hit"
    assert {"peak_rss", "complete", "rate_limited", "server_not_bottleneck"} == set(b3["targets"])

    markdown = (tmp_path / "results.md").read_text()
    for heading in ("# SLM Observatory benchmarks", "## Summary", "## B1, snapshot cost", "## B3, census"):
        assert heading in markdown
    for figure in (
        "B1 requests",
        "B1 wall time",
        "B3 census peak RSS",
        "B3 census under rate limiting",
        "extrapolated",
    ):
        assert figure in markdown
    assert "Load average" in markdown and "cores" in markdown

    # a missed target gets its own section: measured cause and next step, never a silent pass
    results["benchmarks"]["b3"]["targets"]["peak_rss"]["pass"] = False
    (tmp_path / "results.json").write_text(json.dumps(results))
    subprocess.run(
        [sys.executable, "-m", "bench", "--markdown-only", "--out-dir", str(tmp_path)],
        cwd=REPO_ROOT,
        check=True,
        timeout=120,
    )
    markdown = (tmp_path / "results.md").read_text()
    assert "## Missed targets: measured cause and next step" in markdown
    assert "B3 peak_rss (< 1 GiB)**: MISS" in markdown and "Next step:" in markdown
