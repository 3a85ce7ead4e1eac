"""How often a pool's one slot goes to two steps at once, with Dagster's claim and with the project's.

    .venv/bin/python -m bench.pool_slot_race --rounds 5

Races `--steps` processes for the "warehouse" pool's slot on a new sqlite DAGSTER_HOME written by
`prepare_dagster_home`, `--rounds` times (tests/reliability/pool_slot_race.py: all the waiting
steps ask at the same instant, the holder is freed after each turn), once with Dagster's
`_claim_concurrency_slot` and once with orchestration/pool_slots.py's, and prints the turns in which
two or more steps were told they held the slot. The race is a race: Dagster's count varies from run
to run; the project's must be 0.
"""

import argparse
import tempfile
from pathlib import Path

from orchestration.instance import prepare_dagster_home
from tests.reliability.pool_slot_race import race_for_the_slot


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print("| claim | turns | turns with two or more holders |")
    print("| --- | --- | --- |")
    for label, dagster_claim in (("Dagster's", True), ("the project's", False)):
        with tempfile.TemporaryDirectory(prefix="pool_slot_race_") as scratch:
            home = str(prepare_dagster_home(Path(scratch) / "dagster_home"))
            race = race_for_the_slot(home, {}, args.steps, args.rounds, dagster_claim=dagster_claim)
        print(f"| {label} | {len(race.holders_per_turn)} | {len(race.double_turns)} |")


if __name__ == "__main__":
    main()
