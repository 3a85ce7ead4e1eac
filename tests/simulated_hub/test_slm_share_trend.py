"""A world with a known trend of the SLM share of new models (WorldConfig.slm_share_trend), and
the default world left exactly as it was before the setting existed."""

import dataclasses
import hashlib
import json
from datetime import date

import numpy as np
import pytest

from simulated_hub.generation import SlmShareTrend
from simulated_hub.world import SyntheticWorld, WorldConfig
from tests.size_truth import SLM_MAX_PARAMS

# A trend world starts after the first large text-generation release, so that every month of
# the last two years can draw either class.
TREND_FIRST_DAY = date(2022, 12, 1)


def world_digest(world: SyntheticWorld) -> str:
    """Every generated attribute (but the per-process string hashes) and the first 50 records of
    today's top listing, as bytes."""
    digest = hashlib.sha256()
    for field in dataclasses.fields(world._t):
        if field.name == "id_hashes":
            continue
        value = getattr(world._t, field.name)
        digest.update(field.name.encode())
        digest.update(value.tobytes() if isinstance(value, np.ndarray) else repr(value).encode())
    for index in world.listing(world.today, sort="downloads")[:50]:
        digest.update(json.dumps(world.record(int(index), world.today), sort_keys=True, default=str).encode())
    return digest.hexdigest()


def test_the_default_world_is_the_one_generated_before_the_trend_setting():
    # Recorded with the generator without WorldConfig.slm_share_trend (its code removed): the
    # setting's default must not move one byte of the demo world (the study's view stays
    # reproducible). A deliberate change to the default world re-records it the same way, from
    # the generator of that change without the trend.
    world = SyntheticWorld(WorldConfig(n_models=2000))
    assert world.config.slm_share_trend is None
    assert world_digest(world) == "4d133dabee22a292697b1e47a7b5533f8588bfcf6bdf7c70aa8d9aad77aa44dc"


def monthly_true_shares(world: SyntheticWorld, months: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """(month index in years, true SLM share in %) of the models created in each of the last
    `months` 30-day periods before today, from the world's ground truth."""
    n = world.n_visible(world.today)
    age_days = np.array([(world.today - world.created_date_of(str(i))).days for i in world.model_ids[:n]])
    is_slm = world.true_parameters[:n] < SLM_MAX_PARAMS
    xs, ys = [], []
    for m in range(months):
        sel = (age_days >= 30 * m) & (age_days < 30 * (m + 1))
        xs.append(-30 * m / 365.25)
        ys.append(100.0 * is_slm[sel].mean())
    return np.array(xs), np.array(ys)


@pytest.mark.parametrize(
    ("pp_per_year", "share_on_today"),
    [(25.0, 65.0), (-25.0, 35.0), (0.0, 50.0)],
)
def test_a_set_trend_is_the_worlds_true_trend(pp_per_year: float, share_on_today: float):
    world = SyntheticWorld(
        WorldConfig(
            n_models=3000,
            first_day=TREND_FIRST_DAY,
            slm_share_trend=SlmShareTrend(pp_per_year, share_on_today),
        )
    )
    x, y = monthly_true_shares(world)
    slope, intercept = np.polyfit(x, y, 1)
    # about 100 models a month: a month's share is within ~10 points of the line
    assert slope == pytest.approx(pp_per_year, abs=8.0)
    assert intercept == pytest.approx(share_on_today, abs=6.0)


def test_a_trend_world_publishes_text_generation_models_of_both_classes():
    world = SyntheticWorld(
        WorldConfig(n_models=1000, first_day=TREND_FIRST_DAY, slm_share_trend=SlmShareTrend(0.0))
    )
    day = world.today
    records = [world.record(int(i), day) for i in world.listing(day, sort="downloads")[:200]]
    assert {r.get("pipeline_tag") for r in records} <= {"text-generation", None}
    sizes = world.true_parameters[: world.n_visible(day)]
    assert 0.3 < float((sizes < SLM_MAX_PARAMS).mean()) < 0.7
