"""The dbt CLI resource, without two start-up costs the project's assets never use.

dagster-dbt's `DbtCliResource.cli` does two things before it starts dbt, on every run (the
resource is built per run, and per step process under the multiprocess executor):
- it runs `dbt --version` in a subprocess to learn whether dbt is dbt Core or the Fusion engine:
  dbt's imports alone, 3-4 s on two cores (`python -m bench.daily_run_profile` prints it);
- it builds a dbt Core adapter in this process (dbt's project and profile loaded, every step),
  which only `fetch_row_counts()` and `fetch_column_metadata()` read.

The dbt that runs is the dbt-core of this environment (orchestration/defs/transform/project.py
puts its scripts first on PATH), so its version is the package's, read from its metadata; and the
assets only stream dbt's events (`invocation.stream()`), so no adapter is needed. Both are private
members of dagster-dbt (pinned in uv.lock): tests/dbt/test_dbt_cli_resource.py fails when an
upgrade renames them, so this never silently stops applying.
"""

from collections.abc import Sequence
from functools import cached_property
from importlib.metadata import version as installed_version

from dagster_dbt import DbtCliResource
from packaging import version


class ObservatoryDbtCliResource(DbtCliResource):
    """`DbtCliResource` for a dbt Core installed beside Dagster, whose assets fetch no metadata
    through a dbt adapter."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None
