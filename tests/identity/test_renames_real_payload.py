"""A real Hub payload renamed the way owners rename repositories: one history per `_id`.

Day one serves the real listing recorded on 2025-01-08 (../shared/data) verbatim; day two serves
the same records with three repositories renamed, their `_id` kept: a base model whose name
changes case, a base model transferred from its owner to an organisation, and a model renamed
in case only. Cards that name those bases in their `base_model:` tags keep the old names, as on
the Hub. Both days go through the real ingestion asset over HTTP, then the real dbt CLI builds
every model with its data tests.
"""

import copy
import json
import shutil
from datetime import date

import dagster as dg
import duckdb
import pytest

from orchestration.defs.hub.assets import hub_model_snapshots
from orchestration.defs.hub.hub_client import HubClientResource
from orchestration.warehouse import WarehouseResource
from simulated_hub.recorded import RecordedCatalog
from simulated_hub.server import SimulatedHub
from tests.conftest import shared_file
from tests.history.conftest import run_dbt

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

DAY_ONE, DAY_TWO = date(2025, 1, 8), date(2025, 1, 9)
PAGE_SIZE = 1000
# old name -> new name on day two
RENAMES = {
    "Qwen/Qwen2.5-72B-Instruct": "Qwen/qwen2.5-72b-instruct",  # a base; its name's case changes
    "teknium/OpenHermes-2.5-Mistral-7B": "teknium-org/OpenHermes-2.5-Mistral-7B",  # a base; transferred
    "tencent/HunyuanVideo": "tencent/hunyuanvideo",  # a case change of a model no card names
}
# cards naming a renamed base by its old name, and the exact published count of the architecture
# that base's name points to (the recorded listing has no weight metadata for either base):
# Qwen2.5-72B, 72,706,203,648 (its config.json, https://huggingface.co/Qwen/Qwen2.5-72B);
# Mistral-7B-v0.1, 7,241,732,096 (safetensors total, https://huggingface.co/mistralai/Mistral-7B-v0.1)
CHILDREN = {
    "Nexusflow/Athene-V2-Chat": ("Qwen/Qwen2.5-72B-Instruct", 72_706_203_648),
    "movaxbx/OpenHermes-Emojitron-001": ("teknium/OpenHermes-2.5-Mistral-7B", 7_241_732_096),
}


def renamed_day(records: list[dict]) -> list[dict]:
    day_two = copy.deepcopy(records)
    for record in day_two:
        if record["id"] in RENAMES:
            record["id"] = record["modelId"] = RENAMES[record["id"]]
    return day_two


@pytest.fixture(scope="module")
def recorded() -> list[dict]:
    return json.loads(shared_file("data/hub-listing-2025-01-08.json").read_text())


@pytest.fixture(scope="module")
def warehouse(recorded, tmp_path_factory):
    root = tmp_path_factory.mktemp("renamed_payload")
    resource = WarehouseResource(directory=str(root))
    instance = dg.DagsterInstance.ephemeral()
    for day, records in ((DAY_ONE, recorded), (DAY_TWO, renamed_day(recorded))):
        with SimulatedHub(RecordedCatalog(records, day), page_size_cap=PAGE_SIZE) as hub:
            client = HubClientResource(
                endpoint=hub.endpoint_template, top_n=5000, per_tag_n=500, n_tags=3, page_size=PAGE_SIZE
            )
            result = dg.materialize(
                [hub_model_snapshots],
                resources={"hub": client, "warehouse": resource},
                partition_key=day.isoformat(),
                instance=instance,
            )
            assert result.success
    # every model and data test, the unique keys included (the unit tests: tests/dbt/test_unit_tests.py)
    run_dbt(root, "build", "--exclude", "test_type:unit")
    return root


def query(root, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(root / "observatory.duckdb"), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def object_id(recorded: list[dict], name: str) -> str:
    return next(record["_id"] for record in recorded if record["id"] == name)


def test_the_second_day_served_the_new_names(warehouse):
    served = {
        name
        for (name,) in query(
            warehouse,
            "select distinct model_id from raw.hub_model_snapshots where snapshot_date = ?",
            [DAY_TWO],
        )
    }
    assert set(RENAMES.values()) <= served
    assert not set(RENAMES) & served


def test_one_history_per_id(warehouse, recorded):
    n_ids = len({record["_id"] for record in recorded})
    assert query(
        warehouse, "select count(*), count(distinct model_uid) from intermediate.int_hub_models"
    ) == [(n_ids, n_ids)]
    for old, new in RENAMES.items():
        uid = object_id(recorded, old)
        assert query(
            warehouse,
            "select model_id, first_seen_date, last_seen_date, is_latest_name "
            "from intermediate.int_model_names "
            "where model_uid = ? order by first_seen_date",
            [uid],
        ) == [(old, DAY_ONE, DAY_ONE, False), (new, DAY_TWO, DAY_TWO, True)]
        assert query(
            warehouse,
            "select snapshot_date, model_id from intermediate.int_model_observations "
            "where model_uid = ? order by 1",
            [uid],
        ) == [(DAY_ONE, old), (DAY_TWO, new)]
        # the second day continues the first: no new model appears (the payload has no all-time
        # counter, so the interval is counter_missing, not first_seen)
        assert query(
            warehouse,
            "select interval_end, interval_status, model_id from marts.model_daily_downloads "
            "where model_uid = ? order by 1",
            [uid],
        ) == [(DAY_ONE, "first_seen", new), (DAY_TWO, "counter_missing", new)]
        assert query(
            warehouse,
            "select first_seen_date, last_seen_date, days_present, model_id from marts.top_n_tenure "
            "where listing = 'top' and model_uid = ?",
            [uid],
        ) == [(DAY_ONE, DAY_TWO, 2, new)]


def test_cards_naming_the_old_name_take_the_renamed_bases_size(warehouse, recorded):
    for child, (base, size) in CHILDREN.items():
        uid = object_id(recorded, base)
        assert query(
            warehouse,
            "select base_model_uid, base_model_id from intermediate.int_model_lineage_edges "
            "where model_id = ?",
            [child],
        ) == [(uid, base)]
        # the child's size is its renamed base's (found by the base's `_id`), which its name gives
        base_size = query(
            warehouse,
            "select parameter_count, size_resolved_from from intermediate.int_model_sizes "
            "where model_uid = ?",
            [uid],
        )
        assert base_size[0][0] == size
        assert query(
            warehouse,
            "select parameter_count, parameter_source, size_resolved_from from intermediate.int_model_sizes "
            "where model_id = ?",
            [child],
        ) == [(size, "base_model", base_size[0][1])]
        classes = {
            model_class
            for (model_class,) in query(
                warehouse,
                "select distinct model_class from intermediate.int_model_snapshots__classified "
                "where model_id = ?",
                [child],
            )
        }
        assert classes == {"SLM" if size < 7_000_000_000 else "LLM"}


HISTORY_TABLES = (
    "intermediate.int_hub_models",
    "intermediate.int_model_names",
    "intermediate.int_model_observations",
    "intermediate.int_listing_memberships",
    "marts.model_daily_downloads",
    "marts.top_n_tenure",
    "marts.survival_by_class",
    "marts.slm_share_of_new_models",
)


def test_day_by_day_incremental_runs_equal_the_full_build_across_the_renames(warehouse, tmp_path):
    """The daily runs' way (one incremental window a day) gives the full build's rows: the second
    day's run renames the first day's rows of the incremental marts to the latest name."""
    incremental = tmp_path / "incremental"
    incremental.mkdir()
    shutil.copy2(warehouse / "observatory.duckdb", incremental / "observatory.duckdb")
    with duckdb.connect(str(incremental / "observatory.duckdb")) as conn:
        for table in HISTORY_TABLES:
            conn.execute(f"delete from {table}")
    for day in (DAY_ONE, DAY_TWO):
        window = {"snapshot_start_date": day.isoformat(), "snapshot_end_date": day.isoformat()}
        run_dbt(incremental, "build", "--exclude", "test_type:unit", dbt_vars=window)
    for table in HISTORY_TABLES:
        sql = f"select * from {table} order by all"
        assert query(incremental, sql) == query(warehouse, sql), table
    # the first day's interval of a renamed model shows its latest name
    new_names = set(RENAMES.values())
    shown = {
        name for (name,) in query(incremental, "select distinct model_id from marts.model_daily_downloads")
    }
    assert new_names <= shown
    assert not set(RENAMES) & shown


# Tasks whose model is a model of natural-language text, and tasks whose model is not (it makes
# images, video or speech, or looks at images), as the Hub's task pages define them
# (https://huggingface.co/tasks): independent of the project's seed hub_pipeline_tags.
LANGUAGE_TASKS = {"text-generation", "fill-mask", "text2text-generation", "translation", "summarization"}
NON_LANGUAGE_TASKS = {
    "text-to-image",
    "image-to-image",
    "text-to-video",
    "image-to-video",
    "text-to-speech",
    "image-classification",
    "object-detection",
    "image-segmentation",
    "depth-estimation",
}


def test_the_real_listings_language_models_are_the_text_models(warehouse, recorded):
    """Every recorded model whose task is a language task is a language model, none whose task
    makes or looks at images, video or speech is one, and the language_models population of
    class_split counts exactly the models int_model_modality calls language models."""
    task_of = {record["_id"]: record.get("pipeline_tag") for record in recorded}
    flags = dict(query(warehouse, "select model_uid, is_language_model from intermediate.int_model_modality"))
    language = [uid for uid, task in task_of.items() if task in LANGUAGE_TASKS]
    not_language = [uid for uid, task in task_of.items() if task in NON_LANGUAGE_TASKS]
    # the recording: 777 text-generation, 129 fill-mask, ...; 316 text-to-image, 76 image-classification, ...
    assert len(language) > 900 and len(not_language) > 400
    assert {flags[uid] for uid in language} == {True}
    assert {flags[uid] for uid in not_language} == {False}

    counted = dict(
        query(
            warehouse,
            "select population, sum(n_models) from marts.class_split "
            "where snapshot_date = ? and listing = 'top' group by 1",
            [DAY_ONE],
        )
    )
    assert counted["all_models"] == len(recorded)
    assert counted["language_models"] == sum(flags.get(uid) is True for uid in task_of)


def test_the_history_marts_language_models_are_the_real_text_models(warehouse, recorded):
    """slm_share_of_new_models's language_models rows (the recorded listing serves as the top
    listing; the recording has no all-time counter, so no download mart has a one-day interval)
    count the models int_model_modality calls language models: every one whose published task is
    a language task, none whose task makes or looks at images, video or speech; the undecided
    apart; the study's rows every model."""
    task_of = {record["_id"]: record.get("pipeline_tag") for record in recorded}
    flags = dict(query(warehouse, "select model_uid, is_language_model from intermediate.int_model_modality"))
    by_task = [uid for uid, task in task_of.items() if task in LANGUAGE_TASKS]
    not_by_task = [uid for uid, task in task_of.items() if task in NON_LANGUAGE_TASKS]
    rows = dict(
        (population, (n, undecided))
        for population, n, undecided in query(
            warehouse,
            "select population, sum(n_models), sum(n_unknown_modality) from marts.slm_share_of_new_models "
            "where snapshot_date = ? and source_listing = 'top_listing' group by 1",
            [DAY_TWO],
        )
    )
    n_language = sum(flags.get(uid) is True for uid in task_of)
    n_undecided = sum(flags.get(uid) is None for uid in task_of)
    assert len(by_task) <= n_language <= len(task_of) - len(not_by_task)
    assert rows == {"all_models": (len(recorded), 0), "language_models": (n_language, n_undecided)}
