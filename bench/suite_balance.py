"""How the suite's time splits between its xdist groups and its two workers, from a pytest log.

    .venv/bin/pytest -n 2 --dist loadgroup --no-loadscope-reorder -v --durations=0 > suite.log
    .venv/bin/python -m bench.suite_balance suite.log

Prints each group's time (the sum of its tests' setup, call and teardown, as `--durations=0`
reports them) heaviest first, and each worker's: the figures behind GROUPS_HEAVIEST_FIRST in
tests/conftest.py, and a check that the workers end close together (the suite's wall time is the
busier worker's). A test's duration counts the time it waited for the CPU the other worker held.
"""

import argparse
import re
from collections import defaultdict
from pathlib import Path

from tests.conftest import ONE_GROUP_PER_TEST

DURATION = re.compile(r"^([\d.]+)s (?:setup|call|teardown)\s+(\S+)", re.MULTILINE)
RESULT = re.compile(r"\[(gw\d+)\] \[\s*\d+%\] (?:PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) (\S+)")


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path)
    by_group, by_worker = balance(parser.parse_args().log.read_text())
    if not by_group:
        raise SystemExit("no durations in the log: run pytest with --durations=0 (and -v for workers)")
    print("| group | seconds |\n| --- | --- |")
    for group, seconds in sorted(by_group.items(), key=lambda item: -item[1]):
        print(f"| {group} | {seconds:.0f} |")
    print(f"| all | {sum(by_group.values()):.0f} |\n")
    print("| worker | seconds |\n| --- | --- |")
    for worker, seconds in sorted(by_worker.items()):
        print(f"| {worker} | {seconds:.0f} |")


if __name__ == "__main__":
    main()
