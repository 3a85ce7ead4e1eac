"""The seed of t quantiles the trends' intervals use (dbt_project/seeds/student_t_975.csv): each
value is the 0.975 quantile of Student's t, checked by integrating the t density here."""

import csv
import math

from tests.dbt.conftest import DBT_PROJECT_DIR


def t_cdf_from_zero(t: float, df: int, steps: int = 4000) -> float:
    """P(0 <= T <= t) for T ~ t(df), by Simpson's rule over the density."""
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)

    def density(x: float) -> float:
        return math.exp(log_norm - (df + 1) / 2 * math.log1p(x * x / df))

    h = t / steps
    total = density(0.0) + density(t)
    total += sum((4 if k % 2 else 2) * density(k * h) for k in range(1, steps))
    return total * h / 3


def test_every_quantile_leaves_2_5_percent_in_the_upper_tail():
    with (DBT_PROJECT_DIR / "seeds" / "student_t_975.csv").open() as handle:
        rows = [(int(row["df"]), float(row["t_975"])) for row in csv.DictReader(handle)]
    assert [df for df, _ in rows][:30] == list(range(1, 31))
    for df, quantile in rows:
        # three decimals: the cdf may be off by the density times 0.0005
        assert abs(t_cdf_from_zero(quantile, df) - 0.475) < 3e-4, (df, quantile)
