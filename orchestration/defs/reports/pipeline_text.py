"""What the report tells readers about the pipeline, each text from its one source.

The method (populations, samples, definitions, biases, how to regenerate a day) is docs/method.md,
rendered as the report's method section. The size chain is described once, in the dbt .yml beside
the SQL that implements it; the method section quotes that description from the manifest
(dbt_project/target/manifest.json) instead of a paragraph written again by hand, so it cannot
drift from the models.
"""

from dataclasses import dataclass
from typing import Any

from orchestration.defs.reports.marts import DBT_PACKAGE
from orchestration.defs.reports.method_text import read_method_text

# (model, column) whose dbt description the method section quotes.
SIZE_SOURCES_DESCRIPTION = ("int_model_sizes", "parameter_source")


@dataclass(frozen=True)
class PipelineText:
    # The size resolution chain, in order, each source with its meaning
    # (int_model_sizes.parameter_source); `code` spans are written between backticks.
    size_sources: str
    # docs/method.md, the report's method section in Markdown (method_text.render_method).
    method: str


class MissingDescription(RuntimeError):
    """A dbt description the report quotes is absent or empty."""


def _description(manifest: dict[str, Any], model: str, column: str | None) -> str:
    node = manifest.get("nodes", {}).get(f"model.{DBT_PACKAGE}.{model}")
    if node is None:
        raise MissingDescription(f"dbt model {model} is not in the manifest")
    text = (
        node.get("description", "")
        if column is None
        else node.get("columns", {}).get(column, {}).get("description", "")
    )
    text = " ".join(text.split())
    if not text:
        where = model if column is None else f"{model}.{column}"
        raise MissingDescription(
            f"dbt description of {where} is empty: the report's method section quotes it"
        )
    return text


def pipeline_text(manifest: dict[str, Any], method: str | None = None) -> PipelineText:
    """The dbt descriptions the report quotes and ``method`` (default: docs/method.md)."""
    return PipelineText(
        size_sources=_description(manifest, *SIZE_SOURCES_DESCRIPTION),
        method=read_method_text() if method is None else method,
    )
