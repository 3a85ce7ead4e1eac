"""The seed known_model_sizes (dbt_project/seeds/known_model_sizes.csv): each count has a source, no
nominal size is recorded as exact, and every count computed from a config.json is the formula below
applied to that config's dimensions, the formula itself reproducing the published totals it is
checked on.

The formula counts a decoder-only transformer's weights: token embeddings (and an untied output
head), per layer the attention projections (grouped-query: `kv_heads` key/value heads of `head_dim`),
their biases where the architecture has them, per-head query/key norms, the feed-forward matrices
(gated: 3, plain: 2; times the experts of a mixture, plus its router), the norms (RMSNorm: one weight
vector of `hidden`; LayerNorm with bias: two), and the final norm.
"""

import csv
import re
from pathlib import Path

SEED = Path(__file__).parents[2] / "dbt_project" / "seeds" / "known_model_sizes.csv"

# Dimensions from each repository's config.json (hidden_size, num_hidden_layers,
# intermediate_size, vocab_size, num_attention_heads, num_key_value_heads, head_dim,
# tie_word_embeddings, attention bias, experts).
CONFIGS = {
    "meta-llama/Llama-2-7b-hf": dict(hidden=4096, layers=32, intermediate=11008, vocab=32000, heads=32),
    "codellama/CodeLlama-7b-hf": dict(hidden=4096, layers=32, intermediate=11008, vocab=32016, heads=32),
    "meta-llama/Llama-2-13b-hf": dict(hidden=5120, layers=40, intermediate=13824, vocab=32000, heads=40),
    "meta-llama/Llama-2-70b-hf": dict(
        hidden=8192, layers=80, intermediate=28672, vocab=32000, heads=64, kv_heads=8
    ),
    "meta-llama/Llama-3.1-8B": dict(
        hidden=4096, layers=32, intermediate=14336, vocab=128256, heads=32, kv_heads=8
    ),
    "meta-llama/Llama-3.1-70B": dict(
        hidden=8192, layers=80, intermediate=28672, vocab=128256, heads=64, kv_heads=8
    ),
    "meta-llama/Llama-3.2-1B": dict(
        hidden=2048, layers=16, intermediate=8192, vocab=128256, heads=32, kv_heads=8, tied=True
    ),
    "meta-llama/Llama-3.2-3B": dict(
        hidden=3072, layers=28, intermediate=8192, vocab=128256, heads=24, kv_heads=8, tied=True
    ),
    "mistralai/Mistral-7B-v0.1": dict(
        hidden=4096, layers=32, intermediate=14336, vocab=32000, heads=32, kv_heads=8
    ),
    "mistralai/Mistral-7B-v0.3": dict(
        hidden=4096, layers=32, intermediate=14336, vocab=32768, heads=32, kv_heads=8
    ),
    "mistralai/Mistral-Nemo-Base-2407": dict(
        hidden=5120, layers=40, intermediate=14336, vocab=131072, heads=32, kv_heads=8, head_dim=128
    ),
    "mistralai/Mistral-Small-Instruct-2409": dict(
        hidden=6144, layers=56, intermediate=16384, vocab=32768, heads=48, kv_heads=8
    ),
    "mistralai/Mixtral-8x7B-v0.1": dict(
        hidden=4096, layers=32, intermediate=14336, vocab=32000, heads=32, kv_heads=8, experts=8
    ),
    "Qwen/Qwen2.5-0.5B": dict(
        hidden=896, layers=24, intermediate=4864, vocab=151936, heads=14, kv_heads=2, qkv_bias=True, tied=True
    ),
    "Qwen/Qwen2.5-1.5B": dict(
        hidden=1536,
        layers=28,
        intermediate=8960,
        vocab=151936,
        heads=12,
        kv_heads=2,
        qkv_bias=True,
        tied=True,
    ),
    "Qwen/Qwen2.5-3B": dict(
        hidden=2048,
        layers=36,
        intermediate=11008,
        vocab=151936,
        heads=16,
        kv_heads=2,
        qkv_bias=True,
        tied=True,
    ),
    "Qwen/Qwen2.5-7B": dict(
        hidden=3584, layers=28, intermediate=18944, vocab=152064, heads=28, kv_heads=4, qkv_bias=True
    ),
    "Qwen/Qwen2.5-14B": dict(
        hidden=5120, layers=48, intermediate=13824, vocab=152064, heads=40, kv_heads=8, qkv_bias=True
    ),
    "Qwen/Qwen2.5-32B": dict(
        hidden=5120, layers=64, intermediate=27648, vocab=152064, heads=40, kv_heads=8, qkv_bias=True
    ),
    "Qwen/Qwen2.5-72B": dict(
        hidden=8192, layers=80, intermediate=29568, vocab=152064, heads=64, kv_heads=8, qkv_bias=True
    ),
    "Qwen/Qwen1.5-7B": dict(
        hidden=4096, layers=32, intermediate=11008, vocab=151936, heads=32, qkv_bias=True
    ),
    "Qwen/Qwen3-4B": dict(
        hidden=2560,
        layers=36,
        intermediate=9728,
        vocab=151936,
        heads=32,
        kv_heads=8,
        head_dim=128,
        qk_norm=1,
        tied=True,
    ),
    "Qwen/Qwen3-8B": dict(
        hidden=4096,
        layers=36,
        intermediate=12288,
        vocab=151936,
        heads=32,
        kv_heads=8,
        head_dim=128,
        qk_norm=1,
    ),
    "google/gemma-2b": dict(
        hidden=2048, layers=18, intermediate=16384, vocab=256000, heads=8, kv_heads=1, head_dim=256, tied=True
    ),
    "google/gemma-7b": dict(
        hidden=3072, layers=28, intermediate=24576, vocab=256000, heads=16, head_dim=256, tied=True
    ),
    "google/gemma-2-2b": dict(
        hidden=2304,
        layers=26,
        intermediate=9216,
        vocab=256000,
        heads=8,
        kv_heads=4,
        head_dim=256,
        tied=True,
        norms_per_layer=4,
    ),
    "google/gemma-2-9b": dict(
        hidden=3584,
        layers=42,
        intermediate=14336,
        vocab=256000,
        heads=16,
        kv_heads=8,
        head_dim=256,
        tied=True,
        norms_per_layer=4,
    ),
    "google/gemma-2-27b": dict(
        hidden=4608,
        layers=46,
        intermediate=36864,
        vocab=256000,
        heads=32,
        kv_heads=16,
        head_dim=128,
        tied=True,
        norms_per_layer=4,
    ),
    "microsoft/Phi-3-mini-4k-instruct": dict(
        hidden=3072, layers=32, intermediate=8192, vocab=32064, heads=32
    ),
    "microsoft/Phi-3-medium-4k-instruct": dict(
        hidden=5120, layers=40, intermediate=17920, vocab=32064, heads=40, kv_heads=10
    ),
    "microsoft/phi-4": dict(hidden=5120, layers=40, intermediate=17920, vocab=100352, heads=40, kv_heads=10),
    "allenai/OLMo-7B-hf": dict(
        hidden=4096, layers=32, intermediate=11008, vocab=50304, heads=32, norms_per_layer=0, final_norms=0
    ),
    "allenai/OLMo-2-1124-7B": dict(
        hidden=4096, layers=32, intermediate=11008, vocab=100352, heads=32, qk_norm=32
    ),
    "allenai/OLMo-2-1124-13B": dict(
        hidden=5120, layers=40, intermediate=13824, vocab=100352, heads=40, qk_norm=40
    ),
    "allenai/OLMoE-1B-7B-0924": dict(
        hidden=2048, layers=16, intermediate=1024, vocab=50304, heads=16, experts=64, qk_norm=16
    ),
    "tiiuae/falcon-7b": dict(
        hidden=4544,
        layers=32,
        intermediate=18176,
        vocab=65024,
        heads=71,
        kv_heads=1,
        head_dim=64,
        tied=True,
        mlp_matrices=2,
        norms_per_layer=1,
        norm_params=2,
    ),
    "mosaicml/mpt-7b": dict(
        hidden=4096, layers=32, intermediate=16384, vocab=50432, heads=32, tied=True, mlp_matrices=2
    ),
    "deepseek-ai/deepseek-llm-7b-base": dict(
        hidden=4096, layers=30, intermediate=11008, vocab=102400, heads=32
    ),
    "01-ai/Yi-6B": dict(hidden=4096, layers=32, intermediate=11008, vocab=64000, heads=32, kv_heads=4),
    "internlm/internlm2-7b": dict(
        hidden=4096, layers=32, intermediate=14336, vocab=92544, heads=32, kv_heads=8
    ),
    "HuggingFaceTB/SmolLM2-135M": dict(
        hidden=576, layers=30, intermediate=1536, vocab=49152, heads=9, kv_heads=3, tied=True
    ),
    "HuggingFaceTB/SmolLM2-360M": dict(
        hidden=960, layers=32, intermediate=2560, vocab=49152, heads=15, kv_heads=5, tied=True
    ),
    "HuggingFaceTB/SmolLM2-1.7B": dict(
        hidden=2048, layers=24, intermediate=8192, vocab=49152, heads=32, tied=True
    ),
}

# Published totals (each repository's `safetensors.total`, ../shared/notes/hub-api.md) the formula
# is checked on: dense and grouped-query attention, with and without biases, two vocabularies.
PUBLISHED_TOTALS = {
    "meta-llama/Llama-2-7b-hf": 6_738_415_616,
    "mistralai/Mistral-7B-v0.1": 7_241_732_096,
    "Qwen/Qwen2.5-7B": 7_615_616_512,
    "meta-llama/Llama-3.1-8B": 8_030_261_248,
}


def decoder_parameters(c: dict) -> int:
    hidden, layers, intermediate, vocab = c["hidden"], c["layers"], c["intermediate"], c["vocab"]
    head_dim = c.get("head_dim", hidden // c["heads"])
    q, kv = c["heads"] * head_dim, c.get("kv_heads", c["heads"]) * head_dim
    attention = hidden * q + 2 * hidden * kv + q * hidden
    if c.get("qkv_bias"):
        attention += q + 2 * kv
    attention += 2 * head_dim * c.get("qk_norm", 0)  # q_norm and k_norm, per head dimension
    experts = c.get("experts", 1)
    mlp = experts * c.get("mlp_matrices", 3) * hidden * intermediate
    if experts > 1:
        mlp += hidden * experts  # the router
    norm = c.get("norm_params", 1) * hidden
    per_layer = attention + mlp + c.get("norms_per_layer", 2) * norm
    embeddings = vocab * hidden * (1 if c.get("tied") else 2)
    return layers * per_layer + embeddings + c.get("final_norms", 1) * norm


def seed_rows() -> list[dict]:
    with SEED.open() as handle:
        return list(csv.DictReader(handle))


def test_the_formula_reproduces_the_published_totals():
    for repo, total in PUBLISHED_TOTALS.items():
        assert decoder_parameters(CONFIGS[repo]) == total, repo


def test_computed_counts_are_the_formula_on_their_config():
    computed = [row for row in seed_rows() if row["method"] in ("config_formula", "safetensors_total")]
    assert len(computed) >= 40
    for row in computed:
        assert int(row["total_parameters"]) == decoder_parameters(CONFIGS[row["repo_id"]]), row["repo_id"]
    formula_counts = {decoder_parameters(c) for c in CONFIGS.values()}
    for row in seed_rows():
        if row["method"] == "config_formula_of_base":
            assert int(row["total_parameters"]) in formula_counts, row["repo_id"]
        if row["checked"] == "formula":  # checked by the formula: recomputed above, nothing else
            assert row["method"] in ("config_formula", "config_formula_of_base"), row["repo_id"]


def test_every_row_has_a_source_and_no_nominal_size_is_exact():
    for row in seed_rows():
        count, precision = int(row["total_parameters"]), int(row["precision"])
        assert row["source_url"].startswith("https://"), row["repo_id"]
        # a figure only remembered, never read again in a published source, has no place here
        assert row["checked"] in ("hub-api.md", "formula", "search"), row["repo_id"]
        if precision == 0:
            assert count % 10_000_000 != 0, row["repo_id"]  # 7.0e9 is a nominal size, not a count
        else:
            assert row["method"] in ("model_card", "hub_page", "paper", "announcement"), row["repo_id"]
            assert precision <= count / 5, row["repo_id"]  # at least the first significant digit


def test_patterns_match_the_names_they_are_meant_for():
    """Each pattern matches real names of its architecture (and contains its prefilter), and the
    name of its own repository where the pattern is written for it; the prefilter is a substring of
    every name the pattern matches."""
    rows = seed_rows()
    names = {
        "llama-2-7b-chat-hf": "meta-llama/Llama-2-7b-hf",
        "vicuna-7b-v1.5": "meta-llama/Llama-2-7b-hf",
        "meditron-7b": "meta-llama/Llama-2-7b-hf",
        "meta-llama-3.1-8b-instruct-abliterated": "meta-llama/Llama-3.1-8B",
        "l3-8b-stheno-v3.2": "meta-llama/Llama-3.1-8B",
        "llama-3.1-tulu-3-8b": "meta-llama/Llama-3.1-8B",
        "qwen2.5-7b-instruct-1m": "Qwen/Qwen2.5-7B",
        "qwen2-vl-7b-instruct": "Qwen/Qwen2-VL-7B-Instruct",
        "deepseek-r1-distill-qwen-7b": "Qwen/Qwen2.5-7B",
        "openhermes-2.5-mistral-7b": "mistralai/Mistral-7B-v0.1",
        "mistral-7b-instruct-v0.3": "mistralai/Mistral-7B-v0.3",
        "gemma-7b-it": "google/gemma-7b",
        "gemma-2-9b-it": "google/gemma-2-9b",
        "phi-3.5-mini-instruct": "microsoft/Phi-3-mini-4k-instruct",
        "phi-3.5-moe-instruct": "microsoft/Phi-3.5-MoE-instruct",
        "olmoe-1b-7b-0924-instruct": "allenai/OLMoE-1B-7B-0924",
        "molmoe-1b-0924": "allenai/MolmoE-1B-0924",
        "qwen1.5-moe-a2.7b-chat": "Qwen/Qwen1.5-MoE-A2.7B",
        "internvl2_5-8b": "OpenGVLab/InternVL2-8B",
        "deepseek-v2-lite-chat": "deepseek-ai/DeepSeek-V2-Lite",
        "deepseek-v2.5-1210": "deepseek-ai/DeepSeek-V2.5",
    }

    def first_match(name: str) -> str | None:
        hits = [row for row in rows if row["name_contains"] in name and re.search(row["name_pattern"], name)]
        hits.sort(key=lambda row: (int(row["precedence"]), -len(row["name_pattern"]), row["repo_id"]))
        return hits[0]["repo_id"] if hits else None

    for name, repo in names.items():
        assert first_match(name) == repo, name
    not_known = ("llama-3", "qwen2.5", "mistral-nemo-minitron-8b", "gemma-scope-2b-pt-res", "falcon-mamba-7b")
    for name in not_known:
        assert first_match(name) is None, name
    for row in rows:
        contains, pattern = row["name_contains"], row["name_pattern"]
        literal = re.sub(r"\\(.)", r"\1", pattern)
        assert contains in literal, (contains, pattern)
