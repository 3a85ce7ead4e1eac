"""Repository renames in the synthetic world: what owners do to names on the Hub every week.

On the Hub an owner can change the case of a repository's name, transfer it to an organisation,
or rename it; the old name redirects, listings serve the new one, and the record's `_id` stays.
Cards written before the rename keep naming the old name in their `base_model:` tags.

`plan_renames` picks, for each configured day, one model of each kind among the models most
downloaded the day before (so the daily top listings see them), the first of each day among
models other cards name as their base, preferably one a weightless child takes its size from.
Everything follows from the world's seed: the same config gives the same events, which are the
ground truth tests read.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

CASE_CHANGE = "case_change"
OWNER_TRANSFER = "owner_transfer"
FULL_RENAME = "full_rename"
KINDS = (CASE_CHANGE, OWNER_TRANSFER, FULL_RENAME)

# The models a day's renames are drawn from: the most downloaded of the day before.
CANDIDATE_POOL = 300


@dataclass(frozen=True)
class RenameEvent:
    """Model `index` (its `_id` is `object_id`) is served as `new_name` from `day` on."""

    day: date
    kind: str
    index: int
    object_id: str
    old_name: str
    new_name: str

    @property
    def new_author(self) -> str:
        return self.new_name.split("/", 1)[0]


def renamed(name: str, kind: str, taken: set[str]) -> str:
    """`name`'s new name for a rename of `kind`, unique up to case among `taken` (lower-cased)."""
    owner, _, repo = name.partition("/")
    candidates = {
        # what an owner fixing a name's case does: the whole name in the other case
        CASE_CHANGE: [f"{owner}/{repo.swapcase()}"],
        # a user's repository moving to an organisation the user creates
        OWNER_TRANSFER: [f"{owner}-org/{repo}", f"{owner}-labs/{repo}"],
        FULL_RENAME: [f"{owner}/{repo}-hub", f"{owner}/{repo}-release"],
    }[kind]
    for candidate in candidates:
        if candidate != name and (kind == CASE_CHANGE or candidate.lower() not in taken):
            return candidate
    raise ValueError(f"no free new name for {name} ({kind})")


def plan_renames(
    seed: int,
    days: Iterable[date],
    ranked_on: Callable[[date], np.ndarray],
    name_of: Callable[[int], str],
    object_id: Callable[[int], str],
    is_named_base: Callable[[int], bool],
    lends_its_size: Callable[[int], bool],
    is_user_owned: Callable[[int], bool],
    taken: set[str],
) -> list[RenameEvent]:
    """The rename events of `days`: one per kind and day, each model renamed at most once.

    `ranked_on(day)` gives model indices by downloads on `day`; `is_named_base(i)` says whether
    another card names model i in a `base_model:` tag, `lends_its_size(i)` whether one of those
    cards' models can only take its size from model i; `is_user_owned(i)` whether a user (not an
    organisation) owns it; `taken` holds every name lower-cased."""
    events: list[RenameEvent] = []
    used: set[int] = set()
    for day in sorted(set(days)):
        pool = [int(i) for i in ranked_on(day - timedelta(days=1))[:CANDIDATE_POOL] if int(i) not in used]
        rng = np.random.default_rng([seed, day.toordinal()])
        order = [pool[k] for k in rng.permutation(len(pool))]
        for n, kind in enumerate(KINDS):
            # the day's first rename is a base other cards name: their tags keep its old name;
            # better, a base one of them takes its size from
            wanted = [i for i in order if i not in used and (n > 0 or is_named_base(i))]
            if n == 0 and any(lends_its_size(i) for i in wanted):
                wanted = [i for i in wanted if lends_its_size(i)]
            # a case change needs letters in the name
            wanted = [i for i in wanted if kind != CASE_CHANGE or name_of(i).swapcase() != name_of(i)]
            # a transfer moves a user's repository to an organisation
            wanted = [i for i in wanted if kind != OWNER_TRANSFER or is_user_owned(i)]
            if not wanted:
                continue
            index = wanted[0]
            old = name_of(index)
            new = renamed(old, kind, taken)
            taken.add(new.lower())
            used.add(index)
            events.append(RenameEvent(day, kind, index, object_id(index), old, new))
    return events
