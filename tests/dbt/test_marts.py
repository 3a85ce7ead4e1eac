"""Each mart after a full `dbt build` over the hand-made history (tests/dbt/hub_records.py),
against rows computed by hand from that table of models.

Percentages are compared to 6 decimal places.
"""

import math
from datetime import date, datetime

from tests.dbt.conftest import MARTS, Warehouse
from tests.dbt.hub_records import DAY_1, DAY_2


def rounded(rows: list[tuple]) -> list[tuple]:
    return [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in rows]


# The columns the marts had before their intervals: their rows are the study's, unchanged.
CLASS_SPLIT = "snapshot_date, listing, model_class, n_models, pct"
SLM_SHARE = "snapshot_date, scope, creation_month, n_slm, n_llm, n_unknown, slm_pct"
# The study's view of the marts with a population (the rows they held before it)
STUDY = "population = 'all_models'"


def wilson_pct(k: int, n: int, z: float = 1.96) -> tuple[float, float] | tuple[None, None]:
    """The 95 % Wilson score interval of k / n in percent, from the formula (None when n = 0)."""
    if n == 0:
        return None, None
    centre = (k + z * z / 2) / (n + z * z)
    half = z * math.sqrt(k * (n - k) / n + z * z / 4) / (n + z * z)
    return 100 * (centre - half), 100 * (centre + half)


def close(actual: float | None, expected: float | None) -> bool:
    if expected is None:
        return actual is None
    return actual is not None and abs(actual - expected) < 1e-9


# The models this file checks (the end-to-end study path); later models have tests of their own.
STUDY_MODELS = ("stg_hub__model_snapshots", "int_model_snapshots__classified", "hub_pipeline_tags", *MARTS)


def _about_study_models(unique_id: str) -> bool:
    """A node of the study path: the model or seed itself (by exact name: `family_class_split`
    is not `class_split`), or a test whose name mentions one."""
    parts = unique_id.split(".")
    if parts[0] in ("model", "seed"):
        return parts[2] in STUDY_MODELS
    return any(model in unique_id for model in STUDY_MODELS)


def test_build_runs_every_data_test_of_the_study_marts(built_warehouse: Warehouse):
    result = built_warehouse.last_build
    assert result is not None
    results = result.run_results["results"]
    assert {r["status"] for r in results} <= {"success", "pass"}
    kinds: dict[str, int] = {}
    for node in results:
        if _about_study_models(node["unique_id"]):
            kind = node["unique_id"].split(".")[0]
            kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds["seed"] == 1
    assert kinds["model"] == 6
    test_names = [r["unique_id"].split(".")[2] for r in results if r["unique_id"].startswith("test.")]
    for mart in MARTS:
        for generic in ("has_every_snapshot_date_", "unique_combination_of_columns_"):
            assert any(name.startswith(generic + mart) for name in test_names), (generic, mart)
    assert any(
        name.startswith("percentages_sum_to_100_") and _about_study_models(name) for name in test_names
    )
    # a share's range is a CHECK constraint of the mart's contract (tests/test_contract_constraints.py)
    checks = built_warehouse.query(
        "select table_name, expression from duckdb_constraints() "
        "where constraint_type = 'CHECK' and schema_name = 'marts'"
    )
    assert ("class_split", "(pct_low BETWEEN 0 AND 100)") in checks
    assert ("slm_share_by_creation_month", "(slm_pct_high BETWEEN 0 AND 100)") in checks
    assert "assert_listing_runs_match_snapshots" in test_names


def test_schemas_and_materialisations(built_warehouse: Warehouse):
    tables = built_warehouse.query(
        "select table_schema, table_name, table_type from information_schema.tables "
        "where table_schema != 'raw' order by all"
    )
    study_tables = [row for row in tables if row[1] in STUDY_MODELS]
    assert study_tables == [
        ("intermediate", "int_model_snapshots__classified", "VIEW"),
        ("marts", "class_split", "BASE TABLE"),
        ("marts", "download_share_by_creation_month", "BASE TABLE"),
        ("marts", "slm_share_by_creation_month", "BASE TABLE"),
        ("marts", "tags_by_class", "BASE TABLE"),
        ("staging", "hub_pipeline_tags", "BASE TABLE"),
        ("staging", "stg_hub__model_snapshots", "VIEW"),
    ]


def test_staging_keeps_one_row_per_listing_and_model_at_its_lowest_rank(built_warehouse: Warehouse):
    rows = built_warehouse.query(
        "select rank, model_id, downloads_30d from staging.stg_hub__model_snapshots "
        "where snapshot_date = ? and listing = 'top' order by rank",
        [DAY_2],
    )
    assert rows == [
        (1, "acme/tiny-bert", 1000),
        (2, "acme/chat-7b", 500),
        (3, "acme/chat-7b-gguf", 300),
        (5, "acme/mystery", 200),
        (6, "big/llm-70b", 100),
    ]


def _ts(*parts: int) -> datetime:
    return datetime(*parts)


def test_classification_of_each_model(built_warehouse: Warehouse):
    rows = built_warehouse.query(
        "select distinct model_id, parameter_count, parameter_source, model_class, size_bucket, "
        "created_at, is_gated "
        "from intermediate.int_model_snapshots__classified order by model_id"
    )
    assert rows == [
        ("acme/chat-7b", 7_000_000_000, "safetensors", "LLM", "sub_10b", _ts(2024, 5, 10, 12), True),
        ("acme/chat-7b-gguf", 6_999_999_999, "gguf", "SLM", "sub_10b", _ts(2024, 5, 20), False),
        ("acme/mystery", None, "unknown", "unknown", "unknown", _ts(2024, 6, 1), True),
        ("acme/tiny-bert", 110_000_000, "safetensors", "SLM", "very_small", _ts(2023, 6, 15, 8), False),
        ("big/llm-70b", 70_000_000_000, "safetensors", "LLM", "very_large", _ts(2024, 6, 30, 23, 30), False),
        ("new/fresh", None, "unknown", "unknown", "unknown", _ts(2025, 1, 7), False),
        (
            "uni/tiny-mlm",
            500_000_000,
            "safetensors",
            "SLM",
            "very_small",
            _ts(2024, 12, 31, 23, 59, 59),
            False,
        ),
    ]


def test_class_split(built_warehouse: Warehouse):
    rows = built_warehouse.query(f"select {CLASS_SPLIT} from marts.class_split where {STUDY} order by all")
    assert rounded(rows) == [
        (DAY_1, "pipeline_tag:fill-mask", "SLM", 1, 100.0),
        (DAY_1, "pipeline_tag:text-generation", "LLM", 1, 50.0),
        (DAY_1, "pipeline_tag:text-generation", "unknown", 1, 50.0),
        (DAY_1, "top", "LLM", 1, 33.333333),
        (DAY_1, "top", "SLM", 1, 33.333333),
        (DAY_1, "top", "unknown", 1, 33.333333),
        (DAY_2, "new", "unknown", 1, 100.0),
        (DAY_2, "pipeline_tag:fill-mask", "SLM", 2, 100.0),
        (DAY_2, "pipeline_tag:text-generation", "LLM", 2, 50.0),
        (DAY_2, "pipeline_tag:text-generation", "SLM", 1, 25.0),
        (DAY_2, "pipeline_tag:text-generation", "unknown", 1, 25.0),
        # acme/chat-7b, served twice, counts once
        (DAY_2, "top", "LLM", 2, 40.0),
        (DAY_2, "top", "SLM", 2, 40.0),
        (DAY_2, "top", "unknown", 1, 20.0),
    ]


def test_tags_by_class_counts_task_tags_of_the_top_listing_only(built_warehouse: Warehouse):
    # No en, license:*, region:*, conversational, gguf, base_model:*, arxiv:* ...; the fill-mask
    # listing's uni/tiny-mlm is not in the top listing.
    assert built_warehouse.query(
        f"select snapshot_date, model_class, tag, n_models from marts.tags_by_class where {STUDY} "
        "order by all"
    ) == [
        (DAY_1, "LLM", "text-generation", 1),
        (DAY_1, "SLM", "fill-mask", 1),
        (DAY_1, "unknown", "text-generation", 1),
        (DAY_2, "LLM", "image-text-to-text", 1),
        (DAY_2, "LLM", "text-generation", 2),
        (DAY_2, "SLM", "fill-mask", 1),
        (DAY_2, "SLM", "text-generation", 1),
        (DAY_2, "unknown", "text-generation", 1),
    ]


def test_slm_share_by_creation_month(built_warehouse: Warehouse):
    # (snapshot_date, scope, creation_month, n_slm, n_llm, n_unknown, slm_pct)
    rows = built_warehouse.query(
        f"select {SLM_SHARE} from marts.slm_share_by_creation_month where {STUDY} order by all"
    )
    assert rounded(rows) == [
        (DAY_1, "all", date(2023, 6, 1), 1, 0, 0, 100.0),
        (DAY_1, "all", date(2024, 5, 1), 0, 1, 0, 0.0),
        (DAY_1, "all", date(2024, 6, 1), 0, 0, 1, None),
        (DAY_1, "fill-mask", date(2023, 6, 1), 1, 0, 0, 100.0),
        (DAY_1, "text-generation", date(2024, 5, 1), 0, 1, 0, 0.0),
        (DAY_1, "text-generation", date(2024, 6, 1), 0, 0, 1, None),
        (DAY_2, "all", date(2023, 6, 1), 1, 0, 0, 100.0),
        (DAY_2, "all", date(2024, 5, 1), 1, 1, 0, 50.0),
        # big/llm-70b, created 2024-06-30 23:30 UTC, stays in June
        (DAY_2, "all", date(2024, 6, 1), 0, 1, 1, 0.0),
        # the tag's own listing: uni/tiny-mlm counts here though it is not in the top listing
        (DAY_2, "fill-mask", date(2023, 6, 1), 1, 0, 0, 100.0),
        (DAY_2, "fill-mask", date(2024, 12, 1), 1, 0, 0, 100.0),
        (DAY_2, "text-generation", date(2024, 5, 1), 1, 1, 0, 50.0),
        (DAY_2, "text-generation", date(2024, 6, 1), 0, 1, 1, 0.0),
    ]


def test_download_share_by_creation_month(built_warehouse: Warehouse):
    # (snapshot_date, model_class, creation_month, downloads_30d, share_pct); acme/chat-7b's
    # second serving (999 downloads) and the unknown-size acme/mystery do not count.
    rows = built_warehouse.query(
        "select snapshot_date, model_class, creation_month, downloads_30d, share_pct "
        f"from marts.download_share_by_creation_month where {STUDY} order by all"
    )
    assert rounded(rows) == [
        (DAY_1, "LLM", date(2024, 5, 1), 450, 100.0),
        (DAY_1, "SLM", date(2023, 6, 1), 900, 100.0),
        (DAY_2, "LLM", date(2024, 5, 1), 500, 83.333333),
        (DAY_2, "LLM", date(2024, 6, 1), 100, 16.666667),
        (DAY_2, "SLM", date(2023, 6, 1), 1000, 76.923077),
        (DAY_2, "SLM", date(2024, 5, 1), 300, 23.076923),
    ]


def test_mart_column_types(built_warehouse: Warehouse):
    columns = built_warehouse.query(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'marts' and table_name in (?, ?, ?, ?) order by table_name, ordinal_position",
        list(MARTS),
    )
    assert columns == [
        ("class_split", "snapshot_date", "DATE"),
        ("class_split", "listing", "VARCHAR"),
        ("class_split", "population", "VARCHAR"),
        ("class_split", "model_class", "VARCHAR"),
        ("class_split", "n_models", "BIGINT"),
        ("class_split", "pct", "DOUBLE"),
        ("class_split", "pct_low", "DOUBLE"),
        ("class_split", "pct_high", "DOUBLE"),
        ("class_split", "pct_if_unknown_slm", "DOUBLE"),
        ("class_split", "pct_if_unknown_llm", "DOUBLE"),
        ("class_split", "n_unknown_modality", "BIGINT"),
        ("download_share_by_creation_month", "snapshot_date", "DATE"),
        ("download_share_by_creation_month", "population", "VARCHAR"),
        ("download_share_by_creation_month", "model_class", "VARCHAR"),
        ("download_share_by_creation_month", "creation_month", "DATE"),
        ("download_share_by_creation_month", "downloads_30d", "BIGINT"),
        ("download_share_by_creation_month", "share_pct", "DOUBLE"),
        ("download_share_by_creation_month", "n_unknown_modality", "BIGINT"),
        ("download_share_by_creation_month", "downloads_30d_unknown_modality", "BIGINT"),
        ("slm_share_by_creation_month", "snapshot_date", "DATE"),
        ("slm_share_by_creation_month", "population", "VARCHAR"),
        ("slm_share_by_creation_month", "scope", "VARCHAR"),
        ("slm_share_by_creation_month", "creation_month", "DATE"),
        ("slm_share_by_creation_month", "n_slm", "BIGINT"),
        ("slm_share_by_creation_month", "n_llm", "BIGINT"),
        ("slm_share_by_creation_month", "n_unknown", "BIGINT"),
        ("slm_share_by_creation_month", "slm_pct", "DOUBLE"),
        ("slm_share_by_creation_month", "slm_pct_low", "DOUBLE"),
        ("slm_share_by_creation_month", "slm_pct_high", "DOUBLE"),
        ("slm_share_by_creation_month", "slm_pct_if_unknown_slm", "DOUBLE"),
        ("slm_share_by_creation_month", "slm_pct_if_unknown_llm", "DOUBLE"),
        ("slm_share_by_creation_month", "n_unknown_modality", "BIGINT"),
        ("tags_by_class", "snapshot_date", "DATE"),
        ("tags_by_class", "population", "VARCHAR"),
        ("tags_by_class", "model_class", "VARCHAR"),
        ("tags_by_class", "tag", "VARCHAR"),
        ("tags_by_class", "n_models", "BIGINT"),
        ("tags_by_class", "n_unknown_modality", "BIGINT"),
    ]


def test_class_split_intervals_and_bounds_under_the_unknown_sizes(built_warehouse: Warehouse):
    rows = built_warehouse.query(
        "select snapshot_date, listing, model_class, n_models, pct_low, pct_high, "
        f"pct_if_unknown_slm, pct_if_unknown_llm from marts.class_split where {STUDY} order by all"
    )
    totals: dict[tuple, int] = {}
    unknowns: dict[tuple, int] = {}
    for day, listing, model_class, n, *_ in rows:
        totals[(day, listing)] = totals.get((day, listing), 0) + n
        if model_class == "unknown":
            unknowns[(day, listing)] = n
    for day, listing, model_class, n, low, high, if_slm, if_llm in rows:
        total, unknown = totals[(day, listing)], unknowns.get((day, listing), 0)
        expected_low, expected_high = wilson_pct(n, total)
        assert close(low, expected_low) and close(high, expected_high), (day, listing, model_class)
        own = 0 if model_class == "unknown" else n
        assert close(if_slm, 100 * (own + (unknown if model_class == "SLM" else 0)) / total)
        assert close(if_llm, 100 * (own + (unknown if model_class == "LLM" else 0)) / total)
    # DAY_2's top listing: 2 SLMs, 2 LLMs, 1 unknown; all 2 of fill-mask's models are SLMs
    by_key = {row[:3]: row for row in rows}
    assert rounded([by_key[(DAY_2, "top", "SLM")][6:]]) == [(60.0, 40.0)]
    assert by_key[(DAY_2, "pipeline_tag:fill-mask", "SLM")][5] == 100.0


def test_slm_share_intervals_and_bounds_under_the_unknown_sizes(built_warehouse: Warehouse):
    rows = built_warehouse.query(
        "select scope, creation_month, n_slm, n_llm, n_unknown, slm_pct_low, slm_pct_high, "
        "slm_pct_if_unknown_slm, slm_pct_if_unknown_llm from marts.slm_share_by_creation_month "
        f"where snapshot_date = ? and {STUDY} order by all",
        [DAY_2],
    )
    for scope, month, n_slm, n_llm, n_unknown, low, high, if_slm, if_llm in rows:
        expected_low, expected_high = wilson_pct(n_slm, n_slm + n_llm)
        assert close(low, expected_low) and close(high, expected_high), (scope, month)
        everyone = n_slm + n_llm + n_unknown
        assert close(if_slm, 100 * (n_slm + n_unknown) / everyone), (scope, month)
        assert close(if_llm, 100 * n_slm / everyone), (scope, month)
    # June 2024 in the top listing: 0 SLMs, 1 LLM, 1 unknown: 0 % with 0 SLM, 50 % if it is one
    june = next(r for r in rows if r[:2] == ("all", date(2024, 6, 1)))
    assert june[5] == 0.0 and june[7:] == (50.0, 0.0)


def test_size_marts_intervals_match_the_formula(built_warehouse: Warehouse):
    coverage = built_warehouse.query(
        "select snapshot_date, listing, n_models, pct_models_low, pct_models_high "
        "from marts.size_resolution_coverage order by all"
    )
    assert coverage
    totals: dict[tuple, int] = {}
    for day, listing, n, *_ in coverage:
        totals[(day, listing)] = totals.get((day, listing), 0) + n
    for day, listing, n, low, high in coverage:
        expected_low, expected_high = wilson_pct(n, totals[(day, listing)])
        assert close(low, expected_low) and close(high, expected_high), (day, listing)

    sensitivity = built_warehouse.query(
        "select scheme, n_changed, n_models, pct_models_changed_low, pct_models_changed_high "
        "from marts.classification_sensitivity order by all"
    )
    assert any(n_changed == 0 for _, n_changed, *_ in sensitivity)
    for scheme, n_changed, n_models, low, high in sensitivity:
        expected_low, expected_high = wilson_pct(n_changed, n_models)
        assert close(low, expected_low) and close(high, expected_high), scheme
        if n_changed == 0:
            assert low == 0.0  # exactly, not about


def test_slm_share_of_new_models_intervals_and_bounds(built_warehouse: Warehouse):
    rows = built_warehouse.query(
        "select n_slm, n_llm, n_unknown, slm_pct_low, slm_pct_high, slm_pct_if_unknown_slm, "
        "slm_pct_if_unknown_llm from marts.slm_share_of_new_models where population = 'all_models'"
    )
    assert rows
    for n_slm, n_llm, n_unknown, low, high, if_slm, if_llm in rows:
        expected_low, expected_high = wilson_pct(n_slm, n_slm + n_llm)
        assert close(low, expected_low) and close(high, expected_high)
        everyone = n_slm + n_llm + n_unknown
        assert close(if_slm, 100 * (n_slm + n_unknown) / everyone)
        assert close(if_llm, 100 * n_slm / everyone)
