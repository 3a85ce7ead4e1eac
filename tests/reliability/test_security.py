"""The token stays a secret, Hub strings stay data, servers stay on loopback.

- A planted `HF_TOKEN` reaches the simulated Hub in the Authorization header and nowhere else: not
  Dagster's event log storage or compute logs, not any string of the warehouse, the Parquet archive,
  the figures and report, dbt's logs, the processes' output or the failing run's error messages.
- A recorded catalogue of hostile records (pipeline tags `../../etc`, HTML and Markdown injection,
  SQL quotes, 300 characters, NUL; model ids with `..`, NUL, 300 characters) goes through the whole
  real pipeline: nothing is written outside the warehouse directory, every table survives, the
  strings are stored verbatim as data, and Markdown metadata and the HTML report escape them.
- The simulated Hub and the Dagster UI of `make dev` listen on 127.0.0.1 only.
"""

import json
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

import orchestration.dev
from orchestration.markdown import escape_markdown
from tests.conftest import REPO_ROOT
from tests.pipeline_harness import DBT_TARGET_DIRNAME
from tests.reliability.hostile import HOSTILE_IDS, HOSTILE_TAGS
from tests.reliability.runs import DAY, PLANTED_TOKEN, listening_addresses, pipeline_env, start_job

pytestmark = pytest.mark.slow

# Any recognisable part of the token counts: a masked `hf_PLA...0123` would still leak most of it.
TOKEN_MARKERS = (PLANTED_TOKEN, PLANTED_TOKEN[3:20], PLANTED_TOKEN[-16:])
# A day the simulated Hub does not serve (its world ends 400 days after DAY): it answers 400.
UNSERVED_DAY = DAY + timedelta(days=500)

# --- the planted token ---------------------------------------------------------------------------


def files_containing_token(root: Path) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if any(marker.encode() in data for marker in TOKEN_MARKERS):
                found.append(path)
    return found


def strings_containing_token(duckdb_path: Path) -> list[str]:
    """Every string column of every table of the warehouse, searched in SQL."""
    hits = []
    with duckdb.connect(str(duckdb_path), read_only=True) as conn:
        columns = conn.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where data_type in ('VARCHAR', 'JSON') or data_type like '%[]' or data_type like 'STRUCT%'"
        ).fetchall()
        assert columns
        for schema, table, column in columns:
            for marker in TOKEN_MARKERS:
                (n,) = conn.execute(
                    f'select count(*) from "{schema}"."{table}" where "{column}"::varchar like ?',
                    [f"%{marker}%"],
                ).fetchone()
                if n:
                    hits.append(f"{schema}.{table}.{column}")
    return hits


def parquet_containing_token(archive_dir: Path) -> list[Path]:
    hits = []
    files = sorted(archive_dir.rglob("*.parquet"))
    assert files
    with duckdb.connect() as conn:
        for path in files:
            rows = conn.execute("select * from read_parquet(?)", [str(path)]).fetchall()
            text = json.dumps(rows, default=str)
            if any(marker in text for marker in TOKEN_MARKERS):
                hits.append(path)
    return hits


def dbt_logs_of(warehouse: Path) -> list[Path]:
    """dbt's per-invocation target directories of the runs of the warehouse's instance (named
    after the run, under the DBT_TARGET_PATH that tests/reliability/runs.py gives them)."""
    with dg.DagsterInstance.from_config(str(warehouse / "dagster_home")) as instance:
        run_ids = [record.dagster_run.run_id for record in instance.get_run_records()]
    target = warehouse / DBT_TARGET_DIRNAME
    return [path for run_id in run_ids for path in target.glob(f"*-{run_id[:7]}-*")]


def error_messages(instance_dir: Path) -> list[str]:
    """The message of every failure event of every run, causes included."""
    messages = []
    with dg.DagsterInstance.from_config(str(instance_dir)) as instance:
        for record in instance.get_run_records():
            for entry in instance.all_logs(record.dagster_run.run_id):
                event = entry.dagster_event
                messages.append(entry.message)
                error = None
                if event is not None and event.event_type == dg.DagsterEventType.STEP_FAILURE:
                    error = event.step_failure_data.error
                elif event is not None and event.event_type == dg.DagsterEventType.RUN_FAILURE:
                    error = event.job_failure_data.error if event.job_failure_data else None
                while error is not None:
                    messages.append(error.message + "".join(error.stack))
                    error = error.cause
    return messages


def assert_no_token_anywhere(warehouse: Path, outputs: str) -> None:
    assert files_containing_token(warehouse) == []  # DuckDB file, archive, figures, report, DAGSTER_HOME
    assert strings_containing_token(warehouse / "observatory.duckdb") == []
    assert parquet_containing_token(warehouse / "archive") == []
    dbt_dirs = dbt_logs_of(warehouse)
    assert dbt_dirs, "dbt's logs of the runs were not found"
    for directory in dbt_dirs:
        assert files_containing_token(directory) == []
    assert not any(marker in outputs for marker in TOKEN_MARKERS)
    assert not any(
        marker in m for m in error_messages(warehouse / "dagster_home") for marker in TOKEN_MARKERS
    )


def test_the_token_reaches_the_hub_and_nothing_else(reference, hub):
    reference.completed()
    warehouse = reference.warehouse_dir
    # A failing run on the same instance and warehouse: the Hub refuses the day with a 400, and
    # the error travels through every log. Nothing of the warehouse changes.
    env = pipeline_env(hub.endpoint_template, warehouse)
    failing = start_job(env, UNSERVED_DAY, UNSERVED_DAY, warehouse.parent / "logs", "failing")
    assert failing.wait() == 1
    errors = " ".join(error_messages(warehouse / "dagster_home"))
    assert "400 Bad Request" in errors and "No snapshot for" in errors

    assert hub.authorizations, "the simulated Hub saw no request"
    assert set(hub.authorizations) == {f"Bearer {PLANTED_TOKEN}"}  # sent, on every request
    assert (warehouse / "report" / "index.html").is_file()
    assert list((warehouse / "figures").rglob("*.png"))
    assert_no_token_anywhere(warehouse, reference.job.output() + failing.output())


# --- hostile strings -----------------------------------------------------------------------------


def markdown_metadata(instance_dir: Path) -> list[str]:
    texts = []
    with dg.DagsterInstance.from_config(str(instance_dir)) as instance:
        for record in instance.get_run_records():
            for entry in instance.all_logs(
                record.dagster_run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
            ):
                for value in entry.dagster_event.step_materialization_data.materialization.metadata.values():
                    if isinstance(value, dg.MarkdownMetadataValue):
                        texts.append(value.md_str)
    return texts


def test_hostile_strings_write_nothing_outside_the_warehouse(hostile_run):
    hostile_run = hostile_run.completed()
    warehouse, written = hostile_run.warehouse, hostile_run.written
    assert written and all(path.resolve().is_relative_to(warehouse.resolve()) for path in written)
    assert not any(".." in path.relative_to(warehouse).parts or "\x00" in str(path) for path in written)
    figures = [p for p in written if p.is_relative_to(warehouse / "figures")]
    assert len(figures) >= 6 + len(HOSTILE_TAGS)
    assert all(p.parent == warehouse / "figures" / DAY.isoformat() for p in figures)
    archive = {
        p.relative_to(warehouse / "archive").as_posix()
        for p in written
        if p.is_relative_to(warehouse / "archive")
    }
    tables = ("hub_model_snapshots", "hub_listing_runs", "rejected_records")
    assert archive == {f"{table}/snapshot_date={DAY}/data.parquet" for table in tables}
    assert "Traceback" not in hostile_run.output


def test_hostile_strings_are_stored_verbatim_as_data(hostile_run):
    hostile_run = hostile_run.completed()
    with duckdb.connect(str(hostile_run.warehouse / "observatory.duckdb"), read_only=True) as conn:
        listings = {row[0] for row in conn.execute("select listing from raw.hub_listing_runs").fetchall()}
        payloads = conn.execute("select payload from raw.rejected_records").fetchall()
        scopes = {
            row[0]
            for row in conn.execute("select distinct scope from marts.slm_share_by_creation_month").fetchall()
        }
    assert {f"pipeline_tag:{tag}" for tag in HOSTILE_TAGS} <= listings  # the SQL quote did no harm
    assert set(HOSTILE_IDS) <= {json.loads(payload)["id"] for (payload,) in payloads}
    assert {tag for tag in HOSTILE_TAGS if ":" not in tag} <= scopes


def test_a_pipeline_tag_holding_a_colon_keeps_its_whole_name_in_the_marts(hostile_run):
    hostile_run = hostile_run.completed()
    with duckdb.connect(str(hostile_run.warehouse / "observatory.duckdb"), read_only=True) as conn:
        scopes = {
            row[0]
            for row in conn.execute("select distinct scope from marts.slm_share_by_creation_month").fetchall()
        }
    assert {tag for tag in HOSTILE_TAGS if ":" in tag} <= scopes


def test_hostile_strings_are_escaped_in_markdown_metadata_and_the_report(hostile_run):
    hostile_run = hostile_run.completed()
    markdown = markdown_metadata(hostile_run.warehouse / "dagster_home")
    per_listing = next(text for text in markdown if "| listing |" in text)
    for tag in HOSTILE_TAGS:
        assert escape_markdown(f"pipeline_tag:{tag}") in per_listing
    for text in markdown:  # no live HTML, no link syntax, no cell break left unescaped
        assert "<img" not in text
        assert not re.search(r"(?<!\\)\]\(javascript", text)
    for line in per_listing.splitlines()[2:]:
        assert len(re.findall(r"(?<!\\)\|", line)) == 8, line  # seven cells, whatever the tag holds
    pages = list((hostile_run.warehouse / "report").glob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text()
        assert "<img src=x" not in html and "onerror=alert(1)>" not in html


def test_the_simulated_hub_binds_loopback(hostile_run):
    hostile_run = hostile_run.completed()
    assert hostile_run.hub_address[0] == "127.0.0.1"
    assert hostile_run.hub_listening == {"0100007F"}


# --- loopback ------------------------------------------------------------------------------------


def test_the_dagster_ui_of_make_dev_binds_loopback_unless_told_otherwise(monkeypatch, tmp_path):
    commands = []
    monkeypatch.setattr(orchestration.dev.subprocess, "run", lambda command, **_: commands.append(command))
    for argv, host in ((["dev"], "127.0.0.1"), (["dev", "--host", "0.0.0.0"], "0.0.0.0")):  # noqa: S104
        monkeypatch.setattr(sys, "argv", [*argv, "--warehouse-dir", str(tmp_path)])
        orchestration.dev.main()
        command = commands.pop()
        assert command[command.index("-h") + 1] == host


def test_the_simulated_hub_cli_binds_loopback(tmp_path):
    serve = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulated_hub",
            "serve",
            "--n-models",
            "100",
            "--today",
            str(date(2025, 1, 8)),
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        announced = json.loads(serve.stdout.readline())
        port = int(announced["base_url"].rsplit(":", 1)[1])
        assert announced["base_url"].startswith("http://127.0.0.1:")
        assert listening_addresses(port) == {"0100007F"}
    finally:
        serve.terminate()
        serve.wait(timeout=30)
