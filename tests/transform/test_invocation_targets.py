"""The dbt invocations' target folders are kept for a month per op, never one in use
(orchestration/defs/transform/invocation_targets.py), over real folders on disk.

The names are dagster-dbt's: `<op>-<run id's first 7>-<uuid4's first 7>`
(`DbtCliResource._get_unique_target_path`), which ours follow so that both can live side by side.
"""

import os
import re
import uuid

import pytest

from orchestration.defs.transform.invocation_targets import (
    GRACE_S,
    invocation_folder_name,
    prune_invocation_targets,
)

NOW = 2_000_000_000.0  # a fixed clock: 2033-05-18
DAY_S = 86_400


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
