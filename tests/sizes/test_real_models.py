"""The size resolution on real Hub models whose size is published (tests/sizes/real_models.csv:
model id, parameter count, its precision (0: exact, a repository's total or computed from its
config.json; else the rounding of a published figure), the source stating it).

Each model is written into raw.hub_model_snapshots the way the Hub serves such a repository
(scenario): full safetensors weights, a GGUF-only quantization, GPTQ/AWQ repos whose I32-packed
safetensors under-count the model, PEFT adapters whose safetensors hold the adapter only,
fine-tunes without weights metadata, and repos that only their name can size (mixtures of experts
and misleading digits included: `Llama-3.2-1B`, `gemma-2-2b`, `Mistral-Nemo-Instruct-2407`). The
real dbt build then resolves them; classes are compared with the published sizes' (7B rule).
"""

import csv
import json
import statistics
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.dbt.conftest import Warehouse
from tests.size_truth import class_of_count

REAL_MODELS = Path(__file__).with_name("real_models.csv")
DAY = date(2025, 1, 8)
EXPECTED_SOURCE = {
    "safetensors": {"safetensors"},
    "gguf": {"gguf"},
    "gptq": {"base_model"},
    "awq": {"base_model"},
    "adapter": {"base_model"},
    "finetune_no_weights": {"base_model"},
    "gptq_no_base": {"known_base", "name"},
    "name": {"known_base", "name", "unknown"},
}


def real_models() -> list[dict]:
    with REAL_MODELS.open() as handle:
        return list(csv.DictReader(handle))


def base_tags(base: str, relation: str) -> list[str]:
    return [f"base_model:{base}", f"base_model:{relation}:{base}"] if base else []


def hub_record(model: dict) -> dict:
    """The record the Hub serves for the model's kind of repository."""
    count, base, scenario = int(model["published_parameters"]), model["base_model_id"], model["scenario"]
    record: dict = {"id": model["model_id"], "downloads": 1000, "library_name": "transformers"}
    if scenario == "safetensors":
        record.update(safetensors={"parameters": {"BF16": count}, "total": count}, tags=["safetensors"])
    elif scenario == "gguf":
        record.update(
            gguf={"total": count, "architecture": "llama"}, tags=["gguf", *base_tags(base, "quantized")]
        )
        record.pop("library_name")
    elif scenario in ("gptq", "awq", "gptq_no_base"):
        packed = {"F16": count // 20, "I32": count // 9}
        record.update(
            safetensors={"parameters": packed, "total": sum(packed.values())},
            tags=[scenario.split("_")[0], "4-bit", "safetensors", *base_tags(base, "quantized")],
        )
    elif scenario == "adapter":
        record.update(
            library_name="peft",
            safetensors={"parameters": {"F32": 20_971_520}, "total": 20_971_520},
            tags=["peft", "safetensors", "lora", *base_tags(base, "adapter")],
        )
    elif scenario == "finetune_no_weights":
        record.update(tags=["pytorch", *base_tags(base, "finetune")])
    else:  # name: pickled weights only, nothing but the name tells the size
        record.update(tags=["pytorch"])
    return record


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    """model_id -> (parameter_count, parameter_source, model_class) after a real dbt build."""
    warehouse = Warehouse(tmp_path_factory.mktemp("real_models") / "warehouse")
    fetched_at = datetime(2025, 1, 8, 2, tzinfo=UTC)
    rows = [
        (DAY, "top", rank, fetched_at, model["model_id"], json.dumps(hub_record(model)))
        for rank, model in enumerate(real_models(), start=1)
    ]
    warehouse.execute("delete from raw.hub_model_snapshots")
    for row in rows:
        warehouse.execute("insert into raw.hub_model_snapshots values (?, ?, ?, ?, ?, ?)", list(row))
    warehouse.build("--select", "+int_model_snapshots__classified", "--indirect-selection", "cautious")
    return {
        model_id: rest
        for model_id, *rest in warehouse.query(
            "select model_id, parameter_count, parameter_source, model_class "
            "from intermediate.int_model_snapshots__classified"
        )
    }


def test_every_model_has_a_published_source():
    for model in real_models():
        assert model["source_url"].startswith("https://"), model["model_id"]
        assert int(model["published_parameters"]) > 0
        if int(model["precision"]) == 0:  # an exact count is never a nominal round figure
            assert int(model["published_parameters"]) % 10_000_000 != 0, model["model_id"]


def test_each_kind_of_repository_takes_its_path(resolved):
    for model in real_models():
        _, source, _ = resolved[model["model_id"]]
        assert source in EXPECTED_SOURCE[model["scenario"]], (model["model_id"], source)


def test_class_agreement_with_published_sizes(resolved):
    pairs = [
        (resolved[m["model_id"]][2], class_of_count(int(m["published_parameters"])))
        for m in real_models()
        if resolved[m["model_id"]][2] != "unknown"
    ]
    agreement = sum(got == want for got, want in pairs) / len(pairs)
    print(f"real models: class agreement {agreement:.3f} over {len(pairs)} resolved of {len(real_models())}")
    assert agreement >= 0.95


def test_sizes_read_from_names_are_close_to_the_published_ones(resolved):
    errors = [
        abs(resolved[m["model_id"]][0] - int(m["published_parameters"])) / int(m["published_parameters"])
        for m in real_models()
        if resolved[m["model_id"]][1] in ("name", "known_base")
    ]
    print(
        f"real models: {len(errors)} sizes from names, median relative error {statistics.median(errors):.4f}"
    )
    assert len(errors) >= 15
    assert statistics.median(errors) < 0.05
    assert max(errors) < 0.10


def test_misleading_digits_give_no_size_and_known_architectures_their_exact_one(resolved):
    # `2407` and `4k` are never sizes: these names give none, the known architecture gives the count
    assert tuple(resolved["mistralai/Mistral-Nemo-Instruct-2407"][:2]) == (12_247_782_400, "known_base")
    assert tuple(resolved["microsoft/Phi-3-medium-4k-instruct"][:2]) == (13_960_238_080, "known_base")
    assert resolved["mistralai/Mixtral-8x7B-v0.1"][0] == 46_702_792_704
    assert resolved["TheBloke/Mixtral-8x7B-Instruct-v0.1-GPTQ"][0] == 46_702_792_704
    assert resolved["meta-llama/Llama-3.2-1B"][0] == 1_235_814_400
    assert resolved["google/gemma-2-2b"][0] == 2_614_341_888
    # a "7B" that is an SLM by the study's rule
    assert tuple(resolved["epfl-llm/meditron-7b"][1:]) == ("known_base", "SLM")
