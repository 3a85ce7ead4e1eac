"""The "warehouse" pool's one slot goes to one step at a time across processes (orchestration/pool_slots.py).

Real processes race on one real DAGSTER_HOME written by `prepare_dagster_home` (sqlite storage, as
`make dev` and the demo use). The same race on PostgreSQL storage, deploy/dagster.yaml as shipped,
is in tests/deploy/test_postgres_instance.py.
"""

import subprocess
import sys
import warnings

import pytest
from dagster._core.storage.event_log.sql_event_log import SqlEventLogStorage

from orchestration import pool_slots
from orchestration.instance import prepare_dagster_home
from tests.conftest import REPO_ROOT
from tests.reliability.pool_slot_race import race_for_the_slot

STEPS = 4
ROUNDS = 5


def test_loading_the_code_location_puts_the_projects_claim_in_place_of_dagsters():
    """In a new process, as a run worker loads the code location; Dagster's claim before it."""
    probe = (
        "from dagster._core.storage.event_log.sql_event_log import SqlEventLogStorage as S\n"
        "before = S._claim_concurrency_slot.__module__\n"
        "from orchestration.definitions import defs\n"
        "defs()\n"
        "print(before, S._claim_concurrency_slot.__module__)\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    assert loaded.stdout.split() == [SqlEventLogStorage.__module__, pool_slots.__name__]
    # Written against this Dagster's claim: an upgrade that changes it fails here, to be reviewed.
    assert pool_slots.dagster_claim_sha256() == pool_slots.DAGSTER_CLAIM_SHA256


def test_a_changed_dagster_claim_is_left_in_place_with_a_warning(monkeypatch):
    monkeypatch.setattr(SqlEventLogStorage, "_claim_concurrency_slot", pool_slots.DAGSTER_CLAIM)
    monkeypatch.setattr(pool_slots, "DAGSTER_CLAIM_SHA256", "0" * 64)
    with pytest.warns(UserWarning, match="may go to two steps at once"):
        assert pool_slots.claim_slots_strictly() is False
    assert SqlEventLogStorage._claim_concurrency_slot is pool_slots.DAGSTER_CLAIM
    monkeypatch.undo()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert pool_slots.claim_slots_strictly() is True


def test_steps_of_four_runs_racing_for_the_slot_hold_it_one_at_a_time_and_each_gets_it(tmp_path):
    home = str(prepare_dagster_home(tmp_path / "dagster_home"))
    race_for_the_slot(home, {}, STEPS, ROUNDS).assert_one_holder_at_a_time_and_each_step_served(STEPS)
