"""The sizes each benchmark runs at: full (`make bench`), quick (`--quick`), tiny (the smoke test)."""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class BenchConfig:
    name: str
    world_models: int  # the simulated Hub's world: the census covers all of it
    latency_s: float = 0.1  # per request, every endpoint but the zero-latency `setup` one
    day: date = date(2025, 1, 8)
    # B1 (and B2's daily listings): the study's scope
    top_n: int = 10_000
    per_tag_n: int = 2_000
    n_tags: int = 20
    b1_repetitions: int = 3
    b1_study_subset: int = 200
    # B2
    b2_history_days: tuple[int, int] = (30, 365)
    b2_repetitions: int = 3
    # no new repetition of the daily runs starts past this (one always runs)
    b2_budget_s: float = 600.0
    # an extra daily run with the longer history under cProfile (not in the medians):
    # "auto" when a B2 target is missed, "always", "never"
    b2_profile: str = "auto"
    # B3
    b3_subset_models: int = 100_000
    b3_repetitions: int = 2
    b3_rate_limited_models: int = 100_000
    b3_rate_limit_quota: int = 30
    b3_rate_limit_window_s: float = 10.0
    # B5: the census models' dbt build for one census of this many models (synthetic raw rows)
    b5_census_models: int = 2_000_000
    benchmarks: tuple[str, ...] = field(default=("b1", "b2", "b3", "b4", "b5"))

    @property
    def listing_env(self) -> dict[str, str]:
        """The daily listings' sizes, for the project's Definitions (resources read them)."""
        return {
            "SLM_OBS_TOP_N": str(self.top_n),
            "SLM_OBS_PER_TAG_N": str(self.per_tag_n),
            "SLM_OBS_N_TAGS": str(self.n_tags),
        }


# Sized to keep `make bench` under 20 minutes on 2 cores: the census of 2,000,000 models (2,000
# requests at 100 ms) and the 365-day warehouse's set-up (synthesis, full refresh) are fixed by
# the targets; repetitions and the side measurements' sample sizes are what gives (the study's
# per-model time is a per-request mean: 100 requests measure it as well as 200).
FULL = BenchConfig(
    name="full",
    world_models=2_000_000,
    b1_repetitions=2,
    b1_study_subset=100,
    b2_repetitions=2,
    b2_budget_s=300.0,
    b3_subset_models=50_000,
    b3_repetitions=1,
    b3_rate_limited_models=50_000,
)

QUICK = BenchConfig(
    name="quick",
    world_models=200_000,
    b1_repetitions=2,
    b1_study_subset=50,
    top_n=2_000,
    per_tag_n=400,
    n_tags=5,
    b2_history_days=(7, 60),
    b2_repetitions=1,
    b3_subset_models=20_000,
    b3_repetitions=1,
    b3_rate_limited_models=20_000,
    b3_rate_limit_quota=8,
    b3_rate_limit_window_s=4.0,
    b5_census_models=200_000,
)

# The smoke test's: the harness end to end in well under a minute (B2 and B4 need dbt: left out).
TINY = BenchConfig(
    name="tiny",
    world_models=12_000,
    latency_s=0.01,
    top_n=500,
    per_tag_n=100,
    n_tags=2,
    b1_repetitions=1,
    b1_study_subset=10,
    b3_subset_models=3_000,
    b3_repetitions=1,
    b3_rate_limited_models=3_000,
    b3_rate_limit_quota=1,
    b3_rate_limit_window_s=2.0,
    benchmarks=("b1", "b3"),
)

PRESETS = {config.name: config for config in (FULL, QUICK, TINY)}
