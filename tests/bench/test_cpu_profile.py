"""bench.cpu_profile: py-spy's raw profile of the suite's processes, read and classified."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.cpu_profile import (
    DBT,
    OTHER_ACTIVITY,
    OTHER_PROCESSES,
    PIPELINE,
    breakdown,
    process_command,
    samples,
)

PY_SPY = Path(sys.executable).parent / "py-spy"

DBT_PROCESS = 'process 1:"/venv/bin/python /venv/bin/dbt build --selector daily_marts"'
WORKER_PROCESS = 'process 2:"/venv/bin/python -u -c import sys;exec(eval(sys.stdin.readline()))"'
MULTI_LINE_PROCESS = 'process 3:"/venv/bin/python -c import sys\nn = 10\nprint(sys.argv[:n])\n"'
NODE = "Thread.run (threading.py:982);GraphRunnableTask.call_runner (dbt/task/runnable.py:254)"
# py-spy's raw format, one sample per line: frames joined by ";", then the count; a `python -c`
# command line keeps its newlines. Written by hand after a real profile of the suite.
HAND_WRITTEN = "".join(
    f"{';'.join(frames)} {count}\n"
    for frames, count in [
        ((DBT_PROCESS, NODE, "TestRunner.execute (dbt/task/test.py:170)"), 3),
        ((DBT_PROCESS, NODE, "ModelRunner.execute (dbt/task/run.py:337)"), 2),
        ((DBT_PROCESS, "<module> (dbt:8)", "_find_and_load (<frozen importlib._bootstrap>:1176)"), 1),
        (
            (
                WORKER_PROCESS,
                "JobDefinition.execute_in_process (dagster/_core/definitions/job_definition.py:700)",
                "SqliteEventLogStorage.store_event (dagster/_core/storage/event_log/sqlite/x.py:270)",
            ),
            4,
        ),
        (
            (
                WORKER_PROCESS,
                "JobDefinition.execute_in_process (dagster/_core/definitions/job_definition.py:700)",
                "DagsterEvent.asset_check_evaluation (dagster/_core/events/__init__.py:1200)",
                "SqliteEventLogStorage.store_event (dagster/_core/storage/event_log/sqlite/x.py:270)",
            ),
            5,
        ),
        (
            (
                WORKER_PROCESS,
                "RunMethods.create_run_for_job (dagster/_core/instance/runs/run_domain.py:90)",
                "SqliteEventLogStorage.store_event (dagster/_core/storage/event_log/sqlite/x.py:270)",
            ),
            6,
        ),
        ((MULTI_LINE_PROCESS, "<module> (<string>:2)"), 2),
    ]
)


def test_the_hand_written_profile_splits_as_counted_by_hand():
    assert breakdown(HAND_WRITTEN) == {
        (DBT, "a data test node"): 3,
        (DBT, "a model node"): 2,
        (DBT, "importing modules"): 1,
        (PIPELINE, "Dagster storing another event"): 4,
        (PIPELINE, "Dagster storing an asset check's result"): 5,
        (PIPELINE, "Dagster creating a run (storing its planned events)"): 6,
        (OTHER_PROCESSES, OTHER_ACTIVITY): 2,
    }
    last_stack, _ = list(samples(HAND_WRITTEN))[-1]
    assert process_command(last_stack) == "/venv/bin/python -c import sys\nn = 10\nprint(sys.argv[:n])\n"


def test_a_truncated_profile_is_refused():
    truncated = HAND_WRITTEN.rsplit("print", 1)[0]  # cut inside the multi-line command
    with pytest.raises(ValueError, match="truncated"):
        list(samples(truncated))


# A child whose command line holds newlines, burning CPU in a function of its own.
CHILD = (
    "import time\n"
    "def burn_for_the_profile():\n"
    "    end = time.time() + 2\n"  # a line ending in a number, like a sample count
    "    while time.time() < end:\n"
    "        pass\n"
    "burn_for_the_profile()\n"
)
PARENT = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {CHILD!r}], check=True)"


def test_a_real_py_spy_profile_of_a_process_tree_is_read_whole(tmp_path):
    out = tmp_path / "profile.raw"
    recorded = subprocess.run(
        [
            str(PY_SPY),
            "record",
            "--subprocesses",
            "--rate",
            "50",
            "--format",
            "raw",
            "-o",
            str(out),
            "--",
            sys.executable,
            "-c",
            PARENT,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    # py-spy reports how many samples it wrote: every one of them is read, none made up.
    (written,) = re.findall(r"Samples: (\d+)", recorded.stdout + recorded.stderr)
    read = list(samples(out.read_text(errors="replace")))
    assert sum(count for _, count in read) == int(written)
    # The child's 2 s of burning: sampled in the child, whose command line comes back whole. (The
    # function's frame, not its name: the parent's command line holds the name too.)
    burning = [(stack, count) for stack, count in read if ";burn_for_the_profile (<string>:" in stack]
    assert sum(count for _, count in burning) >= 50  # 50 a second for 2 s, half of it at least
    assert {process_command(stack) for stack, _ in burning} == {f"{sys.executable} -c {CHILD}"}
