"""How the suite's time splits between its xdist groups and its two workers, from a pytest log.

    ( time .venv/bin/pytest -n 2 --dist loadgroup --no-loadscope-reorder -v --durations=0 ) > suite.log 2>&1
    .venv/bin/python -m bench.suite_balance suite.log [--cores 2]

Prints each group's time (the sum of its tests' setup, call and teardown, as `--durations=0`
reports them) heaviest first, and each worker's: the figures behind GROUPS_HEAVIEST_FIRST in
tests/conftest.py, and a check that the workers end close together (the suite's wall time is the
busier worker's). A test's duration counts the time it waited for the CPU the other worker held.

When the log ends with the shell's `time` lines (real, user, sys), it also prints the CPU the
suite used and the shortest wall time that CPU allows on `--cores` cores: no schedule of the same
work ends sooner, so a wall-time target below it needs less work, not a better schedule.
"""

import argparse
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ONE_GROUP_PER_TEST

DURATION = re.compile(r"^([\d.]+)s (?:setup|call|teardown)\s+(\S+)", re.MULTILINE)
RESULT = re.compile(r"\[(gw\d+)\] \[\s*\d+%\] (?:PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) (\S+)")
# bash's `time`: "real\t18m6.632s", one line each for real, user and sys.
TIME_LINE = re.compile(r"^(real|user|sys)\s+(\d+)m([\d.]+)s\s*$", re.MULTILINE)


def folder_of(group: str) -> str:
    """The folder of a group that is one test of a folder split per test (`<folder>-<test>`)."""
    return next((folder for folder in ONE_GROUP_PER_TEST if group.startswith(f"{folder}-")), group)


def balance(log: str) -> tuple[dict[str, float], dict[str, float]]:
    """Seconds per group (a split folder's tests summed under the folder) and per worker."""
    worker_of = {node: worker for worker, node in RESULT.findall(log)}
    by_group: dict[str, float] = defaultdict(float)
    by_worker: dict[str, float] = defaultdict(float)
    for seconds, node in DURATION.findall(log):
        group = node.rpartition("@")[2] if "@" in node else "(no group)"
        by_group[folder_of(group)] += float(seconds)
        by_worker[worker_of.get(node, "(unknown)")] += float(seconds)
    return dict(by_group), dict(by_worker)


@dataclass(frozen=True)
class CpuTime:
    wall_s: float
    cpu_s: float  # user + sys, of the suite's every process

    def busy_cores(self) -> float:
        return self.cpu_s / self.wall_s

    def shortest_wall_s(self, cores: int) -> float:
        return self.cpu_s / cores


def cpu_time(log: str) -> CpuTime | None:
    """The suite's wall and CPU time from the shell's `time` lines, the last ones of the log."""
    seconds = {kind: int(minutes) * 60 + float(rest) for kind, minutes, rest in TIME_LINE.findall(log)}
    if seconds.keys() != {"real", "user", "sys"}:
        return None
    return CpuTime(wall_s=seconds["real"], cpu_s=seconds["user"] + seconds["sys"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path)
    parser.add_argument("--cores", type=int, default=2, help="the cores of the machine that ran it")
    args = parser.parse_args()
    log = args.log.read_text()
    by_group, by_worker = balance(log)
    if not by_group:
        raise SystemExit("no durations in the log: run pytest with --durations=0 (and -v for workers)")
    print("| group | seconds |\n| --- | --- |")
    for group, seconds in sorted(by_group.items(), key=lambda item: -item[1]):
        print(f"| {group} | {seconds:.0f} |")
    print(f"| all | {sum(by_group.values()):.0f} |\n")
    print("| worker | seconds |\n| --- | --- |")
    for worker, seconds in sorted(by_worker.items()):
        print(f"| {worker} | {seconds:.0f} |")
    spent = cpu_time(log)
    if spent is None:
        print("\n(no `time` lines in the log: run the suite under the shell's `time` for its CPU)")
        return
    print("\n| wall | CPU (user + sys) | cores busy on average | shortest wall on", args.cores, "cores |")
    print("| --- | --- | --- | --- |")
    print(
        f"| {spent.wall_s:.0f} s | {spent.cpu_s:.0f} s | {spent.busy_cores():.2f} "
        f"| {spent.shortest_wall_s(args.cores):.0f} s |"
    )


if __name__ == "__main__":
    main()
