"""The size chain on real models with their weight metadata removed (tests/sizes/real_model_sizes.csv).

Each row is a real Hub repository: its record as the Hub lists it (pipeline_tag, library_name, tags
with their `base_model:` tags; listing rows are copied verbatim from the recorded listing
../shared/data/hub-listing-2025-01-08.json), and the parameter count of the architecture it is,
exact (a repository's `safetensors.total`, or computed from its config.json by the formula of
test_known_model_sizes.py) or a published rounded figure with its `precision`, with the source and
how it was obtained (`method`; `<method> of <repo>` where a fine-tune, quantization or adapter
inherits its original's count). `safetensors` and `gguf` are left out of every record, so only the
base-model and name steps can answer: the test measures what they get right at the 7 B threshold.
"""

import csv
import hashlib
import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.dbt.conftest import Warehouse
from tests.size_truth import SLM_MAX_PARAMS, class_of_count
from tests.sizes.test_known_model_sizes import CONFIGS, decoder_parameters, seed_rows

pytestmark = pytest.mark.timeout(600)

EVALUATION_SET = Path(__file__).with_name("real_model_sizes.csv")
DAY = date(2025, 1, 8)
MIN_CLASS_AGREEMENT = 0.98
QUANTIZED_TAGS = {"gguf", "gptq", "awq", "4-bit", "8-bit", "bitsandbytes", "exl2", "mlx"}


def evaluation_set() -> list[dict]:
    with EVALUATION_SET.open() as handle:
        return list(csv.DictReader(handle))


def true_class(row: dict) -> str:
    return class_of_count(int(row["exact_parameters"]))


def is_quantized_or_adapter(row: dict) -> bool:
    tags = set(json.loads(row["tags"]))
    return row["kind"] in ("quantized", "adapter") or bool(tags & (QUANTIZED_TAGS | {"peft", "lora"}))


def hub_record(row: dict) -> dict:
    """The listing record without weight metadata (no `safetensors`, no `gguf`)."""
    record = {
        "_id": hashlib.blake2b(row["model_id"].encode(), digest_size=12).hexdigest(),
        "id": row["model_id"],
        "downloads": 1000,
        "tags": json.loads(row["tags"]),
    }
    if row["pipeline_tag"]:
        record["pipeline_tag"] = row["pipeline_tag"]
    if row["library_name"]:
        record["library_name"] = row["library_name"]
    return record


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    """model_id -> (parameter_count, parameter_source, model_class) after a real dbt build."""
    warehouse = Warehouse(tmp_path_factory.mktemp("real_model_sizes") / "warehouse")
    fetched_at = datetime(2025, 1, 8, 2, tzinfo=UTC)
    warehouse.execute("delete from raw.hub_model_snapshots")
    for rank, row in enumerate(evaluation_set(), start=1):
        warehouse.execute(
            "insert into raw.hub_model_snapshots values (?, ?, ?, ?, ?, ?)",
            [DAY, "top", rank, fetched_at, row["model_id"], json.dumps(hub_record(row))],
        )
    warehouse.build("--select", "+int_model_snapshots__classified", "--indirect-selection", "cautious")
    return {
        model_id: tuple(rest)
        for model_id, *rest in warehouse.query(
            "select model_id, parameter_count, parameter_source, model_class "
            "from intermediate.int_model_snapshots__classified"
        )
    }


def test_the_set_covers_the_cases_the_threshold_depends_on():
    rows = evaluation_set()
    assert len(rows) >= 150
    assert len({row["model_id"].lower() for row in rows}) == len(rows)
    assert sum(6.5e9 <= int(row["exact_parameters"]) <= 8.5e9 for row in rows) >= 40
    assert sum(row["is_moe"] == "true" for row in rows) >= 20
    assert sum(is_quantized_or_adapter(row) for row in rows) >= 20
    assert sum(row["is_vlm"] == "true" for row in rows) >= 20


def test_every_count_has_a_source_and_is_not_a_nominal_size():
    for row in evaluation_set():
        count, precision = int(row["exact_parameters"]), int(row["precision"])
        assert row["source_url"].startswith("https://"), row["model_id"]
        assert row["method"], row["model_id"]
        if precision == 0:
            # an exact count is never a round figure such as 7.0e9
            assert count % 10_000_000 != 0, row["model_id"]
        # a rounded figure must not straddle the threshold: its class is certain
        assert not count - precision < SLM_MAX_PARAMS <= count + precision, row["model_id"]


def test_every_count_is_backed_by_its_source():
    """An exact count is the formula of test_known_model_sizes.py on the config of the repository
    it was read from (itself, or the original it inherits from); a rounded one is the figure the
    seed known_model_sizes read, with the same source, for that original."""
    published = {row["repo_id"]: row for row in seed_rows()}
    formula_counts = {repo: decoder_parameters(config) for repo, config in CONFIGS.items()}
    for row in evaluation_set():
        method = row["method"].split(" of ")[0]
        count = int(row["exact_parameters"])
        if method == "config_formula_of_base":
            assert count in formula_counts.values(), row["model_id"]
        elif method in ("config_formula", "safetensors_total"):
            assert count == formula_counts[row["origin"]], row["model_id"]
        else:
            seed = published[row["origin"]]
            assert seed["checked"] in ("hub-api.md", "formula", "search"), row["model_id"]
            assert (count, int(row["precision"]), row["source_url"]) == (
                int(seed["total_parameters"]),
                int(seed["precision"]),
                seed["source_url"],
            ), row["model_id"]


def test_no_record_carries_weight_metadata():
    for row in evaluation_set():
        assert not {"safetensors", "gguf"} & set(hub_record(row)), row["model_id"]


def test_class_agreement_at_7b_among_resolved_models(resolved):
    rows = evaluation_set()
    confusion = Counter((true_class(row), resolved[row["model_id"]][2]) for row in rows)
    sources = Counter(resolved[row["model_id"]][1] for row in rows)
    pairs = [(true_class(row), resolved[row["model_id"]][2]) for row in rows]
    known = [(want, got) for want, got in pairs if got != "unknown"]
    agreement = sum(want == got for want, got in known) / len(known)
    wrong = sorted(
        (row["model_id"], row["exact_parameters"], *resolved[row["model_id"]][:2])
        for row in rows
        if resolved[row["model_id"]][2] not in ("unknown", true_class(row))
    )
    print(
        f"\nreal models without weight metadata: {len(rows)}; resolved {len(known)} "
        f"({len(known) / len(rows):.1%}); class agreement at 7B {agreement:.4f}"
    )
    print(f"coverage by source: {dict(sorted(sources.items()))}")
    cells = ", ".join(f"{want}->{got}: {n}" for (want, got), n in sorted(confusion.items()))
    print(f"confusion (true -> resolved): {cells}")
    print(f"misclassified: {wrong}")
    assert agreement >= MIN_CLASS_AGREEMENT, wrong
    assert len(known) / len(rows) >= 0.9


def test_near_threshold_models_rarely_resolve_to_a_nominal_size(resolved):
    """A `7B`/`8B` read as 7.0e9/8.0e9 decides the class by the name's rounding; only models whose
    base and name both escape the seed may still get one (their published figure aside)."""
    near = [row for row in evaluation_set() if 6.5e9 <= int(row["exact_parameters"]) <= 8.5e9]
    nominal = [
        row["model_id"]
        for row in near
        if resolved[row["model_id"]][0] in (7e9, 8e9)
        and resolved[row["model_id"]][0] != int(row["exact_parameters"])
    ]
    print(f"near-threshold models at a nominal size: {len(nominal)} of {len(near)}: {nominal}")
    assert len(nominal) <= 0.05 * len(near)
