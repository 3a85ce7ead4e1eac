"""`python -m simulated_hub serve`: run the simulated Hub in the foreground.

Prints one JSON line, `{"base_url": ..., "endpoint_template": ...}`, once listening, then serves
until SIGINT or SIGTERM. Binds 127.0.0.1 only.
"""

import argparse
import json
import signal
import threading
from datetime import date

from simulated_hub.server import SimulatedHub
from simulated_hub.world import SyntheticWorld, WorldConfig


def main(argv: list[str] | None = None) -> None:
    defaults = WorldConfig()
    parser = argparse.ArgumentParser(prog="python -m simulated_hub", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the simulated Hub until SIGINT/SIGTERM")
    serve.add_argument("--port", type=int, default=0, help="0: any free port")
    serve.add_argument("--seed", type=int, default=defaults.seed)
    serve.add_argument("--n-models", type=int, default=defaults.n_models, help="models existing on --today")
    serve.add_argument("--today", type=date.fromisoformat, default=defaults.today)
    serve.add_argument("--page-size-cap", type=int, default=1000)
    serve.add_argument("--quota", type=int, default=100_000, help="requests per 300 s rate-limit window")
    serve.add_argument("--recorded", default=None, help="serve this recorded listing (JSON array) instead")
    args = parser.parse_args(argv)

    if args.recorded:
        from simulated_hub.recorded import RecordedCatalog

        catalog = RecordedCatalog.from_file(args.recorded)
    else:
        catalog = SyntheticWorld(WorldConfig(seed=args.seed, n_models=args.n_models, today=args.today))

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with SimulatedHub(
        catalog, page_size_cap=args.page_size_cap, rate_limit_quota=args.quota, port=args.port
    ) as hub:
        print(json.dumps({"base_url": hub.base_url, "endpoint_template": hub.endpoint_template}), flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
