"""What the synthetic Hub is made of: tasks, model families and their sizes, libraries, licences.

The shares are calibrated on the real listing recorded on 2025-01-08 (`../shared/data/
hub-listing-2025-01-08.json`, 3,180 of the most downloaded and trending models): the pipeline-tag
mix per creation era, which kinds of derived models each task has, licences and languages. Family
sizes are the published parameter counts of well-known releases, so that sizes cluster where they
cluster on the Hub (22.7M MiniLM, 110M BERT-base, 7.24B Mistral, 8.03B Llama-3, 46.7B Mixtral...).
"""

from dataclasses import dataclass
from datetime import date

import numpy as np

# Task groups: a derived model (fine-tune, adapter, quantization, merge) takes its parent in its own
# group, so that a text-classification fine-tune descends from an encoder, never from a diffusion model.
PIPELINE_GROUPS: dict[str, tuple[str, ...]] = {
    "text-gen": ("text-generation",),
    "encoder": (
        "fill-mask",
        "text-classification",
        "token-classification",
        "question-answering",
        "zero-shot-classification",
        "sentence-similarity",
        "feature-extraction",
        "table-question-answering",
    ),
    "seq2seq": ("text2text-generation", "translation", "summarization"),
    "speech": (
        "automatic-speech-recognition",
        "audio-classification",
        "text-to-speech",
        "voice-activity-detection",
        "audio-to-audio",
        "text-to-audio",
    ),
    "vision": (
        "image-classification",
        "object-detection",
        "image-segmentation",
        "image-feature-extraction",
        "depth-estimation",
        "zero-shot-image-classification",
        "zero-shot-object-detection",
        "mask-generation",
        "keypoint-detection",
        "video-classification",
    ),
    "diffusion": (
        "text-to-image",
        "image-to-image",
        "unconditional-image-generation",
        "text-to-video",
        "image-to-video",
        "text-to-3d",
        "image-to-3d",
    ),
    "vlm": (
        "image-text-to-text",
        "image-to-text",
        "visual-question-answering",
        "video-text-to-text",
        "any-to-any",
        "document-question-answering",
        "audio-text-to-text",
    ),
    "other": (
        "time-series-forecasting",
        "reinforcement-learning",
        "tabular-classification",
        "tabular-regression",
        "robotics",
        "graph-ml",
    ),
}
GROUPS: tuple[str, ...] = tuple(PIPELINE_GROUPS)
PIPELINES: tuple[str, ...] = tuple(p for group in PIPELINE_GROUPS.values() for p in group)
GROUP_OF_PIPELINE: dict[str, str] = {p: g for g, ps in PIPELINE_GROUPS.items() for p in ps}

# Pipeline-tag mix (per mille) of models created in each era, from the recording: models created
# up to 2022, in 2023 and from 2024 on, each smoothed with 20% of the all-years mix. `None` is the
# ~18% of models without a pipeline tag. The world interpolates linearly between the era anchors.
ERA_ANCHORS: tuple[date, ...] = (date(2021, 10, 1), date(2023, 7, 1), date(2024, 7, 1))
PIPELINE_MIX_BY_ERA: dict[str | None, tuple[float, float, float]] = {
    "text-generation": (95.2, 209.2, 330.7),
    None: (105.1, 137.4, 227.6),
    "text-to-image": (42.1, 110.8, 125.1),
    "text-classification": (101.6, 71.8, 32.1),
    "fill-mask": (109.7, 20.4, 11.3),
    "sentence-similarity": (67.7, 35.8, 27.6),
    "feature-extraction": (49.0, 63.5, 28.4),
    "automatic-speech-recognition": (69.3, 51.0, 20.6),
    "image-text-to-text": (6.4, 17.2, 49.5),
    "text2text-generation": (60.0, 28.8, 12.0),
    "token-classification": (54.9, 17.3, 11.8),
    "image-classification": (44.0, 47.9, 6.6),
    "translation": (62.3, 7.5, 5.8),
    "zero-shot-image-classification": (12.3, 33.3, 6.1),
    "text-to-speech": (4.9, 16.1, 12.6),
    "image-feature-extraction": (7.3, 12.7, 10.1),
    "time-series-forecasting": (1.6, 1.6, 12.9),
    "image-segmentation": (9.4, 10.6, 4.6),
    "audio-classification": (8.5, 16.8, 3.2),
    "question-answering": (15.6, 2.9, 3.7),
    "image-to-image": (2.2, 16.7, 5.9),
    "image-to-text": (14.6, 4.3, 2.6),
    "zero-shot-classification": (11.9, 4.3, 4.0),
    "summarization": (12.7, 4.2, 2.5),
    "object-detection": (8.2, 11.9, 2.0),
    "depth-estimation": (2.7, 2.5, 6.4),
    "text-to-video": (0.8, 2.4, 6.3),
    "image-to-video": (0.7, 3.8, 4.8),
    "visual-question-answering": (3.2, 3.6, 2.4),
    "zero-shot-object-detection": (1.3, 8.1, 0.9),
    "video-classification": (5.8, 0.4, 0.9),
    "text-to-audio": (0.4, 5.0, 1.7),
    "image-to-3d": (0.3, 0.3, 2.6),
    "any-to-any": (0.3, 0.3, 2.6),
    "voice-activity-detection": (2.1, 1.9, 1.2),
    "audio-to-audio": (0.3, 1.9, 2.1),
    "video-text-to-text": (0.3, 1.9, 2.1),
    "mask-generation": (0.3, 6.5, 0.8),
    "text-to-3d": (0.2, 1.7, 1.1),
    "audio-text-to-text": (0.2, 0.2, 1.5),
    "reinforcement-learning": (1.1, 1.7, 0.6),
    "table-question-answering": (1.9, 0.1, 0.1),
    "keypoint-detection": (0.1, 1.7, 0.6),
    "tabular-classification": (0.1, 0.1, 0.5),
    "robotics": (0.1, 0.1, 0.5),
    "tabular-regression": (0.1, 0.1, 0.5),
    "graph-ml": (0.1, 0.1, 0.5),
    "unconditional-image-generation": (1.0, 0.1, 0.1),
    "document-question-answering": (0.1, 1.6, 0.1),
}

# Model kinds. BASE covers everything without a parent in the world: official releases, models
# trained from scratch, and derived models whose card never names a base.
BASE, FINETUNE, ADAPTER, QUANTIZED, MERGE = range(5)
KIND_NAMES: tuple[str, ...] = ("base", "finetune", "adapter", "quantized", "merge")
# The relation each kind writes in its `base_model:<relation>:<id>` tags.
RELATION_OF_KIND: dict[int, str] = {
    FINETUNE: "finetune",
    ADAPTER: "adapter",
    QUANTIZED: "quantized",
    MERGE: "merge",
}
# Which kinds may be a parent of each derived kind (quantizations and adapters are leaves).
PARENT_KINDS: dict[int, tuple[int, ...]] = {
    FINETUNE: (BASE, FINETUNE, MERGE),
    ADAPTER: (BASE, FINETUNE),
    QUANTIZED: (BASE, FINETUNE, MERGE),
    MERGE: (BASE, FINETUNE, MERGE),
}
# How far back (days) a derived model looks for its parent: quantizers chase this month's releases,
# fine-tuners use whatever base is established.
PARENT_WINDOW_DAYS: dict[int, int] = {FINETUNE: 730, ADAPTER: 365, QUANTIZED: 120, MERGE: 240}
# When each derived kind became common on the Hub (GPTQ repos from spring 2023, GGUF from its
# release in August 2023, mergekit merges from autumn 2023); earlier draws fall back to a base.
KIND_START: dict[int, date] = {
    FINETUNE: date(2021, 1, 1),
    ADAPTER: date(2022, 12, 1),
    QUANTIZED: date(2023, 4, 1),
    MERGE: date(2023, 10, 1),
}

# P(kind) per pipeline tag, from the recording's base_model relations per pipeline tag, divided by
# the share of derived models that declare their base (see `declared_probability`).
DEFAULT_KIND_SHARES: dict[int, float] = {FINETUNE: 0.06, QUANTIZED: 0.01}
KIND_SHARES: dict[str | None, dict[int, float]] = {
    "text-generation": {FINETUNE: 0.26, QUANTIZED: 0.28, MERGE: 0.06, ADAPTER: 0.02},
    None: {FINETUNE: 0.14, QUANTIZED: 0.18, ADAPTER: 0.03, MERGE: 0.01},
    "text-to-image": {ADAPTER: 0.42, FINETUNE: 0.11, QUANTIZED: 0.03, MERGE: 0.015},
    "image-to-image": {ADAPTER: 0.3, FINETUNE: 0.08},
    "image-text-to-text": {FINETUNE: 0.25, QUANTIZED: 0.15, MERGE: 0.1, ADAPTER: 0.015},
    "text-classification": {FINETUNE: 0.16, QUANTIZED: 0.02},
    "token-classification": {FINETUNE: 0.14, QUANTIZED: 0.03},
    "automatic-speech-recognition": {FINETUNE: 0.15},
    "text-to-speech": {FINETUNE: 0.2, QUANTIZED: 0.03},
    "sentence-similarity": {FINETUNE: 0.1},
    "question-answering": {FINETUNE: 0.25},
    "text2text-generation": {FINETUNE: 0.1, ADAPTER: 0.01},
    "fill-mask": {FINETUNE: 0.03},
    "feature-extraction": {FINETUNE: 0.03, QUANTIZED: 0.03},
}
# A pipeline-less derived model takes its parent in one of these groups.
NONE_PIPELINE_GROUPS: dict[int, dict[str, float]] = {
    BASE: {
        "text-gen": 0.3,
        "diffusion": 0.15,
        "other": 0.35,
        "speech": 0.08,
        "vision": 0.07,
        "encoder": 0.05,
    },
    FINETUNE: {"text-gen": 0.6, "diffusion": 0.1, "speech": 0.1, "encoder": 0.1, "vision": 0.1},
    ADAPTER: {"diffusion": 0.6, "text-gen": 0.4},
    QUANTIZED: {"text-gen": 0.9, "diffusion": 0.1},
    MERGE: {"text-gen": 1.0},
}


def declared_probability(year: np.ndarray) -> np.ndarray:
    """Share of derived models whose card names their base (Hub `base_model` metadata took off in 2024)."""
    return np.clip(0.35 + (year - 2022.5) * 0.35, 0.35, 0.92)


# Quantization methods: GGUF repos carry only a `gguf` field; GPTQ and AWQ repos carry safetensors
# whose I32-packed weights make `safetensors.total` under-count the true size.
GGUF, GPTQ, AWQ = range(3)
QUANT_START: tuple[date, ...] = (date(2023, 8, 21), date(2023, 4, 1), date(2023, 9, 1))
QUANT_WEIGHTS: tuple[float, ...] = (0.72, 0.16, 0.12)


@dataclass(frozen=True)
class Size:
    """One size of a release: its exact parameter count and how names write it."""

    params: int
    label: str
    weight: float = 1.0


@dataclass(frozen=True)
class Release:
    """A family release (e.g. Llama-3.1): official names, availability window, sizes."""

    stem: str  # official name, "{size}" replaced by the size label
    short: str  # how community names refer to it ("llama-3.1", "qwen2.5")
    start: date
    sizes: tuple[Size, ...]
    end: date = date(2100, 1, 1)  # new bases stop being built on it afterwards
    weight: float = 1.0
    license: str | None = None  # when the release's licence differs from its family's


@dataclass(frozen=True)
class Family:
    key: str
    group: str
    pipelines: tuple[tuple[str, float], ...]
    libraries: tuple[tuple[str | None, float], ...]
    model_type: str | None  # config.model_type, also the architecture tag
    architecture: str | None  # config.architectures[0]
    orgs: tuple[str, ...]
    license: str | None
    releases: tuple[Release, ...]
    weight: float = 1.0
    card_tags: tuple[str, ...] = ()  # extra tags on the official releases
    gated: str | bool = False  # gating of the official releases
    context_length: int = 2048
    # suffix of the fine-tune the organisation publishes of its own releases (`-Instruct`, `-it`,
    # `-mnli`); None: it publishes none
    official_finetune: str | None = None


def _d(text: str) -> date:
    return date.fromisoformat(text)


def _sizes(*items: tuple[float, str] | tuple[float, str, float]) -> tuple[Size, ...]:
    return tuple(Size(int(item[0]), item[1], item[2] if len(item) == 3 else 1.0) for item in items)


TRANSFORMERS = (
    ("transformers", 0.86),
    (None, 0.08),
    ("mlx", 0.02),
    ("vllm", 0.02),
    ("transformers.js", 0.02),
)
FAMILIES: tuple[Family, ...] = (
    # --- text generation -----------------------------------------------------------------------
    Family(
        "gpt2",
        "text-gen",
        (("text-generation", 1),),
        TRANSFORMERS,
        "gpt2",
        "GPT2LMHeadModel",
        ("openai-community",),
        "mit",
        (
            Release(
                "gpt2-{size}",
                "gpt2",
                _d("2021-01-01"),
                _sizes(
                    (124_439_808, "small", 3),
                    (354_823_168, "medium", 2),
                    (774_030_080, "large"),
                    (1_557_611_200, "xl"),
                ),
                end=_d("2023-09-01"),
            ),
        ),
        weight=2.0,
        card_tags=("exbert",),
        official_finetune="Instruct",
    ),
    Family(
        "gpt-neo",
        "text-gen",
        (("text-generation", 1),),
        TRANSFORMERS,
        "gpt_neo",
        "GPTNeoForCausalLM",
        ("EleutherAI",),
        "mit",
        (
            Release(
                "gpt-neo-{size}",
                "gpt-neo",
                _d("2021-03-21"),
                _sizes((125_198_592, "125M", 2), (1_315_575_808, "1.3B"), (2_651_307_520, "2.7B")),
                end=_d("2023-09-01"),
            ),
        ),
        official_finetune="Instruct",
    ),
    Family(
        "opt",
        "text-gen",
        (("text-generation", 1),),
        TRANSFORMERS,
        "opt",
        "OPTForCausalLM",
        ("facebook",),
        "other",
        (
            Release(
                "opt-{size}",
                "opt",
                _d("2022-05-11"),
                _sizes(
                    (125_239_296, "125m", 2),
                    (331_196_416, "350m", 2),
                    (1_315_758_080, "1.3b"),
                    (2_651_596_800, "2.7b"),
                    (6_658_473_984, "6.7b"),
                    (12_853_473_280, "13b", 0.5),
                ),
                end=_d("2023-12-01"),
            ),
        ),
        official_finetune="Instruct",
    ),
    Family(
        "bloom",
        "text-gen",
        (("text-generation", 1),),
        TRANSFORMERS,
        "bloom",
        "BloomForCausalLM",
        ("bigscience",),
        "bigscience-bloom-rail-1.0",
        (
            Release(
                "bloom-{size}",
                "bloom",
                _d("2022-05-19"),
                _sizes(
                    (559_214_592, "560m", 2),
                    (1_065_314_304, "1b1"),
                    (3_002_557_440, "3b"),
                    (7_069_016_064, "7b1"),
                ),
                end=_d("2023-12-01"),
            ),
        ),
        weight=0.6,
        official_finetune="Instruct",
    ),
    Family(
        "llama",
        "text-gen",
        (("text-generation", 1),),
        TRANSFORMERS,
        "llama",
        "LlamaForCausalLM",
        ("meta-llama",),
        None,
        (
            Release(
                "Llama-2-{size}-hf",
                "llama-2",
                _d("2023-07-18"),
                _sizes((6_738_415_616, "7b", 4), (13_015_864_320, "13b", 2), (68_976_648_192, "70b")),
                end=_d("2024-09-01"),
                license="llama2",
            ),
            Release(
                "Meta-Llama-3-{size}",
                "llama-3",
                _d("2024-04-18"),
                _sizes((8_030_261_248, "8B", 5), (70_553_706_496, "70B")),
                weight=1.5,
                license="llama3",
            ),
            Release(
                "Llama-3.1-{size}",
                "llama-3.1",
                _d("2024-07-23"),
                _sizes(
                    (8_030_261_248, "8B", 5), (70_553_706_496, "70B", 1.2), (405_853_388_800, "405B", 0.25)
                ),
                weight=2.0,
                license="llama3.1",
            ),
            Release(
                "Llama-3.2-{size}",
                "llama-3.2",
                _d("2024-09-25"),
                _sizes((1_235_814_400, "1B", 3), (3_212_749_824, "3B", 3)),
                weight=2.0,
                license="llama3.2",
            ),
        ),
        weight=5.0,
        card_tags=("facebook", "meta", "pytorch"),
        gated="manual",
        context_length=131072,
        official_finetune="Instruct",
    ),
    Family(
        "tinyllama",
        "text-gen",
        (("text-generation", 1),),
        TRANSFORMERS,
        "llama",
        "LlamaForCausalLM",
        ("TinyLlama",),
        "apache-2.0",
        (
            Release(
                "TinyLlama-{size}-intermediate-step-1431k-3T",
                "tinyllama",
                _d("2023-09-01"),
                _sizes((1_100_048_384, "1.1B")),
                end=_d("2024-10-01"),
            ),
        ),
        weight=0.8,
        official_finetune="Instruct",
    ),
    Family(
        "mistral",
        "text-gen",
        (("text-generation", 1),),
        TRANSFORMERS,
        "mistral",
        "MistralForCausalLM",
        ("mistralai",),
        "apache-2.0",
        (
            Release(
                "Mistral-{size}-v0.1", "mistral", _d("2023-09-27"), _sizes((7_241_732_096, "7B")), weight=2.5
            ),
            Release("Mixtral-{size}-v0.1", "mixtral", _d("2023-12-11"), _sizes((46_702_792_704, "8x7B"))),
            Release(
                "Mistral-Nemo-Base-2407", "mistral-nemo", _d("2024-07-18"), _sizes((12_247_782_400, "12B"))
            ),
        ),
        weight=3.0,
        gated="auto",
        context_length=32768,
        official_finetune="Instruct",
    ),
    Family(
        "qwen",
        "text-gen",
        (("text-generation", 1),),
        TRANSFORMERS,
        "qwen2",
        "Qwen2ForCausalLM",
        ("Qwen",),
        "apache-2.0",
        (
            # the first Qwen writes its decimal point as `_` (`Qwen-1_8B`), as the Hub's names do
            Release(
                "Qwen-{size}",
                "qwen",
                _d("2023-09-25"),
                _sizes((1_836_828_672, "1_8B"), (7_721_324_544, "7B", 2)),
                end=_d("2024-06-01"),
                weight=0.4,
            ),
            # a mixture of experts named by its active parameters (`A2.7B`): 14.3B in total
            Release(
                "Qwen1.5-MoE-{size}",
                "qwen1.5-moe",
                _d("2024-03-28"),
                _sizes((14_315_784_192, "A2.7B")),
                weight=0.3,
            ),
            Release(
                "Qwen1.5-{size}",
                "qwen1.5",
                _d("2024-02-05"),
                _sizes(
                    (463_987_712, "0.5B", 2),
                    (1_836_828_672, "1.8B"),
                    (7_721_324_544, "7B", 2),
                    (14_167_290_880, "14B"),
                ),
            ),
            Release(
                "Qwen2-{size}",
                "qwen2",
                _d("2024-06-07"),
                _sizes(
                    (494_032_768, "0.5B", 2),
                    (1_543_714_304, "1.5B", 2),
                    (7_615_616_512, "7B", 2),
                    (72_706_203_648, "72B", 0.6),
                ),
            ),
            Release(
                "Qwen2.5-{size}",
                "qwen2.5",
                _d("2024-09-19"),
                _sizes(
                    (494_032_768, "0.5B", 2),
                    (1_543_714_304, "1.5B", 2),
                    (3_085_938_688, "3B", 1.5),
                    (7_615_616_512, "7B", 3),
                    (14_770_033_664, "14B", 1.5),
                    (32_763_876_352, "32B", 1.5),
                    (72_706_203_648, "72B", 0.8),
                ),
                weight=2.5,
            ),
        ),
        weight=4.0,
        context_length=32768,
        official_finetune="Instruct",
    ),
    Family(
        "gemma",
        "text-gen",
        (("text-generation", 1),),
        TRANSFORMERS,
        "gemma2",
        "Gemma2ForCausalLM",
        ("google",),
        "gemma",
        (
            Release(
                "gemma-{size}",
                "gemma",
                _d("2024-02-21"),
                _sizes((2_506_172_416, "2b"), (8_537_680_896, "7b")),
            ),
            Release(
                "gemma-2-{size}",
                "gemma-2",
                _d("2024-06-27"),
                _sizes((2_614_341_888, "2b", 2), (9_241_705_984, "9b", 2), (27_227_128_320, "27b")),
            ),
        ),
        weight=2.0,
        gated="manual",
        context_length=8192,
        official_finetune="it",
    ),
    Family(
        "phi",
        "text-gen",
        (("text-generation", 1),),
        TRANSFORMERS,
        "phi3",
        "Phi3ForCausalLM",
        ("microsoft",),
        "mit",
        (
            Release("phi-2", "phi-2", _d("2023-12-13"), _sizes((2_779_683_840, ""))),
            Release(
                "Phi-3-{size}-4k-instruct",
                "phi-3",
                _d("2024-04-23"),
                _sizes((3_821_079_552, "mini", 2), (13_960_238_080, "medium")),
            ),
            Release(
                "Phi-3.5-MoE-instruct",
                "phi-3.5-moe",
                _d("2024-08-20"),
                _sizes((41_873_153_344, "")),
                weight=0.3,
            ),
        ),
        weight=1.2,
        card_tags=("nlp", "code"),
        context_length=4096,
        official_finetune="Instruct",
    ),
    Family(
        "falcon",
        "text-gen",
        (("text-generation", 1),),
        TRANSFORMERS,
        "falcon",
        "FalconForCausalLM",
        ("tiiuae",),
        "apache-2.0",
        (
            Release(
                "falcon-{size}",
                "falcon",
                _d("2023-05-24"),
                _sizes((6_921_720_704, "7b", 3), (41_303_293_952, "40b")),
            ),
        ),
        weight=0.7,
        official_finetune="Instruct",
    ),
    Family(
        "smollm",
        "text-gen",
        (("text-generation", 1),),
        TRANSFORMERS,
        "llama",
        "LlamaForCausalLM",
        ("HuggingFaceTB",),
        "apache-2.0",
        (
            Release(
                "SmolLM2-{size}",
                "smollm2",
                _d("2024-07-16"),
                _sizes((134_515_008, "135M"), (361_821_120, "360M"), (1_711_376_384, "1.7B")),
            ),
        ),
        weight=0.8,
        official_finetune="Instruct",
    ),
    Family(
        "olmo",
        "text-gen",
        (("text-generation", 1),),
        TRANSFORMERS,
        "olmo",
        "OlmoForCausalLM",
        ("allenai",),
        "apache-2.0",
        (
            # a "7B" of 6.89B parameters: an SLM by the study's rule
            Release("OLMo-{size}-hf", "olmo", _d("2024-02-01"), _sizes((6_888_095_744, "7B"))),
            # a mixture of experts named `<active>-<total>`: 6.92B in total
            Release("OLMoE-{size}-0924", "olmoe", _d("2024-09-03"), _sizes((6_919_161_856, "1B-7B"))),
        ),
        weight=0.4,
        official_finetune="Instruct",
    ),
    # Repos named after a large model that are not a model of its size: sparse autoencoders
    # trained on its activations, and a speculative-decoding head (true sizes: their weights).
    Family(
        "sae",
        "text-gen",
        (("text-generation", 1),),
        ((None, 0.7), ("transformers", 0.3)),
        None,
        None,
        ("EleutherAI",),
        "mit",
        (
            Release(
                "sae-llama-3.1-8b-{size}",
                "sae-llama-3.1-8b",
                _d("2024-08-01"),
                _sizes((2_148_007_936, "64x"), (1_074_003_968, "32x")),
            ),
        ),
        weight=0.06,
    ),
    Family(
        "speculator",
        "text-gen",
        (("text-generation", 1),),
        TRANSFORMERS,
        "mlp_speculator",
        "MLPSpeculatorPreTrainedModel",
        ("ibm-fms",),
        "llama3",
        (
            Release(
                "llama3-8b-accelerator", "llama3-8b-accelerator", _d("2024-05-01"), _sizes((805_306_368, ""))
            ),
        ),
        weight=0.05,
    ),
    # --- encoders --------------------------------------------------------------------------------
    Family(
        "bert",
        "encoder",
        (("fill-mask", 1),),
        (("transformers", 0.95), (None, 0.05)),
        "bert",
        "BertForMaskedLM",
        ("google-bert",),
        "apache-2.0",
        (
            Release(
                "bert-{size}-uncased",
                "bert",
                _d("2021-01-01"),
                _sizes((109_514_298, "base", 3), (335_174_458, "large")),
            ),
        ),
        weight=3.0,
        card_tags=("exbert",),
        context_length=512,
        official_finetune="finetuned-squad",
    ),
    Family(
        "distilbert",
        "encoder",
        (("fill-mask", 1),),
        (("transformers", 1),),
        "distilbert",
        "DistilBertForMaskedLM",
        ("distilbert",),
        "apache-2.0",
        (Release("distilbert-{size}-uncased", "distilbert", _d("2021-01-01"), _sizes((66_985_530, "base"))),),
        weight=2.0,
        context_length=512,
        official_finetune="finetuned-sst-2-english",
    ),
    Family(
        "roberta",
        "encoder",
        (("fill-mask", 1),),
        (("transformers", 1),),
        "roberta",
        "RobertaForMaskedLM",
        ("FacebookAI",),
        "mit",
        (
            Release(
                "roberta-{size}",
                "roberta",
                _d("2021-01-01"),
                _sizes((124_697_433, "base", 2), (355_359_833, "large")),
            ),
            Release(
                "xlm-roberta-{size}",
                "xlm-roberta",
                _d("2021-01-01"),
                _sizes((278_295_186, "base", 2), (560_142_482, "large")),
            ),
        ),
        weight=2.5,
        context_length=512,
        official_finetune="mnli",
    ),
    Family(
        "deberta",
        "encoder",
        (("fill-mask", 1),),
        (("transformers", 1),),
        "deberta-v2",
        "DebertaV2ForMaskedLM",
        ("microsoft",),
        "mit",
        (
            Release(
                "deberta-v3-{size}",
                "deberta-v3",
                _d("2021-11-18"),
                _sizes((184_422_913, "base", 2), (435_063_809, "large")),
            ),
        ),
        weight=1.5,
        context_length=512,
        official_finetune="mnli",
    ),
    Family(
        "minilm",
        "encoder",
        (("sentence-similarity", 0.8), ("feature-extraction", 0.2)),
        (("sentence-transformers", 0.65), ("transformers", 0.35)),
        "bert",
        "BertModel",
        ("sentence-transformers",),
        "apache-2.0",
        (
            Release(
                "all-MiniLM-{size}-v2",
                "minilm",
                _d("2021-01-01"),
                _sizes((22_713_216, "L6", 3), (33_360_000, "L12")),
            ),
            Release("all-mpnet-{size}-v2", "mpnet", _d("2021-08-30"), _sizes((109_486_464, "base"))),
        ),
        weight=2.5,
        card_tags=("text-embeddings-inference",),
        context_length=512,
    ),
    Family(
        "bge",
        "encoder",
        (("feature-extraction", 0.6), ("sentence-similarity", 0.4)),
        (("sentence-transformers", 0.4), ("transformers", 0.6)),
        "bert",
        "BertModel",
        ("BAAI", "intfloat"),
        "mit",
        (
            Release(
                "bge-{size}-en-v1.5",
                "bge",
                _d("2023-08-02"),
                _sizes((33_360_000, "small"), (109_482_240, "base", 2), (335_141_888, "large")),
            ),
            Release(
                "multilingual-e5-{size}",
                "e5",
                _d("2023-06-30"),
                _sizes((117_653_760, "small"), (278_043_648, "base"), (559_890_432, "large")),
            ),
        ),
        weight=2.0,
        card_tags=("mteb", "text-embeddings-inference"),
        context_length=512,
    ),
    # --- sequence to sequence ------------------------------------------------------------------------
    Family(
        "t5",
        "seq2seq",
        (("text2text-generation", 0.7), ("summarization", 0.15), ("translation", 0.15)),
        (("transformers", 1),),
        "t5",
        "T5ForConditionalGeneration",
        ("google-t5", "google"),
        "apache-2.0",
        (
            Release(
                "t5-{size}",
                "t5",
                _d("2021-01-01"),
                _sizes(
                    (60_506_624, "small", 2),
                    (222_903_552, "base", 2),
                    (737_668_096, "large"),
                    (2_851_598_336, "3b", 0.3),
                ),
                end=_d("2023-06-01"),
            ),
            Release(
                "flan-t5-{size}",
                "flan-t5",
                _d("2022-10-21"),
                _sizes(
                    (76_961_152, "small"),
                    (247_577_856, "base", 2),
                    (783_150_080, "large"),
                    (2_849_757_184, "xl", 0.5),
                ),
            ),
        ),
        weight=3.0,
        context_length=512,
    ),
    Family(
        "bart",
        "seq2seq",
        (("summarization", 0.5), ("text2text-generation", 0.5)),
        (("transformers", 1),),
        "bart",
        "BartForConditionalGeneration",
        ("facebook",),
        "apache-2.0",
        (
            Release(
                "bart-{size}",
                "bart",
                _d("2021-01-01"),
                _sizes((139_420_416, "base"), (406_291_456, "large", 2)),
            ),
        ),
        weight=1.5,
        context_length=1024,
        official_finetune="cnn",
    ),
    Family(
        "marian",
        "seq2seq",
        (("translation", 1),),
        (("transformers", 0.9), ("ctranslate2", 0.1)),
        "marian",
        "MarianMTModel",
        ("Helsinki-NLP",),
        "apache-2.0",
        (
            Release(
                "opus-mt-{size}",
                "opus-mt",
                _d("2021-01-01"),
                _sizes(
                    (74_410_496, "en-de"), (75_131_392, "en-fr"), (77_943_296, "zh-en"), (76_381_184, "en-es")
                ),
            ),
        ),
        weight=2.5,
        context_length=512,
    ),
    Family(
        "nllb",
        "seq2seq",
        (("translation", 1),),
        (("transformers", 1),),
        "m2m_100",
        "M2M100ForConditionalGeneration",
        ("facebook",),
        "cc-by-nc-4.0",
        (
            Release(
                "nllb-200-{size}",
                "nllb-200",
                _d("2022-07-08"),
                _sizes(
                    (615_073_792, "distilled-600M", 2), (1_370_638_336, "1.3B"), (3_344_863_232, "3.3B", 0.5)
                ),
            ),
        ),
        weight=0.6,
        context_length=1024,
    ),
    # --- speech ----------------------------------------------------------------------------------
    Family(
        "wav2vec2",
        "speech",
        (("automatic-speech-recognition", 0.8), ("audio-classification", 0.2)),
        (("transformers", 1),),
        "wav2vec2",
        "Wav2Vec2ForCTC",
        ("facebook",),
        "apache-2.0",
        (
            Release(
                "wav2vec2-{size}-960h",
                "wav2vec2",
                _d("2021-01-01"),
                _sizes((94_396_320, "base", 2), (315_461_792, "large")),
            ),
        ),
        weight=2.0,
        card_tags=("audio", "speech"),
        context_length=0,
        official_finetune="lv-60-self",
    ),
    Family(
        "whisper",
        "speech",
        (("automatic-speech-recognition", 1),),
        (("transformers", 0.8), ("ctranslate2", 0.1), (None, 0.1)),
        "whisper",
        "WhisperForConditionalGeneration",
        ("openai",),
        "apache-2.0",
        (
            Release(
                "whisper-{size}",
                "whisper",
                _d("2022-09-21"),
                _sizes(
                    (37_760_640, "tiny", 2),
                    (72_593_920, "base", 2),
                    (241_734_912, "small", 3),
                    (763_857_920, "medium"),
                    (1_543_490_560, "large-v3", 2),
                    (808_878_080, "large-v3-turbo"),
                ),
            ),
        ),
        weight=2.5,
        card_tags=("audio", "hf-asr-leaderboard"),
        context_length=0,
    ),
    Family(
        "audio-misc",
        "speech",
        (
            ("audio-classification", 0.3),
            ("text-to-speech", 0.4),
            ("voice-activity-detection", 0.1),
            ("audio-to-audio", 0.1),
            ("text-to-audio", 0.1),
        ),
        (("transformers", 0.4), (None, 0.3), ("pyannote-audio", 0.1), ("speechbrain", 0.1), ("nemo", 0.1)),
        "speecht5",
        "SpeechT5ForTextToSpeech",
        ("microsoft", "pyannote", "nvidia"),
        "mit",
        (
            Release(
                "speecht5-{size}",
                "speecht5",
                _d("2021-01-01"),
                _sizes((144_433_921, "tts"), (86_189_000, "ast")),
            ),
            Release(
                "parler-tts-{size}-v1",
                "parler-tts",
                _d("2024-04-01"),
                _sizes((880_000_000, "mini"), (2_300_000_000, "large")),
            ),
        ),
        weight=1.5,
        context_length=0,
    ),
    # --- vision --------------------------------------------------------------------------------
    Family(
        "vit",
        "vision",
        (("image-classification", 0.85), ("image-feature-extraction", 0.15)),
        (("transformers", 0.6), ("timm", 0.4)),
        "vit",
        "ViTForImageClassification",
        ("google", "timm"),
        "apache-2.0",
        (
            Release(
                "vit-{size}-patch16-224",
                "vit",
                _d("2021-01-01"),
                _sizes(
                    (5_717_416, "tiny"),
                    (22_050_664, "small"),
                    (86_567_656, "base", 3),
                    (304_326_632, "large"),
                ),
            ),
        ),
        weight=3.0,
        card_tags=("vision",),
        context_length=0,
    ),
    Family(
        "resnet",
        "vision",
        (("image-classification", 0.7), ("object-detection", 0.3)),
        (("transformers", 0.5), ("timm", 0.5)),
        "resnet",
        "ResNetForImageClassification",
        ("microsoft", "facebook"),
        "apache-2.0",
        (
            Release(
                "resnet-{size}", "resnet", _d("2021-01-01"), _sizes((11_689_512, "18"), (25_557_032, "50", 3))
            ),
        ),
        weight=1.5,
        card_tags=("vision",),
        context_length=0,
    ),
    Family(
        "clip",
        "vision",
        (("zero-shot-image-classification", 1),),
        (("transformers", 0.6), ("open_clip", 0.4)),
        "clip",
        "CLIPModel",
        ("openai", "laion"),
        "mit",
        (
            Release(
                "clip-vit-{size}",
                "clip",
                _d("2021-01-01"),
                _sizes((151_277_313, "base-patch32", 2), (427_616_513, "large-patch14")),
            ),
        ),
        weight=1.5,
        card_tags=("vision",),
        context_length=77,
    ),
    Family(
        "dinov2",
        "vision",
        (
            ("image-feature-extraction", 0.5),
            ("depth-estimation", 0.2),
            ("image-segmentation", 0.15),
            ("mask-generation", 0.05),
            ("zero-shot-object-detection", 0.05),
            ("keypoint-detection", 0.05),
        ),
        (("transformers", 1),),
        "dinov2",
        "Dinov2Model",
        ("facebook",),
        "apache-2.0",
        (
            Release(
                "dinov2-{size}",
                "dinov2",
                _d("2023-04-17"),
                _sizes(
                    (22_056_576, "small"),
                    (86_580_480, "base", 2),
                    (304_368_640, "large"),
                    (1_136_480_768, "giant", 0.3),
                ),
            ),
        ),
        weight=1.5,
        card_tags=("vision",),
        context_length=0,
    ),
    Family(
        "detr",
        "vision",
        (
            ("object-detection", 0.5),
            ("image-segmentation", 0.3),
            ("video-classification", 0.1),
            ("zero-shot-object-detection", 0.1),
        ),
        (("transformers", 0.8), ("ultralytics", 0.2)),
        "detr",
        "DetrForObjectDetection",
        ("facebook", "nvidia"),
        "apache-2.0",
        (
            Release(
                "detr-resnet-{size}",
                "detr",
                _d("2021-01-01"),
                _sizes((41_631_008, "50", 2), (60_623_136, "101")),
            ),
        ),
        weight=1.0,
        card_tags=("vision",),
        context_length=0,
    ),
    # --- diffusion -------------------------------------------------------------------------------
    Family(
        "stable-diffusion",
        "diffusion",
        (("text-to-image", 0.85), ("image-to-image", 0.15)),
        (("diffusers", 0.85), (None, 0.15)),
        None,
        "StableDiffusionPipeline",
        ("stable-diffusion-v1-5", "stabilityai"),
        "creativeml-openrail-m",
        (
            Release(
                "stable-diffusion-{size}",
                "sd",
                _d("2022-08-22"),
                _sizes((1_066_235_307, "v1-5")),
                end=_d("2024-06-01"),
            ),
            Release(
                "stable-diffusion-{size}",
                "sd2",
                _d("2022-11-23"),
                _sizes((1_289_952_427, "2-1")),
                end=_d("2024-01-01"),
            ),
            Release(
                "stable-diffusion-{size}",
                "sdxl",
                _d("2023-07-26"),
                _sizes((3_468_027_372, "xl-base-1.0")),
                weight=2.0,
            ),
            Release(
                "stable-diffusion-{size}",
                "sd3",
                _d("2024-06-12"),
                _sizes((2_028_328_000, "3-medium"), (8_056_000_000, "3.5-large")),
            ),
        ),
        weight=3.0,
        card_tags=("stable-diffusion", "stable-diffusion-diffusers"),
        context_length=0,
    ),
    Family(
        "flux",
        "diffusion",
        (("text-to-image", 0.9), ("image-to-image", 0.1)),
        (("diffusers", 0.9), (None, 0.1)),
        None,
        "FluxPipeline",
        ("black-forest-labs",),
        "other",
        (
            Release(
                "FLUX.1-{size}",
                "flux",
                _d("2024-08-01"),
                _sizes((11_901_408_320, "dev", 2), (11_901_408_320, "schnell")),
            ),
        ),
        weight=4.0,
        card_tags=("flux", "image-generation"),
        gated="auto",
        context_length=0,
    ),
    Family(
        "video-diffusion",
        "diffusion",
        (("text-to-video", 0.45), ("image-to-video", 0.35), ("text-to-3d", 0.1), ("image-to-3d", 0.1)),
        (("diffusers", 0.7), (None, 0.3)),
        None,
        "CogVideoXPipeline",
        ("THUDM", "tencent", "Lightricks"),
        "other",
        (
            Release(
                "CogVideoX-{size}",
                "cogvideox",
                _d("2024-08-05"),
                _sizes((5_570_000_000, "5b"), (1_690_000_000, "2b")),
            ),
            Release("HunyuanVideo-{size}", "hunyuanvideo", _d("2024-12-01"), _sizes((12_821_000_000, "13B"))),
        ),
        weight=1.0,
        context_length=0,
    ),
    # --- vision-language -----------------------------------------------------------------------------
    Family(
        "blip",
        "vlm",
        (("image-to-text", 0.7), ("visual-question-answering", 0.2), ("document-question-answering", 0.1)),
        (("transformers", 1),),
        "blip",
        "BlipForConditionalGeneration",
        ("Salesforce",),
        "bsd-3-clause",
        (
            Release(
                "blip-image-captioning-{size}",
                "blip",
                _d("2022-12-12"),
                _sizes((247_414_076, "base"), (469_733_436, "large")),
            ),
        ),
        weight=1.0,
        card_tags=("image-captioning",),
        context_length=512,
        official_finetune="Instruct",
    ),
    Family(
        "llava",
        "vlm",
        (("image-text-to-text", 0.9), ("video-text-to-text", 0.1)),
        (("transformers", 1),),
        "llava",
        "LlavaForConditionalGeneration",
        ("llava-hf",),
        "llama2",
        (
            Release(
                "llava-1.5-{size}-hf",
                "llava-1.5",
                _d("2023-12-05"),
                _sizes((7_063_427_072, "7b", 2), (13_350_839_296, "13b")),
            ),
        ),
        weight=1.2,
        card_tags=("vision",),
        context_length=4096,
        official_finetune="Instruct",
    ),
    Family(
        "qwen-vl",
        "vlm",
        (
            ("image-text-to-text", 0.85),
            ("video-text-to-text", 0.05),
            ("any-to-any", 0.05),
            ("audio-text-to-text", 0.05),
        ),
        (("transformers", 1),),
        "qwen2_vl",
        "Qwen2VLForConditionalGeneration",
        ("Qwen",),
        "apache-2.0",
        (
            Release(
                "Qwen2-VL-{size}-Instruct",
                "qwen2-vl",
                _d("2024-08-29"),
                _sizes((2_208_985_600, "2B", 2), (8_291_375_616, "7B", 2), (73_405_560_320, "72B", 0.5)),
            ),
        ),
        weight=1.5,
        card_tags=("multimodal",),
        context_length=32768,
        official_finetune="Instruct",
    ),
    Family(
        "paligemma",
        "vlm",
        (("image-text-to-text", 1),),
        (("transformers", 1),),
        "paligemma",
        "PaliGemmaForConditionalGeneration",
        ("google",),
        "gemma",
        (Release("paligemma-{size}-pt-224", "paligemma", _d("2024-05-14"), _sizes((2_923_335_408, "3b"))),),
        weight=0.8,
        gated="manual",
        context_length=8192,
        official_finetune="Instruct",
    ),
    Family(
        "llama-vision",
        "vlm",
        (("image-text-to-text", 1),),
        (("transformers", 1),),
        "mllama",
        "MllamaForConditionalGeneration",
        ("meta-llama",),
        "llama3.2",
        (
            Release(
                "Llama-3.2-{size}-Vision",
                "llama-3.2-vision",
                _d("2024-09-25"),
                _sizes((10_670_220_835, "11B", 3), (88_648_000_000, "90B")),
            ),
        ),
        weight=1.0,
        card_tags=("facebook", "meta", "pytorch"),
        gated="manual",
        context_length=131072,
        official_finetune="Instruct",
    ),
    # --- everything else -------------------------------------------------------------------------
    Family(
        "chronos",
        "other",
        (("time-series-forecasting", 1),),
        (("transformers", 0.6), (None, 0.4)),
        "t5",
        "T5ForConditionalGeneration",
        ("amazon", "autogluon"),
        "apache-2.0",
        (
            Release(
                "chronos-t5-{size}",
                "chronos",
                _d("2024-03-12"),
                _sizes(
                    (8_394_496, "tiny", 2),
                    (46_150_912, "small", 2),
                    (200_775_168, "base"),
                    (709_236_224, "large"),
                ),
            ),
        ),
        weight=1.0,
        card_tags=("time series", "forecasting"),
        context_length=512,
    ),
    Family(
        "misc",
        "other",
        (
            ("reinforcement-learning", 0.4),
            ("tabular-classification", 0.15),
            ("tabular-regression", 0.15),
            ("robotics", 0.15),
            ("graph-ml", 0.15),
        ),
        ((None, 0.5), ("stable-baselines3", 0.2), ("ml-agents", 0.1), ("sklearn", 0.1), ("keras", 0.1)),
        None,
        None,
        ("sb3", "Unity"),
        "mit",
        (
            Release(
                "ppo-{size}",
                "ppo",
                _d("2021-01-01"),
                _sizes(
                    (2_000_000, "LunarLander-v2", 3), (9_000_000, "Huggy"), (25_000_000, "SnowballTarget")
                ),
            ),
        ),
        weight=1.0,
        context_length=0,
    ),
)
# The family that serves a task of its group when no other family does (yet) on that date.
GENERIC_FAMILY_BY_GROUP: dict[str, str] = {
    "text-gen": "gpt2",
    "encoder": "bert",
    "seq2seq": "t5",
    "speech": "wav2vec2",
    "vision": "vit",
    "diffusion": "stable-diffusion",
    "vlm": "blip",
    "other": "misc",
}

# Licences of community models (official releases use their family's), from the recording.
COMMUNITY_LICENSES: tuple[tuple[str | None, float], ...] = (
    ("apache-2.0", 0.33),
    (None, 0.22),
    ("mit", 0.15),
    ("other", 0.1),
    ("cc-by-nc-4.0", 0.04),
    ("creativeml-openrail-m", 0.03),
    ("llama3.1", 0.02),
    ("llama3", 0.02),
    ("cc-by-4.0", 0.015),
    ("cc-by-nc-sa-4.0", 0.015),
    ("gemma", 0.01),
    ("llama2", 0.01),
    ("openrail++", 0.01),
    ("cc-by-sa-4.0", 0.01),
    ("gpl-3.0", 0.005),
    ("bsd-3-clause", 0.005),
)

# Languages written in tags (share of models listing each one, from the recording).
LANGUAGES: tuple[tuple[str, float], ...] = (
    ("en", 0.43),
    ("zh", 0.07),
    ("fr", 0.085),
    ("de", 0.08),
    ("es", 0.075),
    ("ja", 0.055),
    ("ko", 0.05),
    ("ru", 0.055),
    ("it", 0.07),
    ("pt", 0.07),
    ("hi", 0.055),
    ("ar", 0.04),
    ("multilingual", 0.04),
    ("code", 0.02),
)

# Organisations that publish quantizations, with the period they were active.
QUANTIZERS: tuple[tuple[str, date, date, float], ...] = (
    ("TheBloke", date(2023, 3, 15), date(2024, 2, 1), 5.0),
    ("bartowski", date(2024, 2, 1), date(2100, 1, 1), 4.0),
    ("mradermacher", date(2024, 1, 1), date(2100, 1, 1), 5.0),
    ("QuantFactory", date(2024, 4, 1), date(2100, 1, 1), 2.0),
    ("MaziyarPanahi", date(2023, 12, 1), date(2100, 1, 1), 1.5),
    ("unsloth", date(2024, 2, 1), date(2100, 1, 1), 1.5),
    ("lmstudio-community", date(2024, 4, 1), date(2100, 1, 1), 1.0),
)
