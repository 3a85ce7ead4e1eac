"""What the synthetic Hub is made of: tasks, model families and their sizes, libraries, licences.

The shares are calibrated on the real listing recorded on 2025-01-08 (`../shared/data/
hub-listing-2025-01-08.json`, 3,180 of the most downloaded and trending models): the pipeline-tag
mix per creation era, which kinds of derived models each task has, licences and languages. Family
sizes are the published parameter counts of well-known releases, so that sizes cluster where they
cluster on the Hub (22.7M MiniLM, 110M BERT-base, 7.24B Mistral, 8.03B Llama-3, 46.7B Mixtral...).
The data itself is in `data/` (families.yaml and CSV tables); this module types and derives it.
"""

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import yaml

# The calibrated data (families, mixes, licences, languages, quantizers) lives in files beside the
# code: data, not literals, to read and review as tables.
DATA_DIR = Path(__file__).parent / "data"


def _csv_rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


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
# What the world's models are, the ground truth of modality tests: the task groups whose models'
# core models natural-language text (a vision-language model is a language model reading images;
# a speech recogniser, an image classifier and a diffusion model are not), and what each task
# works on: its group's modality unless the task says otherwise.
LANGUAGE_GROUPS: frozenset[str] = frozenset({"text-gen", "encoder", "seq2seq", "vlm"})
GROUP_MODALITY: dict[str, str] = {
    "text-gen": "text",
    "encoder": "text",
    "seq2seq": "text",
    "speech": "audio",
    "vision": "vision",
    "diffusion": "vision",
    "vlm": "vision-language",
    "other": "other",
}
TASK_MODALITY_EXCEPTIONS: dict[str, str] = {
    "video-classification": "video",
    "text-to-video": "video",
    "image-to-video": "video",
    "any-to-any": "multimodal",
    "audio-text-to-text": "multimodal",
    "time-series-forecasting": "tabular",
    "tabular-classification": "tabular",
    "tabular-regression": "tabular",
}
TASK_MODALITY: dict[str, str] = {
    p: TASK_MODALITY_EXCEPTIONS.get(p, GROUP_MODALITY[g]) for p, g in GROUP_OF_PIPELINE.items()
}

ERA_ANCHORS: tuple[date, ...] = (date(2021, 10, 1), date(2023, 7, 1), date(2024, 7, 1))


# Pipeline-tag mix (per mille) of models created in each era, from the recording: models created
# up to 2022, in 2023 and from 2024 on, each smoothed with 20% of the all-years mix. An empty tag is
# the ~18% of models without a pipeline tag. The world interpolates linearly between the anchors.
def _pipeline_mix_by_era() -> dict[str | None, tuple[float, float, float]]:
    rows = _csv_rows("pipeline_mix_by_era.csv")
    columns = [f"per_mille_{anchor.isoformat()}" for anchor in ERA_ANCHORS]
    assert rows and list(rows[0])[1:] == columns, "pipeline_mix_by_era.csv: one column per ERA_ANCHORS"
    return {row["pipeline_tag"] or None: tuple(float(row[c]) for c in columns) for row in rows}


PIPELINE_MIX_BY_ERA: dict[str | None, tuple[float, float, float]] = _pipeline_mix_by_era()

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
# A base whose card names its components (a vision tower and a language model) has no kind of
# its own to tell the relation: the Hub calls a card with several bases a merge.
COMPONENTS_RELATION = "merge"
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
    # a vision-language model's vision tower and language model, as (release short, size label)
    # of other sizes: its official releases name both in `base_model:` tags
    components: tuple[tuple[str, str], ...] = ()


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


def _size(params: int, label: str, weight: float = 1.0, components: list | None = None) -> Size:
    return Size(int(params), str(label), weight, tuple(tuple(c) for c in components or ()))


def _families() -> tuple[Family, ...]:
    """data/families.yaml as Family records (lists become tuples; optional fields keep defaults)."""
    families = []
    for raw in yaml.safe_load((DATA_DIR / "families.yaml").read_text()):
        releases = tuple(
            Release(
                **{k: v for k, v in release.items() if k != "sizes"},
                sizes=tuple(_size(*size) for size in release["sizes"]),
            )
            for release in raw.pop("releases")
        )
        pairs = {k: tuple(tuple(pair) for pair in raw.pop(k)) for k in ("pipelines", "libraries")}
        lists = {k: tuple(raw.pop(k)) for k in ("orgs", "card_tags") if k in raw}
        families.append(Family(**raw, **pairs, **lists, releases=releases))
    return tuple(families)


# Family sizes are the published parameter counts of well-known releases (data/families.yaml).
FAMILIES: tuple[Family, ...] = _families()
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
COMMUNITY_LICENSES: tuple[tuple[str | None, float], ...] = tuple(
    (row["license"] or None, float(row["share"])) for row in _csv_rows("community_licenses.csv")
)

# Languages written in tags (share of models listing each one, from the recording).
LANGUAGES: tuple[tuple[str, float], ...] = tuple(
    (row["language"], float(row["share"])) for row in _csv_rows("languages.csv")
)

# Organisations that publish quantizations, with the period they were active.
QUANTIZERS: tuple[tuple[str, date, date, float], ...] = tuple(
    (
        row["author"],
        date.fromisoformat(row["active_from"]),
        date.fromisoformat(row["active_until"]),
        float(row["weight"]),
    )
    for row in _csv_rows("quantizers.csv")
)
