"""The dbt project, located once and prepared (manifest parsed) when it is missing or in dev."""

from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# `dagster dev` re-parses on every load; elsewhere (tests, the demo, a fresh clone running
# `dagster definitions validate`) the manifest is parsed once if it is not there yet.
dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists():
    dbt_project.preparer.prepare(dbt_project)
