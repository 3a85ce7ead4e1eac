"""The crawler process of B3: one census, alone in its process so that its memory is its own.

    python -m bench.census_child --endpoint-template URL --day D --warehouse-dir DIR [--max-models N]
        [--pages-per-part P] [--crawl-only --read-ahead K]

Default: materialises the real Dagster asset `raw/hub_model_census` for partition D (crawl,
Parquet parts, archive, DuckDB load). `--crawl-only` runs its crawl alone (`crawl_census`, no
Dagster, no warehouse), to compare read-ahead depths. Prints one JSON line: the run's figures
and the process's peak resident memory (`ru_maxrss`).
"""

import argparse
import json
import resource
import tempfile
import time
from datetime import date
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint-template", required=True)
    parser.add_argument("--day", type=date.fromisoformat, required=True)
    parser.add_argument("--warehouse-dir", required=True)
    parser.add_argument("--max-models", type=int, default=None)
    parser.add_argument("--pages-per-part", type=int, default=20)
    parser.add_argument("--crawl-only", action="store_true")
    parser.add_argument("--read-ahead", type=int, default=None)
    args = parser.parse_args()

    import dagster as dg

    from orchestration.defs.hub import census
    from orchestration.defs.hub.hub_client import HubClientResource, install_http_client
    from orchestration.warehouse import WarehouseResource

    hub = HubClientResource(endpoint=args.endpoint_template)
    started = time.monotonic()
    if args.crawl_only:
        install_http_client(hub.timeout_s, hub.retry_after_max_s)
        work_dir = Path(tempfile.mkdtemp(dir=args.warehouse_dir))
        run = census.crawl_census(
            hub.model_copy(update={"listing_budget_s": 6 * 3600.0}),
            hub.endpoint_for(args.day),
            args.day,
            work_dir,
            args.pages_per_part,
            args.max_models,
            log=lambda _: None,
            read_ahead_pages=census.READ_AHEAD_PAGES if args.read_ahead is None else args.read_ahead,
        )
        figures = {
            "models": run.received_n,
            "pages": run.pages,
            "requests": run.requests,
            "crawl_s": run.crawl_s,
        }
    else:
        config = {"pages_per_part": args.pages_per_part, "max_models": args.max_models}
        result = dg.materialize(
            [census.hub_model_census],
            partition_key=args.day.isoformat(),
            resources={"hub": hub, "warehouse": WarehouseResource(directory=args.warehouse_dir)},
            run_config={"ops": {"raw__hub_model_census": {"config": config}}},
            instance=dg.DagsterInstance.ephemeral(),
        )
        metadata = result.asset_materializations_for_node("raw__hub_model_census")[0].metadata
        figures = {key: value.value for key, value in metadata.items() if not isinstance(value.value, str)}
        figures["success"] = result.success
    figures["wall_s"] = time.monotonic() - started
    figures["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(figures, default=str), flush=True)


if __name__ == "__main__":
    main()
