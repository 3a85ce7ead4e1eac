"""The Wilson score interval macros (dbt_project/macros/wilson_interval.sql), run by dbt on DuckDB.

The reference values are computed here from the textbook formula (Wilson 1927, as written in
Agresti & Coull 1998, "Approximate is better than 'exact' for interval estimation of binomial
proportions", eq. 2): centre (k + z^2/2) / (n + z^2), half-width z sqrt(k(n-k)/n + z^2/4) / (n + z^2).
A seeded simulation of a known proportion checks what the interval is for: about 95 % of the
intervals of repeated samples cover the truth.
"""

import json
import math

import duckdb
import numpy as np
import pytest

from tests.dbt.conftest import Warehouse

Z_95 = 1.96
Z_90 = 1.645

# (k, n): the edges (k = 0, k = n, n = 1), a few middles, and a large n.
CASES = [(0, 1), (1, 1), (0, 10), (10, 10), (3, 10), (1, 3), (2, 7), (50, 100), (17, 5000), (4999, 5000)]


def wilson(k: int, n: int, z: float) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def show(warehouse: Warehouse, sql: str, dbt_vars: dict | None = None) -> list[dict]:
    """Rows of ``sql`` (Jinja and the project's macros allowed) as `dbt show` runs it on the warehouse."""
    result = warehouse.dbt(
        "show", "--inline", sql, "--output", "json", "--limit", "-1", "--quiet", dbt_vars=dbt_vars
    )
    assert result.returncode == 0, result.output[-3000:]
    return json.loads(result.output[result.output.index("{") :])["show"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return Warehouse(tmp_path_factory.mktemp("wilson") / "warehouse")


def test_bounds_match_the_formula_including_k_0_and_k_n(warehouse: Warehouse):
    values = ", ".join(f"({k}, {n})" for k, n in CASES)
    rows = show(
        warehouse,
        "select k, n, "
        "{{ wilson_low('k', 'n') }} as low, {{ wilson_high('k', 'n') }} as high, "
        f"{{{{ wilson_low('k', 'n', {Z_90}) }}}} as low_90, "
        f"{{{{ wilson_high('k', 'n', {Z_90}) }}}} as high_90 "
        f"from (values {values}) as cases (k, n) order by n, k",
    )
    assert [(r["k"], r["n"]) for r in rows] == sorted(CASES, key=lambda c: (c[1], c[0]))
    for row in rows:
        k, n = row["k"], row["n"]
        for (low, high), z in (((row["low"], row["high"]), Z_95), ((row["low_90"], row["high_90"]), Z_90)):
            expected_low, expected_high = wilson(k, n, z)
            assert low == pytest.approx(expected_low, abs=1e-9), (k, n, z)
            assert high == pytest.approx(expected_high, abs=1e-9), (k, n, z)
            assert 0 <= low <= k / n <= high <= 1
        # the edges are exact, not merely close: a share of 0 % has a lower bound of 0, 100 % of 100
        if k == 0:
            assert row["low"] == 0.0 and row["low_90"] == 0.0
        if k == n:
            assert row["high"] == 1.0 and row["high_90"] == 1.0
    by_case = {(r["k"], r["n"]): r for r in rows}
    # a narrower z gives a narrower interval
    assert (
        by_case[(3, 10)]["high"] - by_case[(3, 10)]["low"]
        > by_case[(3, 10)]["high_90"] - by_case[(3, 10)]["low_90"]
    )


def test_no_interval_without_a_sample_or_for_an_impossible_count(warehouse: Warehouse):
    rows = show(
        warehouse,
        "select k, n, {{ wilson_low('k', 'n') }} as low, {{ wilson_high('k', 'n') }} as high "
        "from (values (0, 0), (null, 5), (2, null), (6, 5), (-1, 5)) as cases (k, n)",
    )
    assert len(rows) == 5
    assert all(r["low"] is None and r["high"] is None for r in rows), rows


def test_var_interval_z_sets_the_level(warehouse: Warehouse):
    (row,) = show(
        warehouse,
        "select {{ wilson_low(3, 10) }} as low, {{ wilson_high(3, 10) }} as high, "
        "{{ interval_level_pct() }} as level, {{ interval_level_pct(2.576) }} as level_99",
        dbt_vars={"interval_z": Z_90},
    )
    expected_low, expected_high = wilson(3, 10, Z_90)
    assert row["low"] == pytest.approx(expected_low, abs=1e-9)
    assert row["high"] == pytest.approx(expected_high, abs=1e-9)
    # the level the report names the intervals by: 100 erf(z / sqrt 2), 90 % for 1.645, 99 % for 2.576
    assert row["level"] == pytest.approx(100 * math.erf(Z_90 / math.sqrt(2)), abs=1e-4)
    assert round(row["level"], 1) == 90.0
    assert row["level_99"] == pytest.approx(100 * math.erf(2.576 / math.sqrt(2)), abs=1e-4)


def test_95_percent_intervals_cover_a_known_proportion_95_percent_of_the_time(warehouse: Warehouse):
    # Samples of 20 to 200 models (the sizes of the marts' months and weeks), true share 30 %.
    truth, draws = 0.3, 4000
    rng = np.random.default_rng(20251205)
    sizes = rng.integers(20, 201, size=draws)
    successes = rng.binomial(sizes, truth)
    with duckdb.connect(str(warehouse.path)) as conn:
        conn.execute("create schema if not exists simulation")
        conn.execute(
            "create or replace table simulation.draws as "
            "select unnest(?::bigint[]) as k, unnest(?::bigint[]) as n, ?::double as truth",
            [successes.tolist(), sizes.tolist(), truth],
        )
    (row,) = show(
        warehouse,
        "select count(*) as draws, "
        "sum(case when low <= truth and truth <= high then 1 else 0 end) as covered "
        "from (select truth, {{ wilson_low('k', 'n') }} as low, {{ wilson_high('k', 'n') }} as high "
        "from simulation.draws) as intervals",
    )
    assert row["draws"] == draws
    coverage = row["covered"] / row["draws"]
    assert 0.93 <= coverage <= 0.97, coverage
