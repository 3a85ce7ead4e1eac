"""The report's opening: what the data concludes, one sentence per hypothesis.

Reads `marts.hypothesis_findings` through the mart loader and renders; every number, interval and
verdict is the mart's (the rule lives in dbt, models/marts/findings/hypothesis_findings.yml).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb

from orchestration.defs.reports.marts import MART_COLUMNS, read


@dataclass(frozen=True)
class Finding:
    hypothesis: str
    population: str
    tag: str | None
    question: str
    metric: str
    value_unit: str
    value: float | None
    interval_low: float | None
    interval_high: float | None
    interval_level_pct: float  # the interval's two-sided confidence level (the mart's)
    sample_size: int
    sample_unit: str
    verdict: str
    evidence: str
    detail: str | None


def load_findings(conn: duckdb.DuckDBPyConnection, snapshot_date: date) -> list[Finding]:
    """The date's findings, the hypothesis as a whole before its per-tag rows."""
    rows = read(
        conn,
        "hypothesis_findings",
        MART_COLUMNS["hypothesis_findings"][1:],
        where="snapshot_date = ?",
        order_by="hypothesis, population, tag nulls first",
        params=[snapshot_date],
    )
    return [Finding(*row) for row in rows]


def _number(value: float, unit: str) -> str:
    if unit == "pp/year":
        return f"{value:+.1f} points a year"
    return f"{value:.1f}%"


def _bound(value: float, unit: str) -> str:
    return f"{value:+.1f}" if unit == "pp/year" else f"{value:.1f}%"


def finding_sentence(finding: Finding) -> str:
    """One sentence: the verdict, the metric's value with its interval (at the mart's level), the
    sample and the population it holds for."""
    unit = finding.value_unit
    metric = finding.metric[:1].upper() + finding.metric[1:]
    if finding.value is None:
        measured = f"{metric}: not measurable"
    else:
        measured = f"{metric}: {_number(finding.value, unit)}"
        if finding.interval_low is not None and finding.interval_high is not None:
            low, high = _bound(finding.interval_low, unit), _bound(finding.interval_high, unit)
            measured += f" ({finding.interval_level_pct:g}% interval {low} to {high})"
    sample = f"{finding.sample_size:,} {finding.sample_unit}"
    if finding.detail:
        sample += f", {finding.detail}"
    return f"{finding.verdict.capitalize()}. {measured}; {sample}; population {finding.population}."


@dataclass(frozen=True)
class FindingView:
    hypothesis: str
    question: str
    verdict: str
    verdict_css: str  # `verdict-supported`, `verdict-not-supported`, `verdict-inconclusive`
    sentence: str
    evidence: str
    n_tags: int


def findings_view(findings: Sequence[Finding]) -> list[FindingView]:
    """The hypotheses as a whole (tag NULL), each with how many per-tag findings the mart adds."""
    per_tag: dict[str, int] = {}
    for finding in findings:
        if finding.tag is not None:
            per_tag[finding.hypothesis] = per_tag.get(finding.hypothesis, 0) + 1
    return [
        FindingView(
            finding.hypothesis,
            finding.question,
            finding.verdict,
            "verdict-" + finding.verdict.replace(" ", "-"),
            finding_sentence(finding),
            finding.evidence,
            per_tag.get(finding.hypothesis, 0),
        )
        for finding in findings
        if finding.tag is None
    ]
