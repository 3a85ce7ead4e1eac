"""Resources shared by every asset, configured from the environment.

| variable | default | meaning |
| --- | --- | --- |
| `SLM_OBS_HUB_ENDPOINT` | `https://huggingface.co` | the Hub; `{snapshot_date}` in it marks a simulated Hub |
| `HF_TOKEN` | unset | optional Hub token (higher rate limits); never logged |
| `SLM_OBS_WAREHOUSE_DIR` | `warehouse` | DuckDB file, Parquet archive and figures |
| `SLM_OBS_TOP_N` | 10000 | models in the `top` listing (the study used 5,000 and 10,000) |
| `SLM_OBS_PER_TAG_N` | 2000 | models per pipeline-tag listing (the study's per-tag dataset) |
| `SLM_OBS_N_TAGS` | 20 | pipeline tags with the most downloads in `top` that get a listing |
| `SLM_OBS_PAGE_SIZE` | 1000 | models asked per request (the Hub caps it; huggingface.js asks 500) |
"""

import os

import dagster as dg

from orchestration.defs.hub.hub_client import LIVE_HUB_ENDPOINT, HubClientResource
from orchestration.defs.transform.dbt_cli import ObservatoryDbtCliResource
from orchestration.defs.transform.project import dbt_project
from orchestration.warehouse import WarehouseResource, warehouse_dir_from_env


def _int_from_env(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from None


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "hub": HubClientResource(
                endpoint=os.environ.get("SLM_OBS_HUB_ENDPOINT", LIVE_HUB_ENDPOINT),
                # Only ever from the environment; Dagster shows the variable's name, never its value.
                token=dg.EnvVar("HF_TOKEN") if os.environ.get("HF_TOKEN") else None,
                top_n=_int_from_env("SLM_OBS_TOP_N", 10_000),
                per_tag_n=_int_from_env("SLM_OBS_PER_TAG_N", 2_000),
                n_tags=_int_from_env("SLM_OBS_N_TAGS", 20),
                page_size=_int_from_env("SLM_OBS_PAGE_SIZE", 1_000),
            ),
            "warehouse": WarehouseResource(directory=warehouse_dir_from_env()),
            "dbt": ObservatoryDbtCliResource(project_dir=dbt_project),
        }
    )
