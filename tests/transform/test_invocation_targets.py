"""The dbt invocations' target folders are kept for a month per op, never one in use
(orchestration/defs/transform/invocation_targets.py), over real folders on disk.

The names are dagster-dbt's: `<op>-<run id's first 7>-<uuid4's first 7>`
(`DbtCliResource._get_unique_target_path`), which ours follow so that both can live side by side.
"""

import json
import os
import pwd
import re
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

from orchestration.defs.transform.invocation_targets import (
    GRACE_S,
    invocation_folder_name,
    invocation_folders,
    prune_invocation_targets,
)

NOW = 2_000_000_000.0  # a fixed clock: 2033-05-18
DAY_S = 86_400
NOBODY = pwd.getpwnam("nobody").pw_uid if os.geteuid() == 0 else None


def folder(root, name, age_days: float):
    path = root / name
    path.mkdir()
    (path / "run_results.json").write_text("{}")
    os.utime(path, (NOW - age_days * DAY_S, NOW - age_days * DAY_S))
    return path


def names(n: int, op: str) -> list[str]:
    return [f"{op}-{i:07x}-{uuid.uuid4().hex[:7]}" for i in range(n)]


def test_the_name_is_dagster_dbts():
    run_id = str(uuid.uuid4())
    name = invocation_folder_name("dbt_daily_models", run_id)
    assert re.fullmatch(rf"dbt_daily_models-{run_id[:7]}-[0-9a-f]{{7}}", name)


def test_an_op_keeps_its_newest_folders_and_nothing_else_is_touched(tmp_path):
    # 35 folders of one op, 2 to 36 days old: the 5 oldest go
    ours = [folder(tmp_path, name, age_days=2 + i) for i, name in enumerate(names(35, "dbt_daily_models"))]
    other_op = [folder(tmp_path, name, age_days=100) for name in names(3, "dbt_models")]
    lookalike = folder(tmp_path, "dbt_daily_models-by-hand", age_days=100)
    a_file = tmp_path / "dbt_daily_models-0000000-0000000"
    a_file.write_text("not a folder")
    os.utime(a_file, (NOW - 100 * DAY_S, NOW - 100 * DAY_S))
    (tmp_path / "manifest.json").write_text("{}")
    (tmp_path / "partial_parse.msgpack").write_bytes(b"\x00")

    removed = prune_invocation_targets(tmp_path, "dbt_daily_models", keep=30, now=NOW)

    assert sorted(removed) == sorted(ours[30:])
    assert [path.exists() for path in ours] == [True] * 30 + [False] * 5
    assert all(path.exists() for path in [*other_op, lookalike, a_file])
    assert (tmp_path / "manifest.json").exists() and (tmp_path / "partial_parse.msgpack").exists()


def test_a_folder_changed_within_the_grace_stays_whatever_its_rank(tmp_path):
    # 33 folders a second apart, the oldest just inside the grace: none goes
    inside = (GRACE_S - 60) / DAY_S
    recent = [folder(tmp_path, name, age_days=inside - i / DAY_S) for i, name in enumerate(names(33, "op"))]
    assert prune_invocation_targets(tmp_path, "op", keep=30, now=NOW) == []
    assert all(path.exists() for path in recent)
    # three of them aged to a minute past the grace: now the oldest, beyond the newest 30, they go
    for path in recent[30:]:
        os.utime(path, (NOW - GRACE_S - 60, NOW - GRACE_S - 60))
    assert sorted(prune_invocation_targets(tmp_path, "op", keep=30, now=NOW)) == sorted(recent[30:])


def test_one_runs_folders_are_found_by_its_id_among_other_runs_and_ops(tmp_path):
    run_id, other_run = "3f9a2c1e-0000-4000-8000-000000000000", "3f9a2c2e-0000-4000-8000-000000000000"
    ours = folder(tmp_path, invocation_folder_name("dbt_models", run_id), age_days=1)
    folder(tmp_path, invocation_folder_name("dbt_models", other_run), age_days=1)
    folder(tmp_path, invocation_folder_name("dbt_daily_models", run_id), age_days=1)
    folder(tmp_path, f"dbt_models-{run_id[:7]}-by-hand", age_days=1)
    assert invocation_folders(tmp_path, "dbt_models", run_id) == [ours]
    assert len(invocation_folders(tmp_path, "dbt_models")) == 2


def test_an_op_whose_name_prefixes_another_ops_leaves_it_alone(tmp_path):
    longer = [folder(tmp_path, name, age_days=10) for name in names(4, "dbt_models_extra")]
    assert prune_invocation_targets(tmp_path, "dbt_models", keep=0, now=NOW) == []
    assert all(path.exists() for path in longer)


@pytest.mark.parametrize("missing", [True, False])
def test_an_absent_or_empty_root_removes_nothing(tmp_path, missing):
    root = tmp_path / "target"
    if not missing:
        root.mkdir()
    assert prune_invocation_targets(root, "dbt_models", now=NOW) == []


def _in_child(function, *, as_user: int | None = None) -> dict:
    """`function()`'s result, or the OSError it raised, from a forked process (as uid `as_user`)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report and exit, never return into pytest
        status = 1
        try:
            os.close(read)
            if as_user is not None:
                os.setgroups([])
                os.setgid(as_user)
                os.setuid(as_user)
            try:
                outcome = {"removed": sorted(path.name for path in function())}
            except OSError as error:
                outcome = {"error": str(error)}
            os.write(write, json.dumps(outcome).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    with os.fdopen(read) as pipe:
        text = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, text
    return json.loads(text)


@pytest.fixture
def open_dir():
    """A folder other users may enter (pytest's base folders are private to their owner), so that a
    pruner running as another user reaches what it must remove."""
    path = Path(tempfile.mkdtemp(prefix="slm-obs-prune-"))
    path.chmod(0o755)  # read and enter only: the other user writes in its own folders
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def test_a_folder_that_cannot_be_removed_is_named_after_the_others_are_removed(open_dir):
    """A real permission error: the folder's file belongs to another user than the pruning process
    (root prunes as `nobody`, since root may remove anything), or, for another user, its folder is
    read-only."""
    root = open_dir / "target"
    root.mkdir()
    old = [folder(root, name, age_days=40) for name in names(4, "dbt_models")]
    blocked = old[1]
    if NOBODY is not None:
        for path in [
            root,
            *(p for p in old if p != blocked),
            *(p / "run_results.json" for p in old if p != blocked),
        ]:
            os.chown(path, NOBODY, NOBODY)
    else:
        blocked.chmod(0o555)  # no write: its entries cannot be removed, even by their owner
    try:
        outcome = _in_child(
            lambda: prune_invocation_targets(root, "dbt_models", keep=0, now=NOW), as_user=NOBODY
        )
    finally:
        blocked.chmod(0o755)  # writable again, so that the fixture removes it
    assert "1 old dbt target folders could not be removed" in outcome["error"], outcome
    assert blocked.name in outcome["error"]
    assert [path.exists() for path in old] == [path == blocked for path in old]


def test_two_processes_pruning_the_same_folders_at_once_both_succeed(tmp_path):
    """Another pruner (a backfill's step, a second warehouse sharing the target folder) removes
    some of the same folders, or their files, while this one walks them."""
    root = tmp_path / "target"
    root.mkdir()
    for name in names(150, "dbt_models"):
        path = folder(root, name, age_days=40)
        for i in range(40):
            (path / f"compiled_{i}.sql").write_text("select 1")
        os.utime(path, (NOW - 40 * DAY_S, NOW - 40 * DAY_S))
    pids = []
    for _ in range(2):
        pid = os.fork()
        if pid == 0:  # the child: exit with what happened, never return into pytest
            code = 2
            try:
                prune_invocation_targets(root, "dbt_models", keep=0, now=NOW)
                code = 0
            except OSError as error:
                print(f"pruner {os.getpid()}: {error}", flush=True)
                code = 1
            finally:
                os._exit(code)
        pids.append(pid)
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
    assert codes == [0, 0]
    assert list(root.iterdir()) == []
