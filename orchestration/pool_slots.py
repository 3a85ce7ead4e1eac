"""A pool's slot goes to one step at a time, on sqlite and on PostgreSQL storage alike.

Every step that opens the DuckDB file is in the pool "warehouse", of one slot: DuckDB admits one
writing process. Dagster hands out a slot in `SqlEventLogStorage._claim_concurrency_slot`
(`dagster/_core/storage/event_log/sql_event_log.py`): it reads a free slot `FOR UPDATE SKIP LOCKED`,
then updates that slot's row by its id alone. The row lock never holds between the two statements:
SQLite has no row locks and drops the clause, and Dagster's PostgreSQL storage commits each statement
of its index connection. Two processes that read the same free slot then both take it, and two
steps of two runs hold the warehouse at once. `tests/reliability/pool_slot_race.py` races processes
for the slot; with Dagster's method in place (`dagster_claim=True`) it shows the double claims, on
sqlite and on PostgreSQL storage.

The claim below is Dagster's, with the update made conditional on the slot being still free: of two
processes that read the same free slot, the second updates no row and is told BLOCKED, which is
how Dagster itself reports a slot it could not take (the step stays queued, assigned, and claims
again when the slot frees). It replaces Dagster's method only while that method is the one it was
written against (`DAGSTER_CLAIM_SHA256`); if a Dagster upgrade changes it, Dagster's own is left in
place with a warning, and the tests that check this one is in place fail, so the upgrade is reviewed
rather than silently patched over.
"""

import hashlib
import inspect
import warnings

import sqlalchemy as db
from dagster._core.storage.event_log.schema import ConcurrencySlotsTable
from dagster._core.storage.event_log.sql_event_log import SqlEventLogStorage
from dagster._core.storage.sqlalchemy_compat import db_select
from dagster._utils.concurrency import ConcurrencySlotStatus

# sha256 of the source of `SqlEventLogStorage._claim_concurrency_slot` in dagster 1.13.27.
DAGSTER_CLAIM_SHA256 = "7628812bbe08bc3e6ec3416a46b7f61f03c379ff47ac06d366f99dbbb4a93a72"

DAGSTER_CLAIM = SqlEventLogStorage._claim_concurrency_slot


def claim_free_slot(
    self: SqlEventLogStorage, concurrency_key: str, run_id: str, step_key: str
) -> ConcurrencySlotStatus:
    """Take a free slot of the pool for the step, or report BLOCKED if another process took it first."""
    free = db.and_(
        ConcurrencySlotsTable.c.concurrency_key == concurrency_key,
        ConcurrencySlotsTable.c.step_key == None,  # noqa: E711
        ConcurrencySlotsTable.c.deleted == False,  # noqa: E712
    )
    with self.index_connection() as conn:
        result = conn.execute(
            db_select([ConcurrencySlotsTable.c.id])
            .select_from(ConcurrencySlotsTable)
            .where(free)
            .with_for_update(skip_locked=True)
            .limit(1)
        ).fetchone()
        if not result or not result[0]:
            return ConcurrencySlotStatus.BLOCKED
        taken = conn.execute(
            ConcurrencySlotsTable.update()
            .values(run_id=run_id, step_key=step_key)
            .where(db.and_(ConcurrencySlotsTable.c.id == result[0], free))
        ).rowcount
        return ConcurrencySlotStatus.CLAIMED if taken else ConcurrencySlotStatus.BLOCKED


def dagster_claim_sha256() -> str:
    """The hash of Dagster's claim's source; empty where Dagster ships without its sources."""
    try:
        return hashlib.sha256(inspect.getsource(DAGSTER_CLAIM).encode()).hexdigest()
    except OSError:
        return ""


def claim_slots_strictly() -> bool:
    """Put `claim_free_slot` in place of Dagster's claim; False (and a warning) if Dagster's changed."""
    if SqlEventLogStorage._claim_concurrency_slot is claim_free_slot:
        return True
    if dagster_claim_sha256() != DAGSTER_CLAIM_SHA256:
        warnings.warn(
            "Dagster's SqlEventLogStorage._claim_concurrency_slot is not the one orchestration/"
            "pool_slots.py was written against: it is left in place, and a pool's slot may go to two "
            "steps at once. Review pool_slots.py against the new Dagster.",
            stacklevel=2,
        )
        return False
    SqlEventLogStorage._claim_concurrency_slot = claim_free_slot
    return True
