"""Model sizes through the real pipeline (simulated Hub -> huggingface_hub -> DuckDB -> dbt ->
figures), checked against the simulated world's ground truth (`true_parameters_of`, `kind_of`),
never against the project's own SQL.
"""

import statistics
from collections import Counter

import dagster as dg
import duckdb
import pytest

from orchestration.defs.hub.base_model_details import missing_base_ids
from simulated_hub.tags import GHOST_SUFFIX
from tests.size_truth import SIZED_BY_NAME, expected_class, true_class
from tests.sizes.conftest import DAYS, TOP_N, SizePipeline

pytestmark = pytest.mark.slow

SOURCES = {"safetensors", "gguf", "base_model", "known_base", "name", "unknown"}


def latest_models(pipeline: SizePipeline) -> list[tuple]:
    """(model_id, parameter_count, parameter_source, parameter_confidence, model_class) of every
    model any listing served on the latest date."""
    return pipeline.query(
        "select distinct model_id, parameter_count, parameter_source, parameter_confidence, model_class "
        "from intermediate.int_model_snapshots__classified where snapshot_date = ? order by model_id",
        [DAYS[-1]],
    )


def test_the_daily_job_succeeds(size_pipeline: SizePipeline):
    assert size_pipeline.result.success
    keys = {
        event.materialization.asset_key for event in size_pipeline.result.get_asset_materialization_events()
    }
    assert {
        dg.AssetKey(["raw", "hub_model_details"]),
        dg.AssetKey(["intermediate", "int_model_sizes"]),
        dg.AssetKey(["marts", "size_resolution_coverage"]),
        dg.AssetKey(["marts", "classification_sensitivity"]),
        dg.AssetKey(["reference", "reference_publisher_size_labels"]),
        dg.AssetKey(["reference", "reference_medqa_accuracy"]),
        dg.AssetKey(["reference", "reference_bigcodebench_pass_at_1"]),
        dg.AssetKey(["reference", "reference_rte_accuracy"]),
        dg.AssetKey(["reports", "study_figures"]),
    } <= keys


def test_unlisted_bases_are_fetched_once_each_and_missing_ones_recorded(size_pipeline: SizePipeline):
    world = size_pipeline.world
    fetched = size_pipeline.query("select model_id, status, record is null from raw.hub_model_details")
    assert fetched, "no base model needed fetching"
    listed = {row[0].lower() for row in size_pipeline.query("select model_id from raw.hub_model_snapshots")}
    assert len({model_id.lower() for model_id, _, _ in fetched}) == len(fetched)
    for model_id, status, no_record in fetched:
        assert model_id.lower() not in listed
        if status == "ok":
            assert not no_record and world.index_of(model_id) >= 0
        else:
            assert status == "not_found" and no_record
            assert model_id.endswith(GHOST_SUFFIX) or world._find(model_id) is None
    assert any(status == "not_found" for _, status, _ in fetched)
    assert size_pipeline.model_info_requests() == len(fetched)

    # each base was asked once, and nothing is left to ask: the next run sends no request
    with duckdb.connect(str(size_pipeline.warehouse_dir / "observatory.duckdb"), read_only=True) as conn:
        assert missing_base_ids(conn, DAYS[0], DAYS[-1], 100_000) == []


def test_resolved_class_agrees_with_ground_truth(size_pipeline: SizePipeline):
    """Every model's class, exact: its true size's when sized from evidence, what its own name
    states when sized by name, `unknown` when neither (tests/size_truth.py)."""
    rows = latest_models(size_pipeline)
    world = size_pipeline.world
    by_source = Counter(source for _, _, source, _, _ in rows)
    print(f"classes of {len(rows)} models by source: {by_source}")
    assert {source for _, _, source, _, _ in rows} <= SOURCES
    # every resolution path is exercised by the simulated Hub
    assert {"safetensors", "gguf", "base_model", "name", "unknown"} <= set(by_source)
    assert {model_id: cls for model_id, _, _, _, cls in rows} == {
        model_id: expected_class(world, model_id, source) for model_id, _, source, _, _ in rows
    }
    misled = [m for m, _, source, _, cls in rows if cls != "unknown" and cls != true_class(world, m)]
    print(f"named unlike their true size: {misled}")
    assert all(source in SIZED_BY_NAME for m, _, source, _, _ in rows if m in misled)


def test_sizes_resolved_through_lineage_and_names_are_close_to_the_truth(size_pipeline: SizePipeline):
    rows = latest_models(size_pipeline)
    errors: dict[str, list[float]] = {}
    for model_id, count, source, _, _ in rows:
        if count is not None:
            truth = size_pipeline.world.true_parameters_of(model_id)
            errors.setdefault(source, []).append(abs(count - truth) / truth)
    medians = {source: statistics.median(values) for source, values in errors.items()}
    print(f"median relative error by source: {medians}")
    assert medians["safetensors"] < 0.01
    assert medians["gguf"] < 0.01
    assert medians["base_model"] < 0.01
    assert medians["name"] < 0.05


def test_adapters_and_packed_quantizations_never_take_their_own_safetensors(size_pipeline: SizePipeline):
    world = size_pipeline.world
    checked = Counter()
    for model_id, count, source, confidence, _ in latest_models(size_pipeline):
        kind = world.kind_of(model_id)
        record = world.record(world.index_of(model_id), DAYS[-1], expand=["safetensors", "tags"])
        dtypes = set(record.get("safetensors", {}).get("parameters", {}))
        if kind == "adapter" or (kind == "quantized" and "I32" in dtypes):
            checked[kind] += 1
            assert source != "safetensors", model_id
            if confidence == "medium":  # its base's exact count (a name is only nominal)
                truth = world.true_parameters_of(model_id)
                assert abs(count - truth) / truth < 0.01, model_id
    assert checked["adapter"] > 0 and checked["quantized"] > 0


def test_coverage_mart_accounts_for_every_model_and_download(size_pipeline: SizePipeline):
    for day in DAYS:
        rows = size_pipeline.query(
            "select parameter_source, n_models, pct_models, pct_downloads "
            "from marts.size_resolution_coverage where snapshot_date = ? and listing = 'top'",
            [day],
        )
        assert {source for source, *_ in rows} <= SOURCES
        assert sum(n for _, n, _, _ in rows) == TOP_N
        assert sum(pct for _, _, pct, _ in rows) == pytest.approx(100)
        assert sum(pct for *_, pct in rows) == pytest.approx(100)
        world = size_pipeline.world
        top = [world.model_ids[i] for i in world.listing(day, sort="downloads")[:TOP_N]]
        # models whose size nothing can tell: no safetensors/gguf of their own or inherited, no size in name
        assert dict((s, n) for s, n, _, _ in rows).get("unknown", 0) < 0.35 * len(top)


def test_sensitivity_mart_counts_the_classes_of_each_threshold(size_pipeline: SizePipeline):
    day = DAYS[-1]
    counts = {
        row[0]: row[1:]
        for row in size_pipeline.query(
            "select scheme, n_slm, n_medium, n_llm, n_unknown, n_changed, pct_downloads_changed "
            "from marts.classification_sensitivity where snapshot_date = ?",
            [day],
        )
    }
    assert counts["threshold_7b"][4] == 0  # the default scheme changes nothing
    slms = [counts[f"threshold_{b}b"][0] for b in (1, 3, 7, 13, 20)]
    assert slms == sorted(slms)
    assert counts["grey_band_7b_20b"][1] > 0
    # against ground truth: the SLMs below each threshold among the top listing's resolved models
    top = size_pipeline.query(
        "select model_id from intermediate.int_model_snapshots__classified "
        "where snapshot_date = ? and listing = 'top' and model_class != 'unknown'",
        [day],
    )
    for billions in (1, 3, 7, 13, 20):
        expected = sum(
            size_pipeline.world.true_parameters_of(model_id) < billions * 1e9 for (model_id,) in top
        )
        assert counts[f"threshold_{billions}b"][0] == pytest.approx(expected, rel=0.02, abs=3)


def test_figures_and_their_metadata(size_pipeline: SizePipeline):
    out_dir = size_pipeline.warehouse_dir / "figures" / DAYS[-1].isoformat()
    for name in (
        "size_resolution_coverage.png",
        "reference_size_labels.png",
        "reference_size_labels_on_hub.png",
        "reference_medqa.png",
        "reference_bigcodebench.png",
        "reference_rte.png",
    ):
        assert (out_dir / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    *_, event = [
        e
        for e in size_pipeline.result.get_asset_materialization_events()
        if e.materialization.asset_key == dg.AssetKey(["reports", "study_figures"])
    ]
    metadata = event.materialization.metadata
    assert "safetensors" in metadata["size_coverage_top"].value
    assert 50 < metadata["size_resolved_pct_models_top"].value <= 100
    assert "size\\_resolution\\_coverage" in metadata["preview"].value  # markdown-escaped


def test_reference_seeds_carry_a_source_on_every_row(size_pipeline: SizePipeline):
    for table in (
        "reference_publisher_size_labels",
        "reference_medqa_accuracy",
        "reference_bigcodebench_pass_at_1",
        "reference_rte_accuracy",
    ):
        missing = size_pipeline.query(
            f"select count(*) from reference.{table} where source_url is null or source_url not like 'https://%'"
        )
        assert missing == [(0,)], table
