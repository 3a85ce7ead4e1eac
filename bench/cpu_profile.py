"""Where the suite's CPU goes, by process and by activity, from a py-spy profile of every process.

    .venv/bin/py-spy record --subprocesses --rate 10 --format raw -o suite.raw -- \\
        .venv/bin/pytest -n 2 --dist loadgroup --no-loadscope-reorder -q
    .venv/bin/python -m bench.cpu_profile suite.raw

py-spy samples every running Python thread of the suite's process tree (dbt's processes, the run
workers, the UI) ten times a second. Each sample is classified by the process it was taken in
(its innermost `process <pid>:"<command>"` frame) and by what the thread was doing (the first rule
of `ACTIVITIES` whose marker is in the stack). A thread waiting for the GIL or for a disk write
counts as running: the shares are of samples, not of CPU seconds, and they say where to cut, not
how many seconds a cut saves (`bench.daily_run_profile` and a timed suite say that).

The suite's wall time is bounded by its CPU (`bench.suite_balance` prints that bound): this is the
breakdown behind it.
"""

import argparse
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

PROCESS_FRAME = re.compile(r'process \d+:"(.*?)"(?:;|$)', re.DOTALL)
SAMPLE_COUNT = re.compile(r" (\d+)$")

# The process kinds, by their command line: the first whose marker is in it.
DBT = "dbt"
PIPELINE = "pipeline runs (test workers, job processes)"
PROCESS_KINDS = (
    (DBT, "/bin/dbt "),
    # A pipeline test runs the job in its xdist worker (execnet starts it with this command)
    # or in a job process of tests/reliability.
    (PIPELINE, "exec(eval(sys.stdin.readline()))"),
    (PIPELINE, "tests.reliability.job_process"),
    ("dbt's SQL linter", "sqlfluff"),
    ("Dagster UI, daemon and code servers", "dagster_webserver"),
    ("Dagster UI, daemon and code servers", "dagster-webserver"),
    ("Dagster UI, daemon and code servers", "dagster-daemon"),
    ("Dagster UI, daemon and code servers", "dagster api grpc"),
    ("Dagster UI, daemon and code servers", "dagster code-server"),
    ("make rebuild", "orchestration.rebuild"),
)
OTHER_PROCESSES = "other processes"

STORE = ".store_event "  # an event log storage's store_event frame

# What a thread was doing, per process kind: the first rule whose markers are all in the stack.
ACTIVITIES = {
    DBT: (
        ("a data test node", "TestRunner."),
        ("a model node", "ModelRunner."),
        ("a seed node", "SeedRunner."),
        ("a node, outside its runner (scheduling, compiling)", "call_runner"),
        ("importing modules", "_find_and_load"),
        ("writing manifest.json", "write_manifest"),
        ("parsing the project or loading its parse", "parse_manifest"),
        ("parsing the project or loading its parse", "ManifestLoader"),
    ),
    PIPELINE: (
        # Each dbt data test is an asset check: Dagster stores its planned evaluation when it
        # creates the run, then its result (and the step output carrying it) as dbt reports it.
        ("Dagster creating a run (storing its planned events)", ("create_run_for_job", STORE)),
        ("Dagster storing an asset check's result", ("DagsterEvent.asset_check_evaluation", STORE)),
        ("Dagster storing another event", STORE),
        ("drawing figures (matplotlib)", "matplotlib"),
        ("dagster-dbt reading dbt's events", "dagster_dbt"),
        # Includes polling for a slot of the "warehouse" pool while another run holds it.
        ("Dagster choosing the next step (pool slots included)", "ActiveExecution."),
        ("the simulated Hub", "simulated_hub"),
        ("importing modules", "_find_and_load"),
    ),
}
OTHER_ACTIVITY = "other"


def samples(raw: str) -> Iterator[tuple[str, int]]:
    """(stack, count) of each line of py-spy's raw format; a process's command line may hold
    newlines, so a sample runs on until its process frames' quotes close and its count ends it."""
    pending = ""
    for line in raw.splitlines(keepends=True):
        pending += line
        stack = pending.rstrip("\n")
        match = SAMPLE_COUNT.search(stack)
        if match and stack.count('"') % 2 == 0:
            yield stack[: match.start()], int(match.group(1))
            pending = ""
    if pending.strip():
        raise ValueError(f"a truncated sample at the end of the profile: {pending[:200]!r}")


def process_command(stack: str) -> str:
    """The command line of the process a sample was taken in (the innermost process frame)."""
    commands = PROCESS_FRAME.findall(stack)
    return commands[-1] if commands else ""


def _all_in(markers: str | tuple[str, ...], stack: str) -> bool:
    return all(marker in stack for marker in ((markers,) if isinstance(markers, str) else markers))


def classify(stack: str) -> tuple[str, str]:
    """(process kind, activity) of one sample."""
    command = process_command(stack)
    kind = next((name for name, marker in PROCESS_KINDS if marker in command), OTHER_PROCESSES)
    rules = ACTIVITIES.get(kind, ())
    activity = next((name for name, markers in rules if _all_in(markers, stack)), OTHER_ACTIVITY)
    return kind, activity


def breakdown(raw: str) -> Counter:
    """Samples per (process kind, activity)."""
    counts: Counter = Counter()
    for stack, count in samples(raw):
        counts[classify(stack)] += count
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path, help="py-spy's output, `--format raw`")
    counts = breakdown(parser.parse_args().profile.read_text(errors="replace"))
    total = sum(counts.values())
    if not total:
        raise SystemExit("no samples in the profile")
    by_kind: Counter = Counter()
    for (kind, _), count in counts.items():
        by_kind[kind] += count
    print(f"{total} samples\n\n| process | activity | samples | share |\n| --- | --- | --- | --- |")
    for kind, kind_count in by_kind.most_common():
        print(f"| **{kind}** | (all) | {kind_count} | {100 * kind_count / total:.1f} % |")
        activities = sorted(((a, c) for (k, a), c in counts.items() if k == kind), key=lambda item: -item[1])
        for activity, count in activities:
            print(f"| | {activity} | {count} | {100 * count / total:.1f} % |")


if __name__ == "__main__":
    main()
