"""A small hand-made Hub snapshot history for the dbt project's tests.

Seven models, written the way the Dagster ingestion stores them (one raw row per record received),
on two snapshot dates with the listings `top`, `pipeline_tag:text-generation`,
`pipeline_tag:fill-mask` and, on the second date, `new`:

| model               | size (parameters)            | class   | created (UTC)        | task tags            |
| ------------------- | ---------------------------- | ------- | -------------------- | -------------------- |
| acme/tiny-bert      | safetensors 110,000,000      | SLM     | 2023-06-15           | fill-mask            |
| acme/chat-7b        | safetensors 7,000,000,000    | LLM     | 2024-05-10           | text-generation      |
| acme/chat-7b-gguf   | gguf only 6,999,999,999      | SLM     | 2024-05-20           | text-generation      |
| acme/mystery        | neither                      | unknown | 2024-06-01           | text-generation      |
| big/llm-70b         | safetensors 70,000,000,000   | LLM     | 2024-06-30 23:30     | text-generation,     |
|                     |                              |         |                      | image-text-to-text   |
| uni/tiny-mlm        | safetensors 500,000,000      | SLM     | 2024-12-31 23:59:59  | fill-mask            |
| new/fresh           | neither                      | unknown | 2025-01-07           | (none)               |

Every model also carries non-task tags (`en`, `license:mit`, `region:us`, `conversational`,
`gguf`, `base_model:...`, `arxiv:...`). On DAY_2 the top listing serves acme/chat-7b twice, at
ranks 2 and 4 with different download counts: only rank 2 may count.
"""

import json
from datetime import UTC, date, datetime, timedelta

DAY_1 = date(2025, 1, 7)
DAY_2 = date(2025, 1, 8)

TOP = "top"
TEXT_GENERATION = "pipeline_tag:text-generation"
FILL_MASK = "pipeline_tag:fill-mask"
NEW = "new"

_MODELS = {
    "acme/tiny-bert": {
        "author": "acme",
        "createdAt": "2023-06-15T08:00:00.000Z",
        "lastModified": "2023-07-01T08:00:00.000Z",
        "pipeline_tag": "fill-mask",
        "library_name": "transformers",
        "tags": ["transformers", "safetensors", "bert", "fill-mask", "en", "license:mit", "region:us"],
        "safetensors": {"parameters": {"F32": 110_000_000}, "total": 110_000_000},
        "gated": False,
        "private": False,
    },
    "acme/chat-7b": {
        "author": "acme",
        "createdAt": "2024-05-10T12:00:00.000Z",
        "lastModified": "2024-11-02T09:30:00.000Z",
        "pipeline_tag": "text-generation",
        "library_name": "transformers",
        "tags": [
            "transformers",
            "safetensors",
            "llama",
            "text-generation",
            "conversational",
            "en",
            "arxiv:2307.09288",
            "license:apache-2.0",
            "region:us",
        ],
        "safetensors": {"parameters": {"BF16": 7_000_000_000}, "total": 7_000_000_000},
        "gated": "manual",
        "private": False,
    },
    "acme/chat-7b-gguf": {
        "author": "acme",
        "createdAt": "2024-05-20T00:00:00.000Z",
        "lastModified": "2024-05-21T00:00:00.000Z",
        "pipeline_tag": "text-generation",
        "library_name": "gguf",
        "tags": [
            "gguf",
            "text-generation",
            "en",
            "base_model:acme/chat-7b",
            "base_model:quantized:acme/chat-7b",
            "region:us",
        ],
        "gguf": {"total": 6_999_999_999, "architecture": "llama", "context_length": 8192},
        "gated": False,
        "private": False,
    },
    "acme/mystery": {
        "author": "acme",
        "createdAt": "2024-06-01T00:00:00.000Z",
        "lastModified": "2024-06-01T00:00:00.000Z",
        "pipeline_tag": "text-generation",
        "tags": ["text-generation", "en", "license:mit"],
        "gated": "auto",
        "private": False,
    },
    "big/llm-70b": {
        "author": "big",
        # 23:30 UTC on the last day of June: June, whatever the session's time zone.
        "createdAt": "2024-06-30T23:30:00.000Z",
        "lastModified": "2024-08-01T00:00:00.000Z",
        "pipeline_tag": "text-generation",
        "library_name": "transformers",
        "tags": [
            "transformers",
            "safetensors",
            "text-generation",
            "image-text-to-text",
            "multilingual",
            "license:other",
            "region:us",
        ],
        "safetensors": {"parameters": {"BF16": 70_000_000_000}, "total": 70_000_000_000},
        "gated": False,
        "private": False,
    },
    "uni/tiny-mlm": {
        "author": "uni",
        "createdAt": "2024-12-31T23:59:59.000Z",
        "lastModified": "2024-12-31T23:59:59.000Z",
        "pipeline_tag": "fill-mask",
        "library_name": "transformers",
        "tags": ["transformers", "fill-mask", "fr", "license:mit", "region:eu"],
        "safetensors": {"parameters": {"F32": 500_000_000}, "total": 500_000_000},
        "gated": False,
        "private": False,
    },
    "new/fresh": {
        "author": "new",
        "createdAt": "2025-01-07T00:00:00.000Z",
        "lastModified": "2025-01-07T00:00:00.000Z",
        "tags": ["region:us"],
        "gated": False,
        "private": False,
    },
}

# (listing, rank, model_id, 30-day downloads) per snapshot date, in the order received.
_LISTINGS = {
    DAY_1: [
        (TOP, 1, "acme/tiny-bert", 900),
        (TOP, 2, "acme/chat-7b", 450),
        (TOP, 3, "acme/mystery", 150),
        (TEXT_GENERATION, 1, "acme/chat-7b", 450),
        (TEXT_GENERATION, 2, "acme/mystery", 150),
        (FILL_MASK, 1, "acme/tiny-bert", 900),
    ],
    DAY_2: [
        (TOP, 1, "acme/tiny-bert", 1000),
        (TOP, 2, "acme/chat-7b", 500),
        (TOP, 3, "acme/chat-7b-gguf", 300),
        # the same model again, counted while the page order shifted: must not count
        (TOP, 4, "acme/chat-7b", 999),
        (TOP, 5, "acme/mystery", 200),
        (TOP, 6, "big/llm-70b", 100),
        (TEXT_GENERATION, 1, "acme/chat-7b", 500),
        (TEXT_GENERATION, 2, "acme/chat-7b-gguf", 300),
        (TEXT_GENERATION, 3, "big/llm-70b", 100),
        (TEXT_GENERATION, 4, "acme/mystery", 200),
        (FILL_MASK, 1, "acme/tiny-bert", 1000),
        (FILL_MASK, 2, "uni/tiny-mlm", 50),
        (NEW, 1, "new/fresh", 3),
    ],
}


def _object_id(model_id: str) -> str:
    """A Hub `_id`: an ObjectId whose first 8 hex digits are the creation Unix time."""
    created = datetime.fromisoformat(_MODELS[model_id]["createdAt"])
    return f"{int(created.timestamp()):08x}{list(_MODELS).index(model_id):016x}"


def record(model_id: str, downloads: int) -> dict:
    """The record as the Hub returns it with `expand`: `_id`, `id` and the model's fields."""
    return {
        "_id": _object_id(model_id),
        "id": model_id,
        **_MODELS[model_id],
        "downloads": downloads,
        "downloadsAllTime": downloads * 10,
        "likes": downloads // 100,
        "trendingScore": downloads // 50,
    }


def _two_am_utc(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=2)


def snapshot_rows(snapshot_date: date) -> list[tuple]:
    """raw.hub_model_snapshots rows: (snapshot_date, listing, rank, fetched_at, model_id, record)."""
    fetched_at = _two_am_utc(snapshot_date)
    return [
        (snapshot_date, listing, rank, fetched_at, model_id, json.dumps(record(model_id, downloads)))
        for listing, rank, model_id, downloads in _LISTINGS[snapshot_date]
    ]


def listing_run_rows(snapshot_date: date) -> list[tuple]:
    """raw.hub_listing_runs rows, one per listing of the date, consistent with its snapshot rows."""
    started_at = _two_am_utc(snapshot_date)
    rows = []
    listings = dict.fromkeys(listing for listing, *_ in _LISTINGS[snapshot_date])
    for listing in listings:
        served = [model_id for name, _, model_id, _ in _LISTINGS[snapshot_date] if name == listing]
        sort = "createdAt" if listing == NEW else "downloads"
        rows.append(
            (
                snapshot_date,
                listing,
                sort,
                10_000,
                len(served),
                len(set(served)),
                0,
                True,
                1,
                started_at,
                started_at + timedelta(seconds=5),
                "https://huggingface.co",
            )
        )
    return rows
