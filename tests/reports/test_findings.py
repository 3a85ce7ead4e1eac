"""The report opens with the findings of marts.hypothesis_findings: one sentence per hypothesis
with its value, interval, sample and population; the numbers are checked against the reference
seeds, counted here by hand, and Wilson bounds computed here from the formula."""

import csv
import math
from html.parser import HTMLParser

import pytest

from orchestration.defs.reports.findings import Finding, finding_sentence, findings_view, load_findings
from tests.conftest import REPO_ROOT
from tests.reports.report_dataset import DAY, render_day_report
from tests.size_truth import SLM_MAX_PARAMS

SEEDS = REPO_ROOT / "dbt_project" / "seeds"
SMALL_WORDS = {"lightweight", "small", "very small"}


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - half) / (1 + z * z / n), 100 * (centre + half) / (1 + z * z / n)


def test_a_sentence_states_verdict_value_interval_sample_and_population():
    finding = Finding(
        "H4", "all_models", None, "Do SLMs take a growing share of new models?",
        "trend of the SLM share", "pp/year", 3.21, -1.04, 7.46, 95.0, 1234, "models of known size",
        "inconclusive", "slm_share_trends", "18 months",
    )  # fmt: skip
    assert finding_sentence(finding) == (
        "Inconclusive. Trend of the SLM share: +3.2 points a year (95% interval -1.0 to +7.5); "
        "1,234 models of known size, 18 months; population all_models."
    )
    share = Finding(
        "H3",
        "all_models",
        None,
        "q",
        "SLM share",
        "%",
        52.17,
        30.6,
        73.2,
        90.0,
        23,
        "models",
        "supported",
        "e",
        None,
    )
    assert finding_sentence(share) == (
        "Supported. SLM share: 52.2% (90% interval 30.6% to 73.2%); 23 models; population all_models."
    )
    empty = Finding(
        "H5",
        "all_models",
        None,
        "q",
        "trend",
        "pp/year",
        None,
        None,
        None,
        95.0,
        0,
        "models",
        "inconclusive",
        "e",
        None,
    )
    assert finding_sentence(empty) == "Inconclusive. Trend: not measurable; 0 models; population all_models."


@pytest.fixture(scope="module")
def findings(built_report_db):
    import duckdb

    with duckdb.connect(str(built_report_db), read_only=True) as conn:
        return load_findings(conn, DAY)


def test_every_hypothesis_has_its_finding_first_and_its_tags_after(findings):
    overall = findings_view(findings)
    assert [view.hypothesis for view in overall] == ["H1", "H2", "H3", "H4", "H5"]
    assert {f.population for f in findings} == {"all_models"}


def test_h1_counts_the_publishers_labels_of_the_seed(findings):
    with (SEEDS / "reference_publisher_size_labels.csv").open() as handle:
        labels = list(csv.DictReader(handle))
    agreeing = sum(
        (row["publisher_label"] in SMALL_WORDS) == (int(row["parameters"]) < SLM_MAX_PARAMS) for row in labels
    )
    h1 = next(f for f in findings if f.hypothesis == "H1")
    low, high = wilson(agreeing, len(labels))
    assert h1.sample_size == len(labels)
    assert h1.value == pytest.approx(100 * agreeing / len(labels), abs=1e-4)
    assert h1.interval_low == pytest.approx(low, abs=1e-4)
    assert h1.interval_high == pytest.approx(high, abs=1e-4)
    assert h1.interval_level_pct == 95.0  # z = 1.96, two-sided
    expected = "supported" if low > 50 else "not supported" if high < 50 else "inconclusive"
    assert h1.verdict == expected


def test_h2_counts_the_benchmarks_where_the_best_slm_is_close(findings):
    best: dict[str, dict[str, float]] = {}
    seeds = {
        "medqa": ("reference_medqa_accuracy.csv", "accuracy_pct"),
        "rte": ("reference_rte_accuracy.csv", "accuracy_pct"),
        "bigcodebench": ("reference_bigcodebench_pass_at_1.csv", "pass_at_1"),
    }
    for name, (seed, column) in seeds.items():
        with (SEEDS / seed).open() as handle:
            for row in csv.DictReader(handle):
                if not row["parameters"]:
                    continue  # a closed model of unpublished size has no class
                cls = "SLM" if int(row["parameters"]) < SLM_MAX_PARAMS else "LLM"
                best.setdefault(name, {})[cls] = max(best.get(name, {}).get(cls, 0.0), float(row[column]))
    both = [b for b in best.values() if {"SLM", "LLM"} <= set(b)]
    within = sum(b["SLM"] >= b["LLM"] - 5 for b in both)
    h2 = next(f for f in findings if f.hypothesis == "H2")
    assert h2.sample_size == len(both)
    assert h2.value == pytest.approx(100 * within / len(both), abs=1e-4)
    assert h2.interval_low == pytest.approx(wilson(within, len(both))[0], abs=1e-4)


class _Sections(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.items: list[str] = []
        self._in_item = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "li" and "finding" in (attrs.get("class") or ""):
            self._in_item = True
            self.items.append("")

    def handle_endtag(self, tag):
        if tag == "li":
            self._in_item = False

    def handle_data(self, data):
        if self._in_item:
            self.items[-1] += data


def test_the_report_opens_with_one_sentence_per_hypothesis(tmp_path, built_report_db, findings):
    rendered = render_day_report(tmp_path / "warehouse", built=built_report_db)
    parser = _Sections()
    parser.feed(rendered.html)
    assert parser.ids[0] == "findings"
    assert len(parser.items) == 5
    for item, finding in zip(parser.items, [f for f in findings if f.tag is None], strict=True):
        assert item.startswith(f"{finding.hypothesis}. {finding.question}")
        assert finding_sentence(finding) in " ".join(item.split())
        assert "population all_models" in item
