"""Repetitions, alternation and medians; a sampler of a process's memory."""

import statistics
import threading
import time
from collections.abc import Callable, Mapping

from bench.machine import load_average, process_memory


def alternate(
    sides: Mapping[str, Callable[[], dict]],
    repetitions: int,
    log: Callable[[str], None],
    budget_s: float | None = None,
) -> dict[str, list[dict]]:
    """Run every side once per repetition, in turn, the order reversed every other repetition, so
    that a slow spell of the machine (other jobs share it) falls on both sides alike.

    Each side returns a dict of figures; `wall_s` and the load average are added here. With
    `budget_s`, no repetition starts once that much time is spent (one always runs): when the
    thing measured is slow, the benchmark reports fewer repetitions instead of running for hours.
    """
    samples: dict[str, list[dict]] = {name: [] for name in sides}
    names = list(sides)
    started = time.monotonic()
    for repetition in range(repetitions):
        if repetition and budget_s is not None and time.monotonic() - started > budget_s:
            log(f"  time budget of {budget_s:.0f} s spent: {repetition} repetitions instead of {repetitions}")
            break
        for name in names if repetition % 2 == 0 else reversed(names):
            side_started = time.monotonic()
            figures = sides[name]()
            figures.setdefault("wall_s", time.monotonic() - side_started)
            figures["load_average"] = load_average()
            samples[name].append(figures)
            log(f"  {name} #{repetition + 1}: {figures['wall_s']:.1f} s (load {figures['load_average'][0]})")
    return samples


def medians(samples: list[dict]) -> dict:
    """The median of every numeric figure over the repetitions."""
    keys = [k for k, v in samples[0].items() if isinstance(v, int | float) and not isinstance(v, bool)]
    return {key: statistics.median(sample[key] for sample in samples) for key in keys}


class MemorySampler:
    """Polls a process's resident memory in a thread; `peak_rss_bytes` is the highest seen."""

    def __init__(self, pid: int, interval_s: float = 0.2):
        self.pid = pid
        self.interval_s = interval_s
        self.peak_rss_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = process_memory(self.pid).get("rss_bytes")
            if rss is not None:
                self.peak_rss_bytes = max(self.peak_rss_bytes, rss)
            self._stop.wait(self.interval_s)

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
