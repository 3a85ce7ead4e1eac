"""What the benchmarks ran on: cores, memory, CPU model, versions, load; process memory."""

import os
import platform
import sys
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path


def _meminfo_total_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict:
    return {
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "memory_bytes": _meminfo_total_bytes(),
        "cpu_model": _cpu_model(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "versions": {
            name: version(name)
            for name in ("duckdb", "dagster", "dagster-dbt", "dbt-core", "dbt-duckdb", "huggingface_hub")
        },
        "load_average_at_start": list(os.getloadavg()),
    }


def process_memory(pid: int) -> dict:
    """Current and peak resident memory of a process, in bytes (Linux /proc; empty elsewhere)."""
    fields = {"VmRSS": "rss_bytes", "VmHWM": "peak_rss_bytes"}
    memory = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key = line.split(":", 1)[0]
            if key in fields:
                memory[fields[key]] = int(line.split()[1]) * 1024
    except OSError:
        pass
    return memory


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]
