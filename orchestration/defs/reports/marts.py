"""The one boundary between dbt and the report: the marts it reads, their columns, and the check.

`MART_COLUMNS` lists every mart the figures and the HTML report read and the columns they read
from it. `check_contracts` compares that list with the dbt contracts in the manifest when the
code location loads (orchestration/defs/reports/assets.py): a mart renamed, a column dropped or
renamed, or a contract no longer enforced stops the definitions from loading, with one message
naming each mart and column, instead of a figure failing at 02:00. `read` is the only way the
report code queries a mart, and only for declared columns, so the list cannot drift from the
queries.

Every mart listed here exists once dbt has built: the figures asset depends on each of them, so
no reader probes for a table.
"""

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from orchestration.names import MARTS_SCHEMA

DBT_PACKAGE = "slm_observatory"

MART_COLUMNS: dict[str, tuple[str, ...]] = {
    "class_split": (
        "snapshot_date",
        "listing",
        "population",
        "model_class",
        "n_models",
        "pct",
        "pct_low",
        "pct_high",
        "pct_if_unknown_slm",
        "pct_if_unknown_llm",
    ),
    "report_tag_shares": ("snapshot_date", "population", "model_class", "tag", "n_models", "pct_of_class"),
    "report_population_shares": (
        "snapshot_date",
        "population",
        "label",
        "description",
        "unit",
        "display_order",
        "is_measured",
        "measured_on",
        "n_units",
        "n_slm",
        "n_llm",
        "n_known",
        "n_unknown_size",
        "n_unknown_modality",
        "slm_pct",
        "slm_pct_low",
        "slm_pct_high",
        "slm_pct_if_unknown_slm",
        "slm_pct_if_unknown_llm",
    ),
    "report_creation_months": (
        "snapshot_date",
        "scope",
        "creation_month",
        "n_slm",
        "n_llm",
        "n_unknown",
        "slm_pct",
        "is_sparse",
        "slm_pct_low",
        "slm_pct_high",
        "slm_pct_if_unknown_slm",
        "slm_pct_if_unknown_llm",
    ),
    "report_creation_month_totals": (
        "snapshot_date",
        "scope",
        "n_months",
        "n_sparse_months",
        "n_models",
        "n_slm",
        "n_known",
        "slm_pct",
        "n_recent_models",
        "n_recent_slm",
        "n_recent_known",
        "recent_slm_pct",
        "n_old_models",
        "n_old_slm",
        "n_old_known",
        "old_slm_pct",
    ),
    "report_listing_shares": (
        "snapshot_date",
        "listing",
        "n_models",
        "n_slm",
        "n_llm",
        "n_unknown",
        "n_known",
        "slm_pct",
        "llm_pct",
        "slm_pct_of_all",
        "llm_pct_of_all",
        "unknown_pct_of_all",
        "known_pct",
    ),
    "report_class_downloads": (
        "snapshot_date",
        "model_class",
        "downloads_30d",
        "known_share_pct",
        "old_share_pct",
        "busiest_creation_month",
        "busiest_share_pct",
    ),
    "report_new_model_totals": (
        "snapshot_date",
        "source_listing",
        "n_models",
        "n_slm",
        "n_known",
        "slm_pct",
        "n_models_complete_weeks",
        "slm_pct_complete_weeks",
    ),
    "report_new_model_weeks": (
        "snapshot_date",
        "source_listing",
        "creation_week",
        "n_models",
        "n_slm",
        "n_llm",
        "n_unknown",
        "slm_pct",
        "is_complete_week",
        "is_sparse",
        "slm_pct_low",
        "slm_pct_high",
        "slm_pct_if_unknown_slm",
        "slm_pct_if_unknown_llm",
    ),
    "report_size_resolution": ("snapshot_date", "listing", "resolved_pct_models", "resolved_pct_downloads"),
    "report_top_listing_size_shares": ("snapshot_date", "slm_pct"),
    "report_monthly_downloads": ("month_start", "downloads", "slm_pct", "is_complete_month"),
    "report_snapshot_coverage": (
        "first_date",
        "latest_date",
        "n_snapshot_dates",
        "n_missing_dates",
        "last_finished_at",
    ),
    "report_snapshot_date_runs": ("first_date", "last_date", "n_days", "has_snapshot"),
    "download_share_by_creation_month": (
        "snapshot_date",
        "population",
        "model_class",
        "creation_month",
        "downloads_30d",
        "share_pct",
    ),
    "daily_downloads_by_class": (
        "snapshot_date",
        "population",
        "model_class",
        "n_models",
        "downloads",
        "share_pct",
        "known_share_pct",
        "rolling_7d_known_share_pct",
    ),
    "monthly_downloads_by_class": (
        "month_start",
        "population",
        "model_class",
        "downloads",
        "n_models",
        "is_complete_month",
    ),
    "survival_by_class": (
        "snapshot_date",
        "population",
        "model_class",
        "days_since_entry",
        "n_at_risk",
        "n_events",
        "n_censored",
        "survival_pct",
    ),
    "download_share_by_model_age": (
        "snapshot_date",
        "population",
        "model_class",
        "n_models",
        "downloads",
        "downloads_old",
        "old_share_pct",
    ),
    "size_resolution_coverage": (
        "snapshot_date",
        "listing",
        "parameter_source",
        "n_models",
        "pct_models",
        "downloads_30d",
        "pct_downloads",
        "pct_models_low",
        "pct_models_high",
    ),
    "report_rules": (
        "slm_max_params",
        "medium_max_params",
        "size_mode",
        "old_model_age_days",
        "min_known_models_per_period",
        "interval_z",
        "interval_level_pct",
    ),
    "hypothesis_findings": (
        "snapshot_date",
        "hypothesis",
        "population",
        "tag",
        "question",
        "metric",
        "value_unit",
        "metric_value",
        "interval_low",
        "interval_high",
        "interval_level_pct",
        "sample_size",
        "sample_unit",
        "verdict",
        "evidence",
        "detail",
    ),
    "report_size_thresholds": ("parameter_count", "is_class_boundary"),
    "report_snapshot_dates": ("snapshot_date", "last_finished_at", "old_before_month"),
    "report_top_listing_sizes": ("snapshot_date", "parameter_count", "model_class"),
    "report_publisher_size_labels": (
        "publisher",
        "model",
        "parameter_count",
        "publisher_label",
        "published_year",
        "source_url",
        "model_class",
        "is_small_label",
    ),
    "report_reference_results": (
        "benchmark",
        "model",
        "parameter_count",
        "category",
        "bigcodebench_split",
        "model_date",
        "published_year",
        "score",
        "source_url",
        "model_class",
        "size_bucket",
    ),
}


class MartContractError(RuntimeError):
    """The report reads a mart or a column that the dbt contracts do not guarantee."""


def load_manifest(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def contract_problems(manifest: dict[str, Any]) -> list[str]:
    """One line per mismatch between `MART_COLUMNS` and the manifest's model contracts."""
    problems = []
    nodes = manifest.get("nodes", {})
    for mart, columns in MART_COLUMNS.items():
        node = nodes.get(f"model.{DBT_PACKAGE}.{mart}")
        where = f"mart {MARTS_SCHEMA}.{mart}"
        if node is None:
            problems.append(f"{where}: no such dbt model")
            continue
        source = node.get("patch_path") or node.get("original_file_path", "")
        if node.get("schema") != MARTS_SCHEMA:
            problems.append(f"{where}: dbt builds it in schema {node.get('schema')!r} ({source})")
        if not node.get("config", {}).get("contract", {}).get("enforced"):
            problems.append(f"{where}: its contract is not enforced ({source})")
        declared = node.get("columns", {})
        for column in columns:
            if column not in declared:
                problems.append(f"{where}: column {column!r} is not in its dbt contract ({source})")
            elif not declared[column].get("data_type"):
                problems.append(f"{where}: column {column!r} has no data_type in its contract ({source})")
    return problems


def check_contracts(manifest: dict[str, Any]) -> None:
    """Raise `MartContractError` naming every mart and column the report reads but dbt does not promise."""
    problems = contract_problems(manifest)
    if problems:
        raise MartContractError(
            "The report reads marts that the dbt contracts do not match; change the mart's .yml "
            "contract or orchestration/defs/reports/marts.py so they agree:\n- " + "\n- ".join(problems)
        )


def read(
    conn: duckdb.DuckDBPyConnection,
    mart: str,
    columns: Sequence[str],
    *,
    where: str = "",
    order_by: str = "",
    limit: int | None = None,
    params: Sequence[object] = (),
) -> list[tuple]:
    """Rows of ``columns`` of ``mart``; values are bound through ``params``, never pasted in.

    ``where`` and ``order_by`` are fixed SQL of the caller's; the columns must be declared in
    `MART_COLUMNS`, so every column read is one the contract check covers.
    """
    undeclared = [column for column in columns if column not in MART_COLUMNS[mart]]
    if undeclared:
        raise MartContractError(f"mart {MARTS_SCHEMA}.{mart}: columns {undeclared} are not declared")
    sql = f"select {', '.join(columns)} from {MARTS_SCHEMA}.{mart}"
    if where:
        sql += f" where {where}"
    if order_by:
        sql += f" order by {order_by}"
    if limit is not None:
        sql += f" limit {int(limit)}"
    return conn.execute(sql, list(params)).fetchall()
