"""Which listings a daily snapshot crawls, and the Hub query each one sends."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from orchestration.names import NEW_LISTING, PIPELINE_TAG_LISTING_PREFIX, TOP_LISTING

# Everything the marts need, in one request per page. `baseModels` is refused on listings (the
# lineage is in the `base_model:...` tags instead), and `expand` cannot be combined with `full`.
EXPANDED_FIELDS: tuple[str, ...] = (
    "author",
    "createdAt",
    "lastModified",
    "downloads",
    "downloadsAllTime",
    "likes",
    "trendingScore",
    "pipeline_tag",
    "library_name",
    "tags",
    "safetensors",
    "gguf",
    "gated",
    "private",
)

PIPELINE_TAG_PREFIX = PIPELINE_TAG_LISTING_PREFIX


@dataclass(frozen=True)
class ListingSpec:
    """One crawl: a sort order, an optional pipeline-tag filter and how many models to keep."""

    name: str
    sort: str
    limit: int
    pipeline_tag: str | None = None

    def query_params(self) -> list[tuple[str, str]]:
        params = [("sort", self.sort), ("limit", str(self.limit))]
        if self.pipeline_tag is not None:
            params.append(("pipeline_tag", self.pipeline_tag))
        params.extend(("expand", field) for field in EXPANDED_FIELDS)
        return params


def top_listing(limit: int) -> ListingSpec:
    return ListingSpec(name=TOP_LISTING, sort="downloads", limit=limit)


def pipeline_tag_listing(tag: str, limit: int) -> ListingSpec:
    return ListingSpec(name=f"{PIPELINE_TAG_PREFIX}{tag}", sort="downloads", limit=limit, pipeline_tag=tag)


def new_models_listing(limit: int) -> ListingSpec:
    """Newest models first, popular or not: the unbiased flow of model creation."""
    return ListingSpec(name=NEW_LISTING, sort="createdAt", limit=limit)


def leading_pipeline_tags(records: Iterable[Mapping], n_tags: int) -> list[str]:
    """The `n_tags` pipeline tags that gather the most 30-day downloads among `records`.

    Ties break alphabetically so that the same top listing always yields the same tag listings.
    A model a page repeated counts once.
    """
    downloads_by_tag: dict[str, int] = defaultdict(int)
    counted: set[str] = set()
    for record in records:
        model = record.get("id")
        if isinstance(model, str):
            if model in counted:
                continue
            counted.add(model)
        tag = record.get("pipeline_tag")
        downloads = record.get("downloads")
        if isinstance(tag, str) and tag and isinstance(downloads, int):
            downloads_by_tag[tag] += downloads
    ranked = sorted(downloads_by_tag.items(), key=lambda item: (-item[1], item[0]))
    return [tag for tag, _ in ranked[:n_tags]]
