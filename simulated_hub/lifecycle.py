"""The world's clock: when models appear, and closed forms for their counters on any day.

Every counter is an exact integer defined without simulation, so that any day can be served in
O(models) and the identities the pipeline relies on hold exactly:

    downloads_all_time(i, D) = floor(C_i(D - created_i + 1))      (0 before creation)
    daily(i, D)              = all_time(i, D) - all_time(i, D - 1)
    downloads_30d(i, D)      = all_time(i, D) - all_time(i, D - 30)

C_i is a gamma(k=2)-shaped cumulative curve, A * (1 - (1 + a/tau) e^(-a/tau)): the daily rate rises
to a peak at age tau then decays, as a release's popularity does. A small long-tail rate r keeps
every model downloaded a little forever; r >= MIN_TAIL_RATE also keeps C strictly increasing by
far more than float rounding, so floor(C) is non-decreasing.
"""

import numpy as np

MIN_TAIL_RATE = 0.002  # downloads per day: crawlers and mirrors fetch every public repo now and then
SECONDS_PER_DAY = 86_400


def creation_days(
    rng: np.random.Generator, n_existing: int, n_days: int, horizon_days: int, doubling_days: float
) -> np.ndarray:
    """Sorted creation days (0 = first day) of `n_existing` models created on days [0, n_days) plus
    those created during the horizon at the rate of the last day.

    Creations grow exponentially (the Hub's model count doubles every `doubling_days`); after the
    last day the rate stays at its last value.
    """
    growth = np.log(2.0) / doubling_days
    mass = np.expm1(growth * n_days) / growth  # integral of e^(g t) over [0, n_days)
    n_future = round(n_existing * horizon_days * np.exp(growth * n_days) / mass)
    u = rng.random(n_existing)
    existing = np.floor(np.log1p(u * np.expm1(growth * n_days)) / growth).astype(np.int32)
    future = n_days + np.floor(rng.random(n_future) * horizon_days).astype(np.int32)
    days = np.concatenate([np.minimum(existing, n_days - 1), future])
    days.sort(kind="stable")
    return days


def gamma2_cdf(x: np.ndarray) -> np.ndarray:
    """1 - (1 + x) e^(-x): the share of a gamma(k=2) curve reached at x (0 at x=0, 1 at infinity)."""
    return -np.expm1(-x) - x * np.exp(-x)


def cumulative(ages: np.ndarray, amplitude: np.ndarray, tau: np.ndarray, tail_rate: np.ndarray) -> np.ndarray:
    """Integer cumulative counts at `ages` (days since creation, counting the creation day as 1;
    ages <= 0 mean "not created yet" and give 0)."""
    a = np.maximum(ages, 0).astype(np.float64)
    value = amplitude * gamma2_cdf(a / tau) + tail_rate * a
    return np.floor(value).astype(np.int64)


def last_commit_day(
    created_day: np.ndarray, day: int, interval: np.ndarray, n_commits: np.ndarray
) -> np.ndarray:
    """Day of each model's last commit on or before `day`: commits happen every `interval` days
    after creation, `n_commits` times at most."""
    elapsed = np.maximum(day - created_day, 0)
    k = np.minimum(elapsed // interval, n_commits)
    return created_day + k * interval
