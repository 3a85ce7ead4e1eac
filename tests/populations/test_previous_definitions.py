"""The `all_models` rows of the marts with a population (the study marts, and the history marts
that split by class) are, row for row, what their definitions before the population dimension
produced from the same raw data.

`previous_definitions/<mart>.sql` holds each mart's SQL as it was, verbatim. dbt compiles them as
analyses of a temporary copy of the project (the refs resolve to the relations the pipeline built,
the macros are the project's; an analysis is not incremental, so every snapshot date counts, and a
history mart's lookback reads from the first date on), and
the compiled SQL runs on the warehouse of tests/populations/conftest.py, whose simulated world
has language models, other models and models of unknown modality in every listing.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.populations.conftest import PopulationRun

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

REPO_ROOT = Path(__file__).resolve().parents[2]
PREVIOUS = Path(__file__).parent / "previous_definitions"
MARTS = tuple(sorted(path.stem for path in PREVIOUS.glob("*.sql")))
DBT = Path(sys.executable).parent / "dbt"


@pytest.fixture(scope="module")
def previous_sql(population_run: PopulationRun, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each previous definition compiled by dbt against the pipeline's warehouse."""
    root = tmp_path_factory.mktemp("previous_definitions")
    project = root / "dbt_project"
    shutil.copytree(
        REPO_ROOT / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
    )
    analyses = project / "analyses"
    analyses.mkdir(exist_ok=True)
    for mart in MARTS:
        shutil.copy(PREVIOUS / f"{mart}.sql", analyses / f"previous_{mart}.sql")
    env = {
        **os.environ,
        "SLM_OBS_WAREHOUSE_DIR": str(population_run.warehouse_dir),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    command = [str(DBT), "compile", "--project-dir", str(project), "--profiles-dir", str(project)]
    command += ["--target-path", str(root / "target"), "--log-path", str(root / "logs")]
    command += ["--select", "resource_type:analysis"]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    compiled = root / "target" / "compiled" / "slm_observatory" / "analyses"
    return {mart: (compiled / f"previous_{mart}.sql").read_text(encoding="utf-8") for mart in MARTS}


def test_every_mart_with_a_population_keeps_its_previous_definition():
    assert MARTS == (
        "class_split",
        "daily_downloads_by_class",
        "download_share_by_creation_month",
        "download_share_by_model_age",
        "monthly_downloads_by_class",
        "slm_share_by_creation_month",
        "slm_share_of_new_models",
        "survival_by_class",
        "tags_by_class",
    )


@pytest.mark.parametrize("mart", MARTS)
def test_all_models_rows_equal_the_previous_definitions_rows(
    population_run: PopulationRun, previous_sql: dict[str, str], mart: str
):
    previous = f"(\n{previous_sql[mart]}\n) as previous"
    with duckdb.connect(str(population_run.warehouse_dir / "observatory.duckdb"), read_only=True) as conn:
        columns = [column[0] for column in conn.execute(f"select * from {previous} limit 0").description]
        select_list = ", ".join(columns)
        current = f"(select {select_list} from marts.{mart} where population = 'all_models') as current"

        def count(relation: str) -> int:
            return conn.execute(f"select count(*) from {relation}").fetchone()[0]

        def difference(left: str, right: str) -> list[tuple]:
            return conn.execute(
                f"select {select_list} from {left} except all select {select_list} from {right}"
            ).fetchall()

        n_previous = count(previous)
        assert n_previous > 0
        assert count(current) == n_previous
        assert difference(current, previous) == []
        assert difference(previous, current) == []
        # the mart holds the other population beside the study's
        populations = conn.execute(f"select distinct population from marts.{mart} order by 1").fetchall()
    assert populations == [("all_models",), ("language_models",)]
