"""The synthetic world's ground truth: clock, counters, lineage, sizes, names, tags."""

import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta

import numpy as np
import pytest

from simulated_hub.names import stated_parameters
from simulated_hub.world import SyntheticWorld, WorldConfig
from tests.simulated_hub.conftest import REPO_ROOT, TODAY

WEIGHT_FIELDS = ["safetensors", "gguf", "tags", "library_name", "pipeline_tag"]
COMMON_SIZES = [
    22.7e6, 25e6, 86e6, 110e6, 124e6, 335e6, 0.5e9, 1.1e9, 1.24e9, 1.5e9, 2e9, 2.5e9, 3e9, 3.2e9, 3.8e9,
    6.7e9, 7.24e9, 7.6e9, 8.03e9, 9.2e9, 12e9, 13e9, 14e9, 27e9, 32e9, 46.7e9, 70e9, 72e9, 405e9,
]  # fmt: skip


@pytest.fixture(scope="module")
def records(world: SyntheticWorld) -> list[dict]:
    """Every model existing today, as served with the weight fields expanded."""
    return world.listing_items(list(range(world.n_visible(TODAY))), TODAY, tuple(WEIGHT_FIELDS), False)


def test_the_same_config_gives_a_byte_identical_world(world: SyntheticWorld):
    again = SyntheticWorld(WorldConfig())

    def served(w: SyntheticWorld) -> str:
        top = w.listing(TODAY, sort="downloads")[:300].tolist()
        infos = [w.model_info(str(w.model_ids[i]), TODAY, None) for i in top[:50]]
        return json.dumps([w.listing_items(top, TODAY, None, True), infos])

    assert list(again.model_ids) == list(world.model_ids)
    assert np.array_equal(again.true_parameters, world.true_parameters)
    assert np.array_equal(again.downloads_30d(TODAY), world.downloads_30d(TODAY))
    assert served(again) == served(world)


def test_worlds_are_identical_across_processes():
    """Python salts string hashes per process: the world must not depend on them."""
    script = (
        "import hashlib, json; from datetime import date;"
        "from simulated_hub.world import SyntheticWorld, WorldConfig;"
        "w = SyntheticWorld(WorldConfig(n_models=3000)); d = date(2025, 1, 8);"
        "page = w.listing_items(w.listing(d)[:500].tolist(), d, None, True);"
        "print(hashlib.sha256(json.dumps([w.model_ids.tolist(), page]).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1


def test_another_seed_gives_another_world(world: SyntheticWorld):
    other = SyntheticWorld(WorldConfig(seed=1, n_models=2_000))
    assert other.n_visible(TODAY) == 2_000
    assert set(other.model_ids[:500].tolist()) != set(world.model_ids[:500].tolist())


def test_a_model_exists_from_its_creation_day_on(world: SyntheticWorld):
    config = world.config
    assert world.n_visible(TODAY) == config.n_models
    assert world.n_visible(world.last_day) == len(world.model_ids) > config.n_models
    created = np.array([world.created_date_of(str(m)).toordinal() for m in world.model_ids[::97]])
    assert created.min() >= config.first_day.toordinal()
    assert created.max() <= world.last_day.toordinal()
    for day in (date(2021, 6, 1), date(2023, 3, 15), TODAY, TODAY + timedelta(days=200)):
        visible = world.visible(day)[::97]
        assert np.array_equal(visible, created <= day.toordinal())
        assert not world.downloads_all_time(day)[::97][~visible].any()


def test_creations_grow_exponentially_then_continue_at_todays_rate(world: SyntheticWorld):
    per_year = Counter(world.created_date_of(str(m)).year for m in world.model_ids[: world.n_visible(TODAY)])
    assert per_year[2021] < per_year[2022] < per_year[2023] < per_year[2024]
    assert per_year[2024] > 1.5 * per_year[2023]
    month = world.n_visible(TODAY) - world.n_visible(TODAY - timedelta(days=30))
    later_months = [
        world.n_visible(TODAY + timedelta(days=k + 30)) - world.n_visible(TODAY + timedelta(days=k))
        for k in range(30, 360, 60)
    ]
    assert all(0.7 * month < m < 1.3 * month for m in later_months)


def test_downloads_are_exact_integers_with_closed_identities(world: SyntheticWorld):
    for day in (date(2022, 5, 17), date(2024, 2, 29), TODAY, date(2025, 6, 1)):
        daily = [world.daily_downloads(day - timedelta(days=k)) for k in range(30)]
        assert np.array_equal(np.sum(daily, axis=0), world.downloads_30d(day))
        assert np.array_equal(
            world.downloads_30d(day),
            world.downloads_all_time(day) - world.downloads_all_time(day - timedelta(30)),
        )
    previous = world.downloads_all_time(world.first_day)
    assert previous.dtype == np.int64
    day = world.first_day
    while day < world.last_day:
        day += timedelta(days=1)
        current = world.downloads_all_time(day)
        assert (current >= previous).all(), day
        previous = current


def test_downloads_are_heavy_tailed(world: SyntheticWorld):
    downloads = np.sort(world.downloads_30d(TODAY)[: world.n_visible(TODAY)])[::-1]
    top_percent = downloads[: len(downloads) // 100].sum()
    assert top_percent > 0.5 * downloads.sum()
    assert np.median(downloads) < 100 < downloads[0] / 1000


def test_small_models_stay_in_use_longer_than_large_ones(world: SyntheticWorld):
    """Among models created in 2023, LLMs (>= 7B) keep a smaller share of their downloads."""
    n = world.n_visible(TODAY)
    created = np.array([world.created_date_of(str(m)).year for m in world.model_ids[:n]])
    recent_share = world.downloads_30d(TODAY)[:n] / np.maximum(world.downloads_all_time(TODAY)[:n], 1)
    in_2023 = created == 2023
    large = world.true_parameters[:n] >= 7e9
    assert np.median(recent_share[in_2023 & large]) < 0.7 * np.median(recent_share[in_2023 & ~large])


def test_sizes_cluster_at_common_points(world: SyntheticWorld, records: list[dict]):
    params = world.true_parameters[: len(records)]
    near = np.min(np.abs(np.log(params[:, None] / np.array(COMMON_SIZES)[None, :])), axis=1) < np.log(1.1)
    assert near.mean() > 0.6
    assert (params == 46_702_792_704).any()  # Mixtral-8x7B
    large_tasks = {"text-generation", "image-text-to-text", "text-to-image", "image-to-image", None}
    other = np.array([r.get("pipeline_tag") not in large_tasks for r in records])
    assert (params[other] < 2e9).mean() > 0.9


def test_every_declared_base_exists_and_came_first(world: SyntheticWorld):
    relations: Counter = Counter()
    ghosts = self_references = 0
    for model_id in world.model_ids.tolist():
        declared = world.declared_bases_of(model_id)
        created = world.created_date_of(model_id)
        kind = world.kind_of(model_id)
        for relation, base in declared:
            relations[relation] += 1
            if base == model_id:
                self_references += 1
                assert relation == "finetune" and kind == "base"
                continue
            if kind == "base":  # a VLM's vision tower and language model: the Hub calls it a merge
                assert relation == "merge" and len(declared) == 2
                assert world.kind_of(base) == "base"
            else:
                assert relation == kind
            if base.endswith("-private"):  # a deleted or private base: its namesake exists
                ghosts += 1
                base = base.removesuffix("-private")
                with pytest.raises(KeyError):
                    world.index_of(base + "-private")
            assert world.created_date_of(base) <= created
            assert world.kind_of(base) in ("base", "finetune", "merge")
    total = sum(relations.values())
    assert set(relations) == {"finetune", "adapter", "quantized", "merge"}
    assert 0 < ghosts < 0.03 * total
    assert 0 < self_references < 0.002 * len(world.model_ids)


def test_derived_models_have_their_bases_true_size(world: SyntheticWorld):
    checked = Counter()
    for model_id in world.model_ids.tolist():
        kind = world.kind_of(model_id)
        declared = [
            b for _, b in world.declared_bases_of(model_id) if b != model_id and not b.endswith("-private")
        ]
        if not declared or kind == "base":  # components: test_vlms_name_their_two_components
            continue
        own, base = world.true_parameters_of(model_id), world.true_parameters_of(declared[0])
        if kind == "finetune":  # resized token embeddings add whole rows
            assert (own - base) % 4096 == 0 and 0 <= own - base < 8_200_000
        else:
            assert own == base
        checked[kind] += 1
    assert min(checked.values()) > 50


def test_weights_metadata_gives_the_true_size_or_a_known_under_count(
    world: SyntheticWorld, records: list[dict]
):
    shares = Counter()
    for i, record in enumerate(records):
        true = int(world.true_parameters[i])
        kind = world.kind_of(record["id"])
        tags = record["tags"]
        safetensors, gguf = record.get("safetensors"), record.get("gguf")
        shares["safetensors" if safetensors else "gguf" if gguf else "neither"] += 1
        assert ("safetensors" in tags) == (safetensors is not None)
        assert ("gguf" in tags) == (gguf is not None)
        if gguf:
            assert gguf["total"] == true
        if not safetensors:
            continue
        assert safetensors["total"] == sum(safetensors["parameters"].values())
        if kind == "adapter":
            assert 4_000_000 <= safetensors["total"] <= min(170_000_000, true)
            assert "lora" in tags and record["library_name"] in ("peft", "diffusers")
        elif "gptq" in tags or "awq" in tags:
            assert set(safetensors["parameters"]) == {"F16", "I32"} and "4-bit" in tags
            assert 4 <= true / safetensors["total"] <= 8
        else:
            assert safetensors["total"] == true
        if kind == "quantized" and gguf:
            assert not safetensors
    n = len(records)
    assert 0.45 < shares["safetensors"] / n < 0.8
    assert 0.04 < shares["gguf"] / n < 0.15
    assert 0.15 < shares["neither"] / n < 0.45


def test_tag_filters_select_exactly_the_models_serving_the_tag(world: SyntheticWorld, records: list[dict]):
    holders: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        for tag in record["tags"]:
            holders[tag].append(i)
    lineage = sorted(t for t in holders if t.startswith("base_model:"))
    tags = [t for t in holders if not t.startswith("base_model:")] + lineage[::10]
    tags += ["base_model:" + str(world.model_ids[0]) + "-private", "no-such-tag", "license:nope"]
    n = len(records)
    for tag in tags:
        assert np.flatnonzero(world.tag_mask(tag)[:n]).tolist() == holders.get(tag, []), tag


def test_names_often_write_the_size_sometimes_wrongly(world: SyntheticWorld):
    size = re.compile(r"(?i)(?<![a-z0-9.])(\d+(?:\.\d+)?)([bm])(?![a-z0-9])")
    written = correct = 0
    misleading_digits = 0
    for model_id, params in zip(world.model_ids.tolist(), world.true_parameters.tolist(), strict=True):
        name = model_id.split("/", 1)[1]
        match = size.search(name)
        if match is None:
            misleading_digits += bool(re.search(r"\d", name))
            continue
        written += 1
        value = float(match.group(1)) * (1e9 if match.group(2).lower() == "b" else 1e6)
        correct += abs(np.log(value / params)) < np.log(1.3)
    n = len(world.model_ids)
    assert 0.2 < written / n < 0.6
    assert 0.7 < correct / written < 0.99  # mostly right; wrong on purpose, and 8x7B is 46.7B
    assert misleading_digits > 0.1 * n  # Llama-3, v0.1, patch16-224, 2407...
    mixtral = [m for m in world.model_ids.tolist() if m.startswith("mistralai/Mixtral-8x7B")]
    assert mixtral and all(abs(world.true_parameters_of(m) / 46_702_792_704 - 1) < 0.001 for m in mixtral)


def test_a_name_states_the_first_size_label_it_writes(world: SyntheticWorld):
    """What a name says of its size, right or wrong, read from the world's own vocabulary
    (data/families.yaml's labels and release names, names.py's suffixes); counts by hand."""
    examples = {
        "Llama-3.1-8B": 8_000_000_000,
        "Qwen2.5-0.5B-Instruct": 500_000_000,
        "Qwen-1_8B": 1_800_000_000,
        "bloom-7b1": 7_100_000_000,
        "nova-bloom-1b1-sft": 1_100_000_000,
        "Mixtral-8x7B-v0.1": 56_000_000_000,  # what the name says; its true size is 46.7B
        "OLMoE-1B-7B-0924": 1_000_000_000,  # the active count comes first
        "Qwen1.5-MoE-A2.7B": None,
        "Phi-3-mini-4k-instruct": None,
        "TinyLlama-1.1B-intermediate-step-1431k-3T": 1_100_000_000,
        "nllb-200-distilled-600M": 600_000_000,
        "vit-base-patch16-224": None,
        "Mistral-Nemo-Base-2407": None,
        "stable-diffusion-3.5-large": None,
        "sae-llama-3.1-8b-64x": 8_000_000_000,
        "opt-7b-instruct-merged-GPTQ-Int4": 7_000_000_000,
        "tinyllama-13b-Q4_K_M-GGUF": 13_000_000_000,
        "llama-2-7b-chat-hf-v2": 7_000_000_000,
        "phi-2": None,
        "SmolLM2-135M": 135_000_000,
    }
    assert {name: stated_parameters(name) for name in examples} == examples
    # a release written with its size states the release's published count, where it is
    releases = world.sized_releases
    published = {
        "nova-llama-2-7b-sft": 6_738_415_616,  # huggingface.co/meta-llama/Llama-2-7b-hf
        "falcon-7b-tempo": 6_921_720_704,  # huggingface.co/tiiuae/falcon-7b
        "Mistral-7B-v0.1-GGUF": 7_241_732_096,  # huggingface.co/mistralai/Mistral-7B-v0.1
        "dolphin-7b": 7_000_000_000,  # no release: the label alone
        "sae-llama-3.1-8b-64x": 8_030_261_248,  # huggingface.co/meta-llama/Llama-3.1-8B
        "Qwen1.5-MoE-A2.7B": None,
    }
    assert {name: stated_parameters(name, releases) for name in published} == published
    stated = [world.stated_parameters_of(m) for m in world.model_ids.tolist()]
    assert 0.2 < sum(s is not None for s in stated) / len(stated) < 0.6
    # official releases state their own published count when their label is a count
    assert world.stated_parameters_of("meta-llama/Llama-2-7b-hf") == 6_738_415_616
    assert world.stated_parameters_of("google/gemma-7b") == world.true_parameters_of("google/gemma-7b")


def test_vlms_name_their_two_components(world: SyntheticWorld):
    """Official vision-language releases name a vision tower and a language model; their true size
    is their own published count (tower, projector and language model), which the two components'
    sum approaches: never the tower's or the language model's size alone."""
    vlms = {}
    for model_id in world.model_ids.tolist():
        declared = world.declared_bases_of(model_id)
        if world.kind_of(model_id) == "base" and len(declared) == 2:
            vlms[model_id] = [base for _, base in declared]
    assert len(vlms) >= 8
    published = {  # each repository's safetensors.total
        "llava-hf/llava-1.5-7b-hf": 7_063_427_072,
        "Qwen/Qwen2-VL-7B-Instruct": 8_291_375_616,
        "google/paligemma-3b-pt-224": 2_923_335_408,
    }
    for model_id, count in published.items():
        assert world.true_parameters_of(model_id) == count, model_id
    llava = vlms["llava-hf/llava-1.5-7b-hf"]
    assert llava == ["openai/clip-vit-large-patch14", "meta-llama/Llama-2-7b-hf"]
    # a "7B" language model of 6.74B parameters: the whole is an LLM, the component an SLM
    assert world.true_parameters_of(llava[1]) < 7e9 <= world.true_parameters_of("llava-hf/llava-1.5-7b-hf")
    for model_id, (tower, language_model) in vlms.items():
        whole = world.true_parameters_of(model_id)
        parts = [world.true_parameters_of(tower), world.true_parameters_of(language_model)]
        assert "clip-vit" in tower and max(parts) < whole, model_id
        assert abs(sum(parts) / whole - 1) < 0.15, model_id


def test_names_take_the_shapes_the_size_chain_must_read(world: SyntheticWorld):
    """Underscore decimals, mixture-of-experts shapes, and repos named after a large model that
    are not a model of its size, each with its published true size."""
    ids = set(world.model_ids.tolist())
    published = {
        "Qwen/Qwen-1_8B": 1_836_828_672,
        "mistralai/Mixtral-8x7B-v0.1": 46_702_792_704,
        "allenai/OLMoE-1B-7B-0924": 6_919_161_856,
        "Qwen/Qwen1.5-MoE-A2.7B": 14_315_784_192,
    }
    for model_id, count in published.items():
        assert model_id in ids and world.true_parameters_of(model_id) == count, model_id
    saes = [m for m in ids if m.startswith("EleutherAI/sae-llama-3.1-8b-")]
    accelerators = [m for m in ids if m.endswith("/llama3-8b-accelerator")]
    assert saes and accelerators
    assert all(world.true_parameters_of(m) < 3e9 for m in saes + accelerators)


def test_ids_are_unique_case_insensitively(world: SyntheticWorld):
    ids = world.model_ids.tolist()
    assert len({i.lower() for i in ids}) == len(ids)
    assert all(0 < len(i.split("/", 1)[1]) <= 96 for i in ids)
    assert world.index_of(ids[1234]) == 1234
    with pytest.raises(KeyError):
        world.index_of("nobody/nothing")
