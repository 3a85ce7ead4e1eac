"""The whole path, real at every step: simulated Hub -> huggingface_hub -> DuckDB -> dbt -> figures.

Expected values are computed here, in Python, from the simulated Hub's own records and ground
truth, never by re-running the project's SQL. Model classes: each model's resolved class (the
size resolution of intermediate.int_model_sizes: safetensors, gguf, base model, name) equals, for
every model and day, the class the world gives it (tests/size_truth.py: the true size's when sized
from evidence, what the name states when sized by name); the marts are then checked to count
those per-model classes over the served records exactly.
"""

import csv
import itertools
import json
import math
import os
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.date_range_runs import materialize_date_range
from orchestration.defs.hub.hub_client import HubClientResource
from orchestration.defs.hub.listings import EXPANDED_FIELDS
from orchestration.defs.transform.invocation_targets import invocation_folders
from orchestration.markdown import escape_markdown
from simulated_hub.world import SyntheticWorld
from tests.conftest import REPO_ROOT
from tests.dbt.dbt_graph import check_constraints, data_tests_reading_no_source
from tests.pipeline_harness import (
    WHOLE_PIPELINE_DAYS,
    WHOLE_PIPELINE_SIZES,
    PipelineRun,
    environment,
    load_definitions,
)
from tests.size_truth import expected_class

pytestmark = pytest.mark.slow

DAYS = list(WHOLE_PIPELINE_DAYS)
TOP_N, PER_TAG_N, N_TAGS, PAGE_SIZE = (
    WHOLE_PIPELINE_SIZES.top_n,
    WHOLE_PIPELINE_SIZES.per_tag_n,
    WHOLE_PIPELINE_SIZES.n_tags,
    WHOLE_PIPELINE_SIZES.page_size,
)


def query(warehouse_dir: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse_dir / "observatory.duckdb"), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


@dataclass
class Pipeline:
    world: SyntheticWorld
    warehouse_dir: Path
    definitions: dg.Definitions
    instance: dg.DagsterInstance
    result: dg.ExecuteInProcessResult
    run: PipelineRun

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        return query(self.warehouse_dir, sql, params)

    @cached_property
    def classes(self) -> dict[str, str]:
        """Each model's class as the pipeline resolved it (checked against ground truth below)."""
        rows = self.query(
            "select distinct model_id, model_class from intermediate.int_model_snapshots__classified"
        )
        return dict(rows)

    def model_class(self, record: dict) -> str:
        return self.classes[record["id"]]


@pytest.fixture(scope="module")
def pipeline(whole_pipeline: PipelineRun) -> Pipeline:
    """The session's whole-pipeline run (tests/pipeline_harness.py), shared with tests/sizes."""
    run = whole_pipeline
    return Pipeline(run.world, run.warehouse_dir, run.definitions, run.instance, run.result, run)


def test_the_daily_dbt_builds_run_the_data_tests_over_data_and_none_over_seeds_only(pipeline: Pipeline):
    """What dbt itself ran (each invocation's run_results.json): the tests reading no source are
    `make check`'s (tests/dbt/test_unit_tests.py), never a daily build's."""
    from orchestration.defs.reports.marts import load_manifest
    from orchestration.defs.transform.project import dbt_project

    manifest = load_manifest(dbt_project.manifest_path)
    code_only = data_tests_reading_no_source(manifest)
    ran: set[str] = set()
    built: set[str] = set()
    for step in ("dbt_models", "dbt_daily_models"):
        (results,) = Path(pipeline.run.env["DBT_TARGET_PATH"]).glob(
            f"{step}-{pipeline.result.run_id[:7]}-*/run_results.json"
        )
        nodes = {result["unique_id"] for result in json.loads(results.read_text())["results"]}
        ran |= {node for node in nodes if node.startswith("test.")}
        built |= {node for node in nodes if node.startswith("model.")}
    # floors against a vacuous pass; a column's range or values on a contract table is a CHECK
    # constraint, not a test (tests/test_contract_constraints.py), so the builds' rules count both
    assert len(ran) + check_constraints(manifest, built) > 250 and len(code_only) > 50
    assert ran & code_only == set()


def served(world: SyntheticWorld, index: int, day: date) -> dict:
    """The record the simulated Hub serves for one model to the pipeline's request."""
    return world.record(index, day, expand=list(EXPANDED_FIELDS))


def served_top(world: SyntheticWorld, day: date) -> list[dict]:
    """The records the simulated Hub serves for the top listing of `day`, in rank order."""
    return [served(world, i, day) for i in world.listing(day, sort="downloads")[:TOP_N]]


def test_run_succeeds_and_reports_requests(pipeline: Pipeline):
    assert pipeline.result.success
    materializations = [
        event.materialization
        for event in pipeline.result.get_asset_materialization_events()
        if event.materialization.asset_key == dg.AssetKey(["raw", "hub_model_snapshots"])
    ]
    assert {m.partition for m in materializations} == {d.isoformat() for d in DAYS}
    runs = pipeline.query("select sum(requests) from raw.hub_listing_runs")[0][0]
    assert materializations[0].metadata["list_requests"].value == runs


def test_the_snapshot_metadata_names_the_days_top_models_and_completeness(pipeline: Pipeline):
    last = next(
        event.materialization
        for event in pipeline.result.get_asset_materialization_events()
        if event.materialization.asset_key == dg.AssetKey(["raw", "hub_model_snapshots"])
        and event.materialization.partition == DAYS[-1].isoformat()
    )
    assert last.metadata["completeness"].value == 1.0  # a healthy Hub serves every model asked for
    rows = [line for line in last.metadata["top_models"].value.splitlines() if line.startswith("| ")][2:]
    top = pipeline.world.listing(DAYS[-1], sort="downloads")[:10]
    downloads = pipeline.world.downloads_30d(DAYS[-1])
    expected = [
        f"| {rank} | {escape_markdown(pipeline.world.model_ids[i])} | {int(downloads[i]):,}"
        for rank, i in enumerate(top, start=1)
    ]
    assert [row.rsplit("|", 2)[0].strip() for row in rows] == expected


def test_long_steps_log_their_progress(pipeline: Pipeline):
    messages = [entry.user_message for entry in pipeline.instance.all_logs(pipeline.result.run_id)]
    pages = math.ceil(TOP_N / PAGE_SIZE)
    assert f"{DAYS[0]} top: page {pages}/{pages}, {TOP_N}/{TOP_N} models" in "\n".join(messages)
    backfill = [message for message in messages if message.startswith("backfill: ")]
    assert [message.split(",")[0] for message in backfill] == [
        f"backfill: {done}/{len(DAYS)} days snapshotted" for done in range(1, len(DAYS) + 1)
    ]
    assert all(" ETA " in message for message in backfill)


def test_top_listing_is_the_hubs_top_n_in_order(pipeline: Pipeline):
    for day in DAYS:
        stored = pipeline.query(
            "select model_id from raw.hub_model_snapshots where snapshot_date = ? and listing = 'top' "
            "order by rank",
            [day],
        )
        expected = [
            pipeline.world.model_ids[i] for i in pipeline.world.listing(day, sort="downloads")[:TOP_N]
        ]
        assert [row[0] for row in stored] == expected


def test_records_are_stored_as_the_api_returned_them(pipeline: Pipeline):
    day = DAYS[-1]
    stored = pipeline.query(
        "select record from raw.hub_model_snapshots where snapshot_date = ? and listing = 'top' "
        "order by rank limit 50",
        [day],
    )
    top = pipeline.world.listing(day, sort="downloads")[:50]
    expected = [served(pipeline.world, i, day) for i in top]
    assert [json.loads(row[0]) for row in stored] == expected


def test_each_listing_costs_one_request_per_page(pipeline: Pipeline):
    runs = pipeline.query(
        "select listing, requested_n, received_n, requests from raw.hub_listing_runs where listing <> 'new'"
    )
    assert len(runs) == len(DAYS) * (1 + N_TAGS)
    for listing, requested_n, received_n, requests in runs:
        if received_n == requested_n:
            assert requests == math.ceil(requested_n / PAGE_SIZE), listing
        else:  # the tag has fewer models than asked: the listing ends on its last page
            assert received_n < requested_n
            assert requests == max(1, math.ceil(received_n / PAGE_SIZE)), listing


def test_new_listing_reaches_back_to_the_previous_snapshot(pipeline: Pipeline):
    world = pipeline.world
    for previous, day in itertools.pairwise(DAYS):
        stored = pipeline.query(
            "select model_id from raw.hub_model_snapshots where snapshot_date = ? and listing = 'new'", [day]
        )
        stored_ids = {row[0] for row in stored}
        created_since = {
            world.model_ids[i]
            for i in world.listing(day, sort="createdAt")
            if world.created_date_of(world.model_ids[i]) > previous
        }
        assert created_since <= stored_ids
        assert len(stored_ids) < len(created_since) + 2 * PAGE_SIZE  # stops one page past the overlap


def test_tag_listings_are_the_leading_tags_of_the_top_listing(pipeline: Pipeline):
    day = DAYS[-1]
    downloads_by_tag: Counter = Counter()
    for record in served_top(pipeline.world, day):
        if record.get("pipeline_tag"):
            downloads_by_tag[record["pipeline_tag"]] += record["downloads"]
    expected = {f"pipeline_tag:{tag}" for tag, _ in downloads_by_tag.most_common(N_TAGS)}
    stored = pipeline.query(
        "select listing from raw.hub_listing_runs where snapshot_date = ? and listing like 'pipeline_tag:%'",
        [day],
    )
    assert {row[0] for row in stored} == expected


def test_resolved_classes_agree_with_ground_truth(pipeline: Pipeline):
    """Every model's class on every day, exact against the world (tests/size_truth.py): its true
    size's when sized from evidence, what its own name states when sized by its name."""
    world = pipeline.world
    rows = pipeline.query(
        "select distinct snapshot_date, model_id, model_class, parameter_source "
        "from intermediate.int_model_snapshots__classified"
    )
    assert {(day, m): cls for day, m, cls, _ in rows} == {
        (day, m): expected_class(world, m, source) for day, m, _, source in rows
    }
    # and so the top listing's class counts are the world's
    for day in DAYS:
        of_day = {m: (cls, source) for d, m, cls, source in rows if d == day}
        top = [str(world.model_ids[i]) for i in world.listing(day, sort="downloads")[:TOP_N]]
        stored = Counter(of_day[m][0] for m in top)
        assert stored == Counter(expected_class(world, m, of_day[m][1]) for m in top)


def test_class_split_matches_the_served_records(pipeline: Pipeline):
    for day in DAYS:
        counts = Counter(pipeline.model_class(record) for record in served_top(pipeline.world, day))
        stored = pipeline.query(
            "select model_class, n_models, pct from marts.class_split "
            "where snapshot_date = ? and listing = 'top' and population = 'all_models'",
            [day],
        )
        assert {cls: n for cls, n, _ in stored} == {cls: n for cls, n in counts.items() if n}
        for _cls, n, pct in stored:
            assert pct == pytest.approx(100 * n / TOP_N, abs=0.01)


def test_download_share_by_creation_month_matches_ground_truth(pipeline: Pipeline):
    day = DAYS[-1]
    world = pipeline.world
    downloads_30d = world.downloads_30d(day)
    by_class_month: dict[tuple[str, date], int] = defaultdict(int)
    for i in world.listing(day, sort="downloads")[:TOP_N]:
        cls = pipeline.model_class(served(world, i, day))
        if cls != "unknown":
            created = world.created_date_of(world.model_ids[i])
            by_class_month[(cls, created.replace(day=1))] += int(downloads_30d[i])
    totals: dict[str, int] = defaultdict(int)
    for (cls, _), downloads in by_class_month.items():
        totals[cls] += downloads
    stored = pipeline.query(
        "select model_class, creation_month, downloads_30d, share_pct "
        "from marts.download_share_by_creation_month where snapshot_date = ? and population = 'all_models'",
        [day],
    )
    assert {(cls, month): downloads for cls, month, downloads, _ in stored} == dict(by_class_month)
    for cls, _month, downloads, share in stored:
        assert share == pytest.approx(100 * downloads / totals[cls], abs=1e-6)


def test_slm_share_by_creation_month_per_tag_uses_the_tags_own_listing(pipeline: Pipeline):
    day = DAYS[-1]
    world = pipeline.world
    (listing,) = pipeline.query(
        "select listing from raw.hub_listing_runs where snapshot_date = ? "
        "and listing like 'pipeline_tag:%' order by listing limit 1",
        [day],
    )[0]
    tag = listing.removeprefix("pipeline_tag:")
    counts: dict[date, Counter] = defaultdict(Counter)
    for i in world.listing(day, sort="downloads", pipeline_tag=tag)[:PER_TAG_N]:
        record = served(world, i, day)
        counts[world.created_date_of(world.model_ids[i]).replace(day=1)][pipeline.model_class(record)] += 1
    stored = pipeline.query(
        "select creation_month, n_slm, n_llm, n_unknown, slm_pct from marts.slm_share_by_creation_month "
        "where snapshot_date = ? and scope = ? and population = 'all_models'",
        [day, tag],
    )
    assert {month: (n_slm, n_llm, n_unk) for month, n_slm, n_llm, n_unk, _ in stored} == {
        month: (c["SLM"], c["LLM"], c["unknown"]) for month, c in counts.items()
    }
    for _, n_slm, n_llm, _, pct in stored:
        if n_slm + n_llm == 0:
            assert pct is None
        else:
            assert pct == pytest.approx(100 * n_slm / (n_slm + n_llm), abs=0.01)


def test_tags_by_class_counts_task_tags_only(pipeline: Pipeline):
    day = DAYS[-1]
    with (REPO_ROOT / "dbt_project" / "seeds" / "hub_pipeline_tags.csv").open() as seed:
        task_tags = {row["tag"] for row in csv.DictReader(seed)}
    expected: Counter = Counter()
    for record in served_top(pipeline.world, day):
        for tag in set(record.get("tags") or []) & task_tags:
            expected[(pipeline.model_class(record), tag)] += 1
    stored = pipeline.query(
        "select model_class, tag, n_models from marts.tags_by_class "
        "where snapshot_date = ? and population = 'all_models'",
        [day],
    )
    assert {(cls, tag): n for cls, tag, n in stored} == dict(expected)


def _rows_sql(mart: str) -> str:
    """Every row of a mart, less the wall-clock time its day's listing runs finished."""
    if mart in ("report_snapshot_dates", "report_snapshot_coverage"):
        return f"select * exclude (last_finished_at) from marts.{mart} order by all"
    return f"select * from marts.{mart} order by all"


# Old dbt target folders planted in the rerun's DBT_TARGET_PATH, per op: 2 to 33 days old.
PLANTED_AGES_DAYS = range(2, 34)


@dataclass
class Rerun:
    day: date
    copy_dir: Path
    run_id: str
    planted: dict[str, list[Path]]  # op -> its planted folders, newest first


@pytest.fixture(scope="module")
def rerun(pipeline: Pipeline, tmp_path_factory) -> Rerun:
    """DAYS[1] run again on a copy of the session's warehouse (which stays as the run left it for
    the other tests), over old dbt target folders of earlier runs planted in its target path."""
    day = DAYS[1]
    copy_dir, env = pipeline.run.copy_to(tmp_path_factory.mktemp("rerun"))
    target = Path(env["DBT_TARGET_PATH"])
    target.mkdir()
    now = time.time()
    planted = {}
    for op in ("dbt_models", "dbt_daily_models", "dbt_census_models"):
        planted[op] = []
        for age in PLANTED_AGES_DAYS:
            folder = target / f"{op}-{age:07x}-{uuid.uuid4().hex[:7]}"
            folder.mkdir()
            (folder / "run_results.json").write_text("{}")
            os.utime(folder, (now - age * 86_400, now - age * 86_400))
            planted[op].append(folder)
    with environment(env):
        definitions = load_definitions()
        result = materialize_date_range(definitions, pipeline.instance, day, day)
    assert result.success
    return Rerun(day, copy_dir, result.run_id, planted)


def test_rerunning_a_partition_leaves_identical_rows(pipeline: Pipeline, rerun: Rerun):
    day, copy_dir = rerun.day, rerun.copy_dir
    raw_sql = (
        "select listing, rank, model_id, record::varchar from raw.hub_model_snapshots "
        "where snapshot_date = ? order by listing, rank"
    )
    marts = [
        row[0]
        for row in pipeline.query(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        )
    ]
    # A rerun fetches the day again: when its listing runs finished is the one value that must
    # move (forward), every row of data must not.
    before = {"raw": pipeline.query(raw_sql, [day])}
    before.update({m: pipeline.query(_rows_sql(m)) for m in marts})
    finished_sql = "select last_finished_at from marts.report_snapshot_dates where snapshot_date = ?"
    (finished_before,) = pipeline.query(finished_sql, [day])[0]
    after = {"raw": query(copy_dir, raw_sql, [day])}
    after.update({m: query(copy_dir, _rows_sql(m)) for m in marts})
    assert after == before
    (finished_after,) = query(copy_dir, finished_sql, [day])[0]
    assert finished_after > finished_before
    assert query(copy_dir, "select count(*) from raw.hub_model_snapshots where snapshot_date = ?", [day]) == [
        (len(before["raw"]),)
    ]


def test_a_run_keeps_a_month_of_its_dbt_steps_target_folders(rerun: Rerun):
    """Each dbt step of the run removed its op's planted folders beyond the newest 30 (the two
    oldest, 32 and 33 days old) before writing its own; another op's stay."""
    for op in ("dbt_models", "dbt_daily_models"):
        planted = rerun.planted[op]
        assert [folder.exists() for folder in planted] == [True] * 30 + [False] * 2, op
        (own,) = planted[0].parent.glob(f"{op}-{rerun.run_id[:7]}-*")
        assert (own / "run_results.json").is_file()
        # the run's own folder, told apart from the other runs' by the lookup the profile uses
        assert invocation_folders(own.parent, op, rerun.run_id) == [own]
    assert all(folder.exists() for folder in rerun.planted["dbt_census_models"])


def test_every_snapshot_date_reaches_every_mart(pipeline: Pipeline):
    for mart in (
        "class_split",
        "tags_by_class",
        "slm_share_by_creation_month",
        "download_share_by_creation_month",
    ):
        dates = pipeline.query(f"select distinct snapshot_date from marts.{mart} order by 1")
        assert [row[0] for row in dates] == DAYS, mart


def test_figures_are_rendered_for_the_latest_date(pipeline: Pipeline):
    figures = sorted((pipeline.warehouse_dir / "figures" / DAYS[-1].isoformat()).glob("*.png"))
    names = {path.name for path in figures}
    assert {
        "class_split.png",
        "tags_llm.png",
        "tags_slm.png",
        "slm_share_by_creation_month.png",
        "downloads_by_creation_month_slm.png",
        "downloads_by_creation_month_llm.png",
    } <= names
    per_tag = [name for name in names if name.startswith("slm_share_by_creation_month__")]
    assert len(per_tag) == N_TAGS
    assert all(path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for path in figures)


def test_the_live_hub_refuses_a_past_partition():
    with pytest.raises(ValueError, match="only reports the present"):
        HubClientResource().endpoint_for(date(2025, 1, 8))
