"""The Hub's JSON conventions, shared by every catalogue: field sets, expand rules, timestamps, ids.

Sources: `huggingface_hub` 2.4.0 (`ExpandModelProperty_T`, `ModelInfo`), the hub-docs API page and
the real listing recorded on 2025-01-08 (key order of the default listing items).
"""

from datetime import UTC, date, datetime

import numpy as np

# Values `expand` accepts (huggingface_hub's ExpandModelProperty_T, plus `xetEnabled` from the
# hub-docs); anything else is a 400. The Hub answers them in its own order, not the request's:
# this tuple is that canonical order.
EXPAND_PROPERTIES: tuple[str, ...] = (
    "author",
    "baseModels",
    "cardData",
    "childrenModelCount",
    "config",
    "createdAt",
    "disabled",
    "downloads",
    "downloadsAllTime",
    "evalResults",
    "gated",
    "gguf",
    "inference",
    "inferenceProviderMapping",
    "lastModified",
    "library_name",
    "likes",
    "mask_token",
    "model-index",
    "pipeline_tag",
    "private",
    "resourceGroup",
    "safetensors",
    "sha",
    "siblings",
    "spaces",
    "tags",
    "transformersInfo",
    "trendingScore",
    "usedStorage",
    "widgetData",
    "xetEnabled",
)
# Only `GET /api/models/{id}` computes these (huggingface_hub PR #3182); listings answer 400.
MODEL_INFO_ONLY_EXPAND: frozenset[str] = frozenset({"baseModels", "childrenModelCount", "usedStorage"})

# Keys of a listing item without `expand`/`full`, in the recorded order; absent when valueless.
DEFAULT_LISTING_FIELDS: tuple[str, ...] = (
    "_id",
    "id",
    "likes",
    "trendingScore",
    "private",
    "downloads",
    "tags",
    "pipeline_tag",
    "library_name",
    "createdAt",
    "modelId",
)
# `full=true` adds the repo's metadata and file list to the default fields.
FULL_LISTING_FIELDS: tuple[str, ...] = (
    "_id",
    "id",
    "author",
    "gated",
    "lastModified",
    "likes",
    "trendingScore",
    "private",
    "sha",
    "downloads",
    "tags",
    "pipeline_tag",
    "library_name",
    "createdAt",
    "modelId",
    "siblings",
)
# `GET /api/models/{id}` without `expand`.
MODEL_INFO_FIELDS: tuple[str, ...] = (
    "_id",
    "id",
    "private",
    "pipeline_tag",
    "library_name",
    "tags",
    "downloads",
    "likes",
    "modelId",
    "author",
    "sha",
    "lastModified",
    "gated",
    "disabled",
    "safetensors",
    "gguf",
    "siblings",
    "createdAt",
    "usedStorage",
)

# Listing sorts (always descending); `createdAt` and `lastModified` sort on timestamps.
SORT_FIELDS: tuple[str, ...] = ("downloads", "createdAt", "likes", "trendingScore", "lastModified")
TIMESTAMP_SORTS: frozenset[str] = frozenset({"createdAt", "lastModified"})


def iso_timestamps(epoch_seconds: np.ndarray) -> list[str]:
    """`2024-12-01T06:00:34.000Z` for each Unix time, as the Hub writes dates."""
    text = np.datetime_as_string(np.asarray(epoch_seconds, dtype="datetime64[s]"), unit="s")
    return [f"{value}.000Z" for value in text.tolist()]


def parse_timestamp_ms(text: str) -> int:
    """Unix milliseconds of a Hub timestamp (`2024-12-01T06:00:34.000Z`)."""
    return round(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def format_timestamp_ms(epoch_ms: int) -> str:
    return (
        datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{epoch_ms % 1000:03d}Z"
    )


def epoch_seconds(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
