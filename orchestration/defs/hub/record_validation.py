"""Which Hub records the raw layer accepts; the others go to quarantine with a reason.

A record is accepted when every field the marts read has the Hub's type. Unknown fields are
kept as they are: the raw layer stores the record verbatim so they can be parsed later.
"""

from datetime import datetime

from huggingface_hub.utils import HFValidationError, validate_repo_id

# Real records carry up to ~4,000 tags (multilingual models list every language); far beyond
# that, a record is more likely a fault than a model.
MAX_TAGS = 20_000
MAX_TAG_LENGTH = 1_000

_COUNT_FIELDS = ("downloads", "downloadsAllTime", "likes")
_DATE_FIELDS = ("createdAt", "lastModified")
_TEXT_FIELDS = ("pipeline_tag", "library_name", "author")


def rejection_reason(record: object) -> str | None:
    """None when the record is acceptable, else a short reason naming the offending field."""
    if not isinstance(record, dict):
        return f"not a JSON object: {type(record).__name__}"
    model_id = record.get("id")
    if not isinstance(model_id, str):
        return "missing or non-string id"
    if not model_id.isascii():
        return "id is not ASCII"
    try:
        validate_repo_id(model_id)
    except HFValidationError:
        return "id is not a valid Hub repository id"
    for name in _COUNT_FIELDS:
        if name in record and not _is_count(record[name]):
            return f"{name} is not a non-negative integer"
    for name in _DATE_FIELDS:
        if name in record and not _is_timestamp(record[name]):
            return f"{name} is not an ISO-8601 timestamp"
    for name in _TEXT_FIELDS:
        if record.get(name) is not None and not isinstance(record[name], str):
            return f"{name} is not a string"
    tags = record.get("tags")
    if tags is not None:
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            return "tags is not a list of strings"
        if len(tags) > MAX_TAGS or any(len(tag) > MAX_TAG_LENGTH for tag in tags):
            return "tags list is implausibly large"
    for name in ("safetensors", "gguf"):
        block = record.get(name)
        if block is None:
            continue
        if not isinstance(block, dict):
            return f"{name} is not an object"
        if "total" in block and block["total"] is not None and not _is_count(block["total"]):
            return f"{name}.total is not a non-negative integer"
    return None


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_timestamp(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True
