"""Which records the raw layer accepts, on real payloads and hostile ones."""

import json

import pytest

from orchestration.defs.hub.record_validation import MAX_TAGS, rejection_reason
from tests.conftest import shared_file

VALID = {
    "_id": "674bfb827d6748def2e80ef9",
    "id": "tencent/HunyuanVideo",
    "downloads": 2054,
    "downloadsAllTime": 10_000,
    "likes": 794,
    "tags": ["text-to-video", "region:us"],
    "pipeline_tag": "text-to-video",
    "createdAt": "2024-12-01T06:00:34.000Z",
    "safetensors": {"parameters": {"BF16": 12_821_012_544}, "total": 12_821_012_544},
}


def test_every_record_of_the_real_recorded_listing_is_accepted():
    records = json.loads(shared_file("data/hub-listing-2025-01-08.json").read_text())
    assert len(records) == 3180
    assert [r["id"] for r in records if rejection_reason(r) is not None] == []


def test_a_well_formed_record_is_accepted():
    assert rejection_reason(VALID) is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": None}, "missing or non-string id"),
        ({"id": 42}, "missing or non-string id"),
        ({"id": "../../etc/passwd"}, "id is not a valid Hub repository id"),
        ({"id": "a/b/c"}, "id is not a valid Hub repository id"),
        ({"id": "org/mod\x00el"}, "id is not a valid Hub repository id"),
        ({"id": "org/" + "x" * 300}, "id is not a valid Hub repository id"),
        ({"id": "org/modèle"}, "id is not ASCII"),
        ({"downloads": -1}, "downloads is not a non-negative integer"),
        ({"downloads": None}, "downloads is not a non-negative integer"),
        ({"downloads": "12"}, "downloads is not a non-negative integer"),
        ({"downloads": True}, "downloads is not a non-negative integer"),
        ({"downloadsAllTime": 1.5}, "downloadsAllTime is not a non-negative integer"),
        ({"createdAt": "yesterday"}, "createdAt is not an ISO-8601 timestamp"),
        ({"createdAt": 1733032834}, "createdAt is not an ISO-8601 timestamp"),
        ({"safetensors": {"total": "7B"}}, "safetensors.total is not a non-negative integer"),
        ({"safetensors": [1, 2]}, "safetensors is not an object"),
        ({"gguf": {"total": -5}}, "gguf.total is not a non-negative integer"),
        ({"tags": "text-generation"}, "tags is not a list of strings"),
        ({"tags": ["ok", 3]}, "tags is not a list of strings"),
        ({"tags": ["t"] * (MAX_TAGS + 1)}, "tags list is implausibly large"),
        ({"pipeline_tag": ["text-generation"]}, "pipeline_tag is not a string"),
    ],
)
def test_a_malformed_record_is_rejected_with_its_reason(change, reason):
    assert rejection_reason({**VALID, **change}) == reason


def test_a_record_without_id_is_rejected():
    assert rejection_reason({k: v for k, v in VALID.items() if k != "id"}) == "missing or non-string id"


@pytest.mark.parametrize("payload", [None, [], "model", 3])
def test_a_non_object_is_rejected(payload):
    assert rejection_reason(payload).startswith("not a JSON object")
