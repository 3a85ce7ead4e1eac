"""Processes racing for a pool's one slot on a real Dagster instance, as runs' steps do.

Each process stands for one step of a run: it loads the instance from DAGSTER_HOME (storage objects
and connections of its own, as a run worker has). At every turn, all the processes whose step still
waits ask for the slot at once (a barrier), the way Dagster's executor polls
`claim_concurrency_slot` for a queued step; between turns the test frees the holder's slot, as the
end of a step does. A round ends when each step has had the slot; the next round starts new runs.
The processes import `orchestration.defs`, as run workers do, which puts the project's claim in place.
"""

import multiprocessing
import os
from dataclasses import dataclass, field

from orchestration.names import WAREHOUSE_POOL

STEP = "raw__hub_model_snapshots"


def run_id_of(round_: int, step: int) -> str:
    return f"race-{round_}-run-{step}"


def _claimer(home: str, env: dict, step: int, steps: int, rounds: int, dagster_claim: bool, barrier, results):
    os.environ.update(env)
    import dagster as dg
    from dagster._core.storage.event_log.sql_event_log import SqlEventLogStorage

    import orchestration.defs  # noqa: F401  as a run worker does, which puts the project's claim in place
    from orchestration import pool_slots

    if dagster_claim:  # Dagster's own claim, to show the race that the project's claim closes
        SqlEventLogStorage._claim_concurrency_slot = pool_slots.DAGSTER_CLAIM
    with dg.DagsterInstance.from_config(home) as instance:
        storage = instance.event_log_storage
        for round_ in range(rounds):
            run_id = run_id_of(round_, step)
            held = False
            for _ in range(steps):  # one turn per step: at least one step takes the slot a turn
                barrier.wait()
                if held:
                    results.put((run_id, None))
                else:
                    held = storage.claim_concurrency_slot(WAREHOUSE_POOL, run_id, STEP).is_claimed
                    results.put((run_id, held))


@dataclass
class Race:
    """Who was told it held the slot, turn by turn, and the order in which each round's steps got it."""

    holders_per_turn: list[list[str]] = field(default_factory=list)
    order_per_round: list[list[str]] = field(default_factory=list)

    @property
    def double_turns(self) -> list[list[str]]:
        """The turns in which more than one step was told it held the one slot."""
        return [holders for holders in self.holders_per_turn if len(holders) > 1]

    def assert_one_holder_at_a_time_and_each_step_served(self, steps: int) -> None:
        assert not self.double_turns, (
            f"steps of two runs were told they held the one slot: {self.double_turns}"
        )
        # Each step got the slot once per round, in a turn of its own: none lost, none starved.
        for round_, order in enumerate(self.order_per_round):
            assert sorted(order) == [run_id_of(round_, step) for step in range(steps)]


def race_for_the_slot(home: str, env: dict, steps: int, rounds: int, dagster_claim: bool = False) -> Race:
    """`steps` processes race for the slot, `rounds` times; the holder is freed after each turn.

    Fails at once if a turn ends with nobody holding the slot while steps wait: a lost slot.
    """
    import dagster as dg

    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(steps + 1)
    results = context.Queue()
    race = Race()
    with dg.DagsterInstance.from_config(home) as instance:
        storage = instance.event_log_storage
        storage.set_concurrency_slots(WAREHOUSE_POOL, 1)
        processes = [
            context.Process(
                target=_claimer, args=(home, env, step, steps, rounds, dagster_claim, barrier, results)
            )
            for step in range(steps)
        ]
        for process in processes:
            process.start()
        try:
            for round_ in range(rounds):
                run_ids = [run_id_of(round_, step) for step in range(steps)]
                order: list[str] = []
                for _ in range(steps):
                    barrier.wait(timeout=120)
                    told = dict(results.get(timeout=60) for _ in processes)
                    holders = sorted(run_id for run_id, held in told.items() if held)
                    race.holders_per_turn.append(holders)
                    order.extend(holders)
                    for run_id in holders:  # the end of the holder's step, as Dagster frees it
                        storage.free_concurrency_slot_for_step(run_id, STEP)
                    waiting = [run_id for run_id in run_ids if run_id not in order]
                    assert holders or not waiting, f"the free slot went to nobody while {waiting} waited"
                race.order_per_round.append(order)
        finally:
            for process in processes:
                process.join(timeout=60)
                if process.is_alive():
                    process.kill()
    return race
