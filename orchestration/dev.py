"""`make dev`: the Dagster UI on 127.0.0.1, over the live Hub or (with --demo) the simulated one."""

import argparse
import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

from orchestration.instance import prepare_dagster_home
from orchestration.warehouse import WAREHOUSE_DIR_ENV, warehouse_dir_from_env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--demo", action="store_true", help="serve the simulated Hub and the demo warehouse")
    parser.add_argument("--warehouse-dir", default=None)
    parser.add_argument("--host", default="127.0.0.1", help="bind address; keep loopback unless proxied")
    parser.add_argument("--port", default="3000")
    parser.add_argument("--n-models", type=int, default=20_000, help="simulated Hub size, with --demo")
    args = parser.parse_args()

    warehouse_dir = Path(args.warehouse_dir or warehouse_dir_from_env()).resolve()
    env = dict(os.environ)
    env[WAREHOUSE_DIR_ENV] = str(warehouse_dir)
    env["DAGSTER_HOME"] = str(prepare_dagster_home(warehouse_dir / "dagster_home"))
    command = [sys.executable, "-m", "dagster", "dev", "-h", args.host, "-p", args.port]
    command += ["-m", "orchestration.definitions"]
    with ExitStack() as stack:
        if args.demo:
            # The simulated Hub lives beside the product (a source checkout), not in its image.
            from orchestration.demo import DEMO_END
            from simulated_hub.process import simulated_hub_process

            env["SLM_OBS_HUB_ENDPOINT"] = stack.enter_context(
                simulated_hub_process(n_models=args.n_models, today=DEMO_END)
            )
        subprocess.run(command, env=env, check=False)


if __name__ == "__main__":
    main()
