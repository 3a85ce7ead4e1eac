"""A persistent Dagster instance directory (DAGSTER_HOME) with the project's settings."""

from pathlib import Path

# Telemetry off; runs wait in a queue, and every asset writing the DuckDB file shares the
# "warehouse" pool with one slot: DuckDB admits a single writing process at a time.
DAGSTER_YAML = """\
telemetry:
  enabled: false
run_coordinator:
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator
concurrency:
  pools:
    default_limit: 1
"""


def prepare_dagster_home(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    return directory
