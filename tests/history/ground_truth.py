"""Expected values of the history marts, computed from the simulated Hub's ground truth in Python.

Definitions (the same as the marts', docs/design.md):
- a model-day observation: the model in any listing the pipeline stored that day (raw);
- the population of a day's class shares: the models observed that day and the day before
  (one-day intervals); downloads from `world.daily_downloads(day)`; each model in the class the
  pipeline assigned it that day (int_model_observations), as classification is not what these
  marts test;
- top-N membership: `world.listing(day, sort="downloads")[:TOP_N]` on each snapshot date.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from simulated_hub.world import SyntheticWorld


@dataclass
class Observed:
    """What the pipeline observed: models per snapshot date, and the class it gave each."""

    models: dict[date, set[str]]
    classes: dict[tuple[date, str], str]

    @property
    def days(self) -> list[date]:
        return sorted(self.models)


class Truth:
    def __init__(self, world: SyntheticWorld, observed: Observed):
        self.world = world
        self.observed = observed
        self._index: dict[str, int] = {}
        self._daily: dict[date, np.ndarray] = {}
        self._all_time: dict[date, np.ndarray] = {}
        self._top: dict[tuple[date, int], frozenset[str]] = {}

    def index(self, model_id: str) -> int:
        if model_id not in self._index:
            self._index[model_id] = self.world.index_of(model_id)
        return self._index[model_id]

    def daily(self, day: date, model_id: str) -> int:
        if day not in self._daily:
            self._daily[day] = self.world.daily_downloads(day)
        return int(self._daily[day][self.index(model_id)])

    def all_time(self, day: date, model_id: str) -> int:
        if day not in self._all_time:
            self._all_time[day] = self.world.downloads_all_time(day)
        return int(self._all_time[day][self.index(model_id)])

    def one_day_models(self, day: date) -> set[str]:
        previous = self.observed.models.get(day - timedelta(days=1))
        return self.observed.models[day] & previous if previous else set()

    def daily_by_class(self, day: date) -> dict[str, tuple[int, int]]:
        """class -> (models, downloads) over the day's one-day population."""
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for model_id in self.one_day_models(day):
            entry = totals[self.observed.classes[(day, model_id)]]
            entry[0] += 1
            entry[1] += self.daily(day, model_id)
        return {cls: (n, d) for cls, (n, d) in totals.items()}

    def top_members(self, day: date, top_n: int) -> frozenset[str]:
        if (day, top_n) not in self._top:
            listed = self.world.listing(day, sort="downloads")[:top_n]
            self._top[(day, top_n)] = frozenset(str(self.world.model_ids[i]) for i in listed)
        return self._top[(day, top_n)]


def kaplan_meier(
    members: dict[date, set[str]], class_at: dict[tuple[date, str], str]
) -> list[tuple[date, str, int, int, int, int, float]]:
    """(as_of, class, k, at_risk, events, censored, survival %) for every snapshot date and k.

    Subjects enter on their first date in the listing after its first snapshot date (left-censored
    ones excluded); the event is the first later snapshot date they are absent, at that date minus
    the entry date; a subject present on every date up to the as-of date is censored there.
    """
    days = sorted(members)
    entry: dict[str, date] = {}
    for day in days:
        for model_id in members[day]:
            entry.setdefault(model_id, day)
    subjects = {m: d for m, d in entry.items() if d != days[0]}
    exits = {m: next((d for d in days if d > e and m not in members[d]), None) for m, e in subjects.items()}
    rows = []
    for as_of in days:
        times: dict[str, list[tuple[int, bool]]] = defaultdict(list)
        for model_id, entered in subjects.items():
            if entered > as_of:
                continue
            exit_day = exits[model_id]
            event = exit_day is not None and exit_day <= as_of
            end = exit_day if event else as_of
            times[class_at[(entered, model_id)]].append(((end - entered).days, event))
        for cls, observed in times.items():
            survival = 1.0
            ks = np.array([t for t, _ in observed])
            events = np.array([e for _, e in observed])
            for k in range(int(ks.max()) + 1):
                at_risk = int((ks >= k).sum())
                n_events = int(((ks == k) & events).sum())
                n_censored = int(((ks == k) & ~events).sum())
                survival *= 1 - n_events / at_risk
                rows.append((as_of, cls, k, at_risk, n_events, n_censored, 100 * survival))
    return sorted(rows)
