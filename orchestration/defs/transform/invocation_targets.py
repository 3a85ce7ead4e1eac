"""Where each dbt invocation of the assets keeps its artifacts, and for how long.

Every dbt command the assets run gets a target folder of its own, named as dagster-dbt names them
(`<op>-<run id>-<random>`): dbt's manifest, run_results.json, the compiled SQL, the parse state and
dbt's debug log, megabytes each. Nothing else ever removes them, so a pipeline left on for years
would fill its disk (two or three folders a day). What a person reads after a failed run is the
latest few, so a new invocation removes its op's older folders beyond the newest `KEPT_PER_OP`,
never one changed in the last `GRACE_S` seconds: another process sharing the folder (the UI's runs, a
backfill, a second warehouse) may be writing or reading it right now.
"""

import os
import re
import shutil
import time
import uuid
from pathlib import Path

import dagster as dg

from orchestration.defs.transform.project import dbt_project

KEPT_PER_OP = 30  # a month of daily runs' artifacts per dbt asset
GRACE_S = 24 * 3600


def target_root() -> Path:
    """The folder holding the invocations' folders: $DBT_TARGET_PATH, else the project's target/."""
    base = Path(os.environ.get("DBT_TARGET_PATH", "target"))
    return base if base.is_absolute() else dbt_project.project_dir / base


def invocation_folder_name(op_name: str, run_id: str) -> str:
    return f"{op_name}-{run_id[:7]}-{uuid.uuid4().hex[:7]}"


def invocation_folders(root: Path, op_name: str, run_id: str | None = None) -> list[Path]:
    """The folders under `root` named as `invocation_folder_name` names `op_name`'s (one run's when
    `run_id` is given); a lookalike name, a file or a symlink is none of them."""
    run = re.escape(run_id[:7]) if run_id else "[0-9a-f]{7}"
    pattern = re.compile(rf"{re.escape(op_name)}-{run}-[0-9a-f]{{7}}")
    return [
        path
        for path in root.glob(f"{op_name}-*")
        if pattern.fullmatch(path.name) and path.is_dir() and not path.is_symlink()
    ]


def invocation_target_path(context: dg.AssetExecutionContext) -> Path:
    """A new target folder for this invocation (not created yet)."""
    return target_root() / invocation_folder_name(context.op_execution_context.op.name, context.run.run_id)


def prune_invocation_targets(
    root: Path, op_name: str, *, keep: int = KEPT_PER_OP, now: float | None = None
) -> list[Path]:
    """Remove `op_name`'s invocation folders under `root` beyond the newest `keep`, except those
    changed within GRACE_S of `now`; returns what was removed. Only folders named as
    `invocation_folder_name` names them are touched: the project's own manifest, parse state and
    other ops' folders stay. Raises OSError naming the folders it could not remove, after trying
    every one: a folder left silently would be left forever."""
    now = time.time() if now is None else now
    folders = []
    for path in invocation_folders(root, op_name):
        try:
            folders.append((path.stat().st_mtime, path))
        except FileNotFoundError:  # removed meanwhile by another process pruning
            continue
    folders.sort(reverse=True)
    removed, failed = [], []
    for changed_at, path in folders[keep:]:
        if now - changed_at < GRACE_S:
            continue
        try:
            shutil.rmtree(path, onerror=_unless_already_gone)
        except OSError as error:
            failed.append(f"{path.name} ({error})")
            continue
        removed.append(path)
    if failed:
        raise OSError(f"{len(failed)} old dbt target folders could not be removed: {'; '.join(failed[:3])}")
    return removed


def _unless_already_gone(function, path, exc_info) -> None:
    """shutil.rmtree's error handler: another process pruning the same folder is no error."""
    if not issubclass(exc_info[0], FileNotFoundError):
        raise exc_info[1]
