"""B1, snapshot cost: our ingestion against the study's method, in requests and wall time.

Scope: one day's top 10,000 models by downloads plus the top 2,000 of each of the 20 leading
pipeline tags, from the same simulated Hub (same world, same day, same per-request latency).

- Ours: the real Dagster asset `raw/hub_model_snapshots`, materialised for one partition into a
  scratch warehouse: huggingface_hub's transport, 1,000 models per request with `expand` for
  every field the marts read, spool -> Parquet archive -> DuckDB. It also crawls the `new`
  listing (up to 5,000 newest models), which the study has no equivalent of: its requests and
  time are counted against us.
- Baseline, the study's method (shared/seeds/004): `HfApi(endpoint).list_models(sort="downloads",
  limit=N)` with 100 models per list request (the baseline's endpoint caps pages at 100), then
  one `HfApi(endpoint).model_info(id)` per model (`GET /api/models/{id}`, the full model info),
  one after the other as the study did. Its full request count follows from the listings'
  sizes: one list request per 100 models, one model-info request per distinct model (a model in
  several listings fetched once: the count most favourable to the baseline).

At 100 ms per request the baseline's ~25,000+ requests take ~45 minutes: it is run on a subset
(the first `subset_models` of the top listing: their list requests, then their model-info
requests), its mean time per list request and per model-info request measured, and its full
wall time extrapolated linearly: requests are sequential and independent, so the time is
(list requests x time per list request) + (model-info requests x time per model-info request).
The table says so.
"""

import math
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import dagster as dg
from huggingface_hub import HfApi

from bench.hub_process import BenchHub
from bench.measure import alternate, medians
from orchestration.defs.hub.assets import hub_model_snapshots
from orchestration.defs.hub.hub_client import HubClientResource, install_http_client
from orchestration.warehouse import WarehouseResource

STUDY_PAGE_SIZE = 100
TARGET_REQUEST_RATIO = 100.0
TARGET_WALL_RATIO = 50.0


def _listing_counts(warehouse: WarehouseResource, day: date) -> dict:
    """What the day's listings held, from our run's `raw.hub_listing_runs` and snapshot rows."""
    with warehouse.connect(read_only=True) as conn:
        runs = conn.execute(
            "select listing, received_n, requests from raw.hub_listing_runs "
            "where snapshot_date = ? and listing <> 'new'",
            [day],
        ).fetchall()
        distinct = conn.execute(
            "select count(distinct model_id) from raw.hub_model_snapshots "
            "where snapshot_date = ? and listing <> 'new'",
            [day],
        ).fetchone()[0]
        new_requests = conn.execute(
            "select coalesce(sum(requests), 0) from raw.hub_listing_runs "
            "where snapshot_date = ? and listing = 'new'",
            [day],
        ).fetchone()[0]
    return {
        "listings": len(runs),
        "models_listed": sum(row[1] for row in runs),
        "distinct_models": distinct,
        "study_list_requests": sum(max(1, math.ceil(row[1] / STUDY_PAGE_SIZE)) for row in runs),
        "our_requests_study_scope": sum(row[2] for row in runs),
        "our_requests_new_listing": new_requests,
    }


def run_b1(
    hub: BenchHub,
    day: date,
    work_dir: Path,
    scope: tuple[int, int, int],
    repetitions: int,
    subset_models: int,
    log: Callable[[str], None],
) -> dict:
    """`scope`: (top N, models per tag, tags)."""
    top_n, per_tag_n, n_tags = scope
    install_http_client(timeout_s=60.0)
    warehouse = WarehouseResource(directory=str(work_dir / "warehouse"))
    resources = {
        "hub": HubClientResource(
            endpoint=hub.endpoint_template("main"), top_n=top_n, per_tag_n=per_tag_n, n_tags=n_tags
        ),
        "warehouse": warehouse,
    }
    study_api = HfApi(endpoint=hub.endpoint_for("study", day))
    instance = dg.DagsterInstance.ephemeral(tempdir=tempfile.mkdtemp(dir=work_dir))

    def server_counts(endpoint: str) -> tuple[int, int]:
        stats = hub.stats()["endpoints"][endpoint]
        return stats["listing_requests"], stats["model_info_requests"]

    def ours() -> dict:
        before = server_counts("main")
        started = time.monotonic()
        result = dg.materialize(
            [hub_model_snapshots], partition_key=day.isoformat(), resources=resources, instance=instance
        )
        wall = time.monotonic() - started
        if not result.success:
            raise RuntimeError("B1: the snapshot asset failed")
        after = server_counts("main")
        return {"wall_s": wall, "requests": (after[0] - before[0]) + (after[1] - before[1])}

    def study_subset() -> dict:
        before = server_counts("study")
        started = time.monotonic()
        models = list(study_api.list_models(sort="downloads", limit=subset_models))
        listed = time.monotonic()
        for model in models:
            study_api.model_info(model.id)
        finished = time.monotonic()
        after = server_counts("study")
        return {
            "wall_s": finished - started,
            "models": len(models),
            "list_requests": after[0] - before[0],
            "model_info_requests": after[1] - before[1],
            "list_s": listed - started,
            "model_info_s": finished - listed,
        }

    log(f"B1: ours (full scope) vs the study's method on {subset_models} models, {repetitions} repetitions")
    samples = alternate({"ours": ours, "study_subset": study_subset}, repetitions, log)
    ours_median = medians(samples["ours"])
    subset = medians(samples["study_subset"])
    counts = _listing_counts(warehouse, day)

    per_list_s = subset["list_s"] / subset["list_requests"]
    per_info_s = subset["model_info_s"] / subset["model_info_requests"]
    study_requests = counts["study_list_requests"] + counts["distinct_models"]
    study_requests_per_listing = counts["study_list_requests"] + counts["models_listed"]
    study_wall = counts["study_list_requests"] * per_list_s + counts["distinct_models"] * per_info_s
    request_ratio = study_requests / ours_median["requests"]
    wall_ratio = study_wall / ours_median["wall_s"]
    return {
        "scope": f"top {top_n:,} + {n_tags} tags x {per_tag_n:,}, one day",
        "repetitions": repetitions,
        "listings": counts,
        "ours": {
            "requests": ours_median["requests"],
            "wall_s": ours_median["wall_s"],
            "samples": samples["ours"],
            "method": "real asset raw/hub_model_snapshots (also crawls the `new` listing)",
        },
        "study": {
            "requests": study_requests,
            "requests_if_each_listing_fetched_separately": study_requests_per_listing,
            "list_requests": counts["study_list_requests"],
            "model_info_requests": counts["distinct_models"],
            "wall_s_extrapolated": study_wall,
            "subset_models": subset_models,
            "subset_wall_s": subset["wall_s"],
            "per_list_request_s": per_list_s,
            "per_model_info_request_s": per_info_s,
            "samples": samples["study_subset"],
            "method": (
                f"HfApi.list_models (100 per request) + HfApi.model_info per distinct model, "
                f"sequential; measured on the first {subset_models} models of the top listing, "
                "wall time extrapolated linearly to the full request count"
            ),
        },
        "request_ratio": request_ratio,
        "wall_ratio": wall_ratio,
        "targets": {
            "request_ratio": {
                "target": f">= {TARGET_REQUEST_RATIO:g}x",
                "pass": request_ratio >= TARGET_REQUEST_RATIO,
            },
            "wall_ratio": {"target": f">= {TARGET_WALL_RATIO:g}x", "pass": wall_ratio >= TARGET_WALL_RATIO},
        },
    }
