"""raw/hub_model_details: base models that `base_model:` tags name but no listing ever served.

An adapter, a quantization, a fine-tune or a merge takes its size from its base model
(`intermediate.int_model_sizes`, step 3). Most bases are in some listing; the others (an old
base no longer in the top N, a base of a rarely used task) are fetched here, once each:

1. find the base ids named by the tags of the run's snapshot records and of the records already
   fetched (so a base's own base follows, round after round), that neither a snapshot (any
   date) nor an earlier fetch holds (compared case-insensitively, as Hub ids are);
2. ask the Hub for each, most referenced first, at most `max_fetches_per_run` a run (the rest
   wait for the next run): `GET {endpoint}/api/models/{id}?expand=...`, the request
   `HfApi(endpoint=...).model_info(id, expand=[...])` sends, through huggingface_hub's own
   transport (`install_http_client`, `http_backoff` retries, `hf_raise_for_status` errors).
   `model_info` itself parses the answer into a `ModelInfo`, which drops fields; the answer
   is stored verbatim instead, as the listings are;
3. store each answer in `raw.hub_model_details(model_id, fetched_at, status, record)`: `ok`
   with the JSON, or `not_found` (RepositoryNotFoundError: deleted, private, misspelt) with
   NULL, so a missing base is never asked again. Other errors (the Hub down for longer than
   the retries) are logged and left for a later run whose records still name that base: a
   base's size is not worth failing the day's marts for. Each round's answers are archived
   first, as one Parquet file under `archive/hub_model_details/fetched_date=YYYY-MM-DD/`
   (temporary name, fsync, rename), so `make rebuild` restores them with the snapshots
   (`load_details_from_archive`).

The live Hub only serves the present, so any partition fetches from today's Hub (a base's
size does not change); a simulated Hub is asked as of the partition's last day.
"""

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import dagster as dg
import duckdb
import httpx2
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError
from huggingface_hub.utils import build_hf_headers, hf_raise_for_status, http_backoff

from orchestration.defs.hub.hub_client import REQUESTS_SENT, HubClientResource, install_http_client
from orchestration.defs.hub.raw_store import fsync_and_rename
from orchestration.defs.transform.project import dbt_var
from orchestration.markdown import escape_markdown
from orchestration.names import WAREHOUSE_POOL
from orchestration.partitions import daily_partitions
from orchestration.warehouse import WarehouseResource

DETAILS_TABLE = "hub_model_details"
# What the size resolution reads, and what tells a base's own lineage.
DETAILS_EXPAND = ("safetensors", "gguf", "tags", "library_name", "pipeline_tag", "baseModels", "createdAt")
STATUS_OK = "ok"
STATUS_NOT_FOUND = "not_found"

_DDL = (
    "create schema if not exists raw",
    f"""create table if not exists raw.{DETAILS_TABLE} (
        model_id varchar, fetched_at timestamptz, status varchar, record json
    )""",
)

# Base ids named by a `base_model:<id>` or `base_model:<relation>:<id>` tag of a record of the
# run's snapshot dates or of a fetched base, known neither from any snapshot nor from an earlier
# fetch; most referenced first. Only the run's dates are parsed: the daily cost must not grow
# with history (bench B2), and earlier dates' bases were looked for by earlier runs.
_MISSING_BASES_SQL = f"""
with tagged as (
    select model_id, unnest(cast(json_extract(record, '$.tags') as varchar[])) as tag
    from raw.hub_model_snapshots
    where snapshot_date between $first_day and $last_day
    union all
    select model_id, unnest(cast(json_extract(record, '$.tags') as varchar[])) as tag
    from raw.{DETAILS_TABLE}
    where status = '{STATUS_OK}'
),
named as (
    select
        model_id,
        regexp_extract(tag, $base_model_tag_pattern, 2) as base_id
    from tagged
    where regexp_matches(tag, $base_model_tag_pattern)
),
known as (
    select lower(model_id) as model_key from raw.hub_model_snapshots
    union
    select lower(model_id) from raw.{DETAILS_TABLE}
)
select base_id, count(distinct model_id) as referenced_by
from named
where base_id <> '' and lower(base_id) not in (select model_key from known)
group by base_id
order by referenced_by desc, base_id
"""


class BaseModelDetailsConfig(dg.Config):
    """How many unknown bases one run may ask the Hub about (the rest wait for the next run)."""

    max_fetches_per_run: int = 1000
    # A fetched base may name a base of its own: look again, up to this many times a run.
    max_rounds: int = 4


def ensure_details_table(conn: duckdb.DuckDBPyConnection) -> None:
    for statement in _DDL:
        conn.execute(statement)


def missing_base_ids(
    conn: duckdb.DuckDBPyConnection, first_day: date, last_day: date, limit: int
) -> list[str]:
    """Base ids named by the records of `first_day`..`last_day` (or by fetched bases) to fetch,
    most referenced first (none before the first snapshot)."""
    exists = conn.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw' and table_name = 'hub_model_snapshots'"
    ).fetchone()[0]
    if not exists or limit <= 0:
        return []
    rows = conn.execute(
        f"{_MISSING_BASES_SQL} limit $limit",
        {
            "first_day": first_day,
            "last_day": last_day,
            "limit": limit,
            # dbt's own pattern (int_model_lineage_edges): group 2 is the base's id
            "base_model_tag_pattern": dbt_var("base_model_tag_pattern"),
        },
    ).fetchall()
    return [base_id for base_id, _ in rows]


def fetch_model_details(hub: HubClientResource, endpoint: str, model_id: str) -> tuple[str, dict | None]:
    """(status, record) of one model: `model_info`'s request, its JSON kept as returned."""
    response = http_backoff(
        "GET",
        f"{endpoint}/api/models/{quote(model_id, safe='/')}",
        params=[("expand", field) for field in DETAILS_EXPAND],
        headers=build_hf_headers(token=hub.token or False, library_name="slm-observatory"),
        max_retries=hub.max_retries,
        base_wait_time=hub.retry_base_s,
        max_wait_time=hub.retry_max_s,
    )
    try:
        hf_raise_for_status(response)
    except RepositoryNotFoundError:  # GatedRepoError included: the Hub will not say more
        return STATUS_NOT_FOUND, None
    record = response.json()
    if not isinstance(record, dict):
        raise HfHubHTTPError(f"{model_id}: expected a JSON object, got {type(record).__name__}")
    return STATUS_OK, record


def details_endpoint(hub: HubClientResource, day) -> str:
    """Today's live Hub whatever the partition; a simulated Hub as of `day`."""
    return hub.endpoint.rstrip("/") if hub.is_live else hub.endpoint_for(day)


def archive_details(archive_dir: Path, rows: list[tuple]) -> Path:
    """One round's answers as an immutable Parquet file, dated by when they were fetched."""
    fetched_date = min(row[1] for row in rows).date().isoformat()
    target_dir = archive_dir / DETAILS_TABLE / f"fetched_date={fetched_date}"
    target_dir.mkdir(parents=True, exist_ok=True)
    final_path = target_dir / f"{uuid.uuid4().hex}.parquet"
    tmp_path = target_dir / f".{final_path.name}.tmp"
    with duckdb.connect() as scratch:
        ensure_details_table(scratch)
        scratch.executemany(f"insert into raw.{DETAILS_TABLE} values (?, ?, ?, ?)", rows)
        scratch.execute(
            f"copy raw.{DETAILS_TABLE} to '{str(tmp_path).replace(chr(39), chr(39) * 2)}' "
            "(format parquet, compression zstd)"
        )
    fsync_and_rename(tmp_path, final_path)
    return final_path


def load_details_from_archive(conn: duckdb.DuckDBPyConnection, archive_dir: Path) -> int:
    """Replace `raw.hub_model_details` with the archived answers, the latest one per model."""
    ensure_details_table(conn)
    files = sorted((archive_dir / DETAILS_TABLE).glob("fetched_date=*/*.parquet"))
    conn.execute(f"delete from raw.{DETAILS_TABLE}")
    if files:
        conn.execute(
            f"""insert into raw.{DETAILS_TABLE}
            select model_id, fetched_at, status, record from read_parquet(?)
            qualify row_number() over (partition by lower(model_id) order by fetched_at desc) = 1""",
            [[str(path) for path in files]],
        )
    return conn.execute(f"select count(*) from raw.{DETAILS_TABLE}").fetchone()[0]


def _store(warehouse: WarehouseResource, rows: list[tuple]) -> None:
    archive_details(warehouse.archive_dir, rows)
    with warehouse.connect() as conn:
        ensure_details_table(conn)
        conn.execute("begin transaction")
        try:
            conn.executemany(
                f"delete from raw.{DETAILS_TABLE} where lower(model_id) = lower(?)", [(r[0],) for r in rows]
            )
            conn.executemany(f"insert into raw.{DETAILS_TABLE} values (?, ?, ?, ?)", rows)
            conn.execute("commit")
        except BaseException:
            conn.execute("rollback")
            raise


@dg.asset(
    key=["raw", DETAILS_TABLE],
    deps=[dg.AssetKey(["raw", "hub_model_snapshots"])],
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="ingestion",
    kinds={"python", "duckdb"},
    pool=WAREHOUSE_POOL,
)
def hub_model_details(
    context: dg.AssetExecutionContext,
    hub: HubClientResource,
    warehouse: WarehouseResource,
    config: BaseModelDetailsConfig,
) -> dg.MaterializeResult:
    """Base models named by `base_model:` tags but never listed, fetched once each (model_info)."""
    first_day = context.partition_time_window.start.date()
    day = (context.partition_time_window.end - timedelta(days=1)).date()
    endpoint = details_endpoint(hub, day)
    # huggingface_hub's client with the resource's timeouts and 429 wait cap, as the snapshot asset
    install_http_client(hub.timeout_s, retry_after_max_s=hub.retry_after_max_s)
    requests_before = REQUESTS_SENT.count
    counts = {STATUS_OK: 0, STATUS_NOT_FOUND: 0, "failed": 0}
    failed: list[str] = []
    budget = config.max_fetches_per_run
    for _ in range(config.max_rounds):
        with warehouse.connect() as conn:
            ensure_details_table(conn)
            candidates = missing_base_ids(conn, first_day, day, budget + len(failed))
            to_fetch = [model_id for model_id in candidates if model_id not in failed]
        to_fetch = to_fetch[:budget]
        if not to_fetch:
            break
        rows = []
        for model_id in to_fetch:
            try:
                status, record = fetch_model_details(hub, endpoint, model_id)
            except (httpx2.HTTPError, OSError, ValueError) as exc:  # transport, HTTP or JSON errors
                context.log.warning(f"{model_id}: not fetched ({type(exc).__name__}: {exc}); next run")
                failed.append(model_id)
                counts["failed"] += 1
                continue
            counts[status] += 1
            text = None if record is None else json.dumps(record, ensure_ascii=False)
            rows.append((model_id, datetime.now(UTC), status, text))
        budget -= len(to_fetch)
        if rows:
            _store(warehouse, rows)
        context.log.info(
            f"{len(rows)} base models stored ({sum(r[2] == STATUS_OK for r in rows)} found) from {endpoint}"
        )
    with warehouse.connect(read_only=True) as conn:
        stored = dict(
            conn.execute(f"select status, count(*) from raw.{DETAILS_TABLE} group by status").fetchall()
        )
        pending = len(missing_base_ids(conn, first_day, day, 100_000))
    summary = "| status | this run | stored |\n| --- | ---: | ---: |\n" + "\n".join(
        f"| {escape_markdown(status)} | {counts.get(status, 0)} | {stored.get(status, 0)} |"
        for status in (STATUS_OK, STATUS_NOT_FOUND, "failed")
    )
    return dg.MaterializeResult(
        metadata={
            "snapshot_date": dg.MetadataValue.text(day.isoformat()),
            "fetched": dg.MetadataValue.int(counts[STATUS_OK] + counts[STATUS_NOT_FOUND]),
            "found": dg.MetadataValue.int(counts[STATUS_OK]),
            "not_found": dg.MetadataValue.int(counts[STATUS_NOT_FOUND]),
            "failed": dg.MetadataValue.int(counts["failed"]),
            "pending": dg.MetadataValue.int(pending),
            "stored": dg.MetadataValue.int(sum(stored.values())),
            "requests": dg.MetadataValue.int(REQUESTS_SENT.count - requests_before),
            "summary": dg.MetadataValue.md(summary),
        }
    )
