"""The synthetic world's top listing resembles the real one recorded on 2025-01-08.

The recording is the union of the 1,689 top trending models and the most downloaded ones, 3,180
in all: the world's counterpart is built the same way through the server's own sorts.
"""

import json
import re
from collections import Counter

import numpy as np
import pytest

from simulated_hub.world import SyntheticWorld
from tests.simulated_hub.conftest import TODAY, recording_path

SIZE_IN_NAME = re.compile(r"(?i)(?<![a-z0-9.])(\d+(?:\.\d+)?)([bm])(?![a-z0-9])")


@pytest.fixture(scope="module")
def recording() -> list[dict]:
    return json.loads(recording_path().read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def synthetic(world: SyntheticWorld, recording) -> list[dict]:
    n_trending = sum("trendingScore" in r for r in recording)
    trending = world.listing(TODAY, sort="trendingScore")[:n_trending].tolist()
    chosen = set(trending)
    downloaded = [i for i in world.listing(TODAY, sort="downloads").tolist() if i not in chosen]
    indices = trending + downloaded[: len(recording) - n_trending]
    return world.listing_items(indices, TODAY, None, False)


def shares(records: list[dict], feature) -> Counter:
    counts = Counter(feature(r) for r in records)
    return Counter({k: v / len(records) for k, v in counts.items()})


def relation(record: dict) -> str:
    relations = {t.split(":")[1] for t in record["tags"] if t.startswith("base_model:") and t.count(":") == 2}
    return min(relations, default="none")


def test_the_pipeline_tag_mix_resembles_the_hubs(recording, synthetic):
    real, ours = (
        shares(recording, lambda r: r.get("pipeline_tag")),
        shares(synthetic, lambda r: r.get("pipeline_tag")),
    )
    distance = sum(abs(real[k] - ours[k]) for k in set(real) | set(ours)) / 2
    assert distance < 0.12
    for tag in (None, "text-generation", "text-to-image", "text-classification", "sentence-similarity"):
        assert ours[tag] == pytest.approx(real[tag], abs=0.04), tag


def test_lineage_tags_are_as_common_as_on_the_hub(recording, synthetic):
    real, ours = shares(recording, relation), shares(synthetic, relation)
    assert 1 - ours["none"] == pytest.approx(1 - real["none"], abs=0.05)  # ~27% carry base_model tags
    for kind in ("finetune", "quantized", "adapter", "merge"):
        assert ours[kind] == pytest.approx(real[kind], abs=0.035), kind


def test_libraries_and_weight_formats_resemble_the_hubs(recording, synthetic):
    real, ours = (
        shares(recording, lambda r: r.get("library_name")),
        shares(synthetic, lambda r: r.get("library_name")),
    )
    for library in ("transformers", None, "diffusers", "sentence-transformers"):
        assert ours[library] == pytest.approx(real[library], abs=0.06), library
    for tag, tolerance in (("safetensors", 0.1), ("gguf", 0.04), ("pytorch", 0.2)):
        assert np.mean([tag in r["tags"] for r in synthetic]) == pytest.approx(
            np.mean([tag in r["tags"] for r in recording]), abs=tolerance
        ), tag


def test_downloads_and_likes_are_heavy_tailed_like_the_hubs(recording, synthetic):
    for records in (recording, synthetic):
        downloads = np.array([r["downloads"] for r in records])
        p50, p90, p99 = np.percentile(downloads, [50, 90, 99])
        assert p90 > 5 * p50 and p99 > 50 * p50
    real_likes = np.median([r["likes"] for r in recording])
    assert np.median([r["likes"] for r in synthetic]) == pytest.approx(real_likes, rel=0.6)


def test_recent_models_and_written_sizes_are_as_common_as_on_the_hub(recording, synthetic):
    for feature, tolerance in (
        (lambda r: r["createdAt"] >= "2024", 0.1),
        (lambda r: SIZE_IN_NAME.search(r["id"].split("/")[1]) is not None, 0.1),
    ):
        assert np.mean([feature(r) for r in synthetic]) == pytest.approx(
            np.mean([feature(r) for r in recording]), abs=tolerance
        )
