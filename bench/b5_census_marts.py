"""B5, the census models: dbt's build of one new census with 1 and with 10 earlier census dates in
the warehouse.

What is measured is the `dbt build` of the models tagged `census` (the job hub_census's dbt step,
`orchestration/defs/transform/assets.py`: staging, the per-census classification, the census marts
and their data tests) for one census date D of `n_models` models, run as the Dagster asset runs it
(its window, D, in SLM_OBS_SNAPSHOT_START_DATE / _END_DATE): wall time, and peak resident memory
of the dbt process (DuckDB runs inside it), sampled from /proc. Targets: < 3 minutes, < 4 GiB,
and (10 earlier dates) / (1 earlier date) <= 1.3: a new census must not rescan earlier ones.

How the warehouses are made (not crawled over HTTP; B3 measures the crawl): the census rows are
synthetic and loaded straight into `raw.hub_model_census` by SQL (`synthetic_census`): records
with the fields the census models read (`_id`, `id`, `createdAt`, `pipeline_tag`,
`library_name`, `tags` with `base_model:` lineage tags naming earlier models, `safetensors` for
two models in three, sizes in some names). The 1-date warehouse: census D-7 built by dbt (a first
build), then D loaded. The 10-date warehouse: a copy of it before D, whose D-7 rows (raw and every
census table) are replicated to nine more earlier dates by SQL, as if earlier runs had built them;
then D loaded. `popularity_bias` is left out (it reads the daily snapshots, absent here; a few
rows per date).
"""

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import duckdb

from bench.machine import load_average, process_memory
from orchestration.defs.hub.raw_store import CENSUS_TABLE, CENSUS_TABLE_COLUMNS, ensure_tables
from orchestration.defs.transform.assets import WINDOW_END_ENV, WINDOW_START_ENV
from orchestration.warehouse import DUCKDB_FILENAME

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
TARGET_WALL_S = 180.0
TARGET_PEAK_BYTES = 4 * 1024**3
TARGET_RATIO = 1.3
EARLIER_STEP_DAYS = 7
SELECT = ["-s", "tag:census", "--exclude", "popularity_bias"]
_TASKS = (
    "text-generation",
    "text2text-generation",
    "fill-mask",
    "image-text-to-text",
    "text-to-image",
    "image-classification",
    "automatic-speech-recognition",
    "sentence-similarity",
)


def synthetic_census(conn: duckdb.DuckDBPyConnection, census_date: date, n_models: int) -> None:
    """`n_models` synthetic census records for `census_date` into raw.hub_model_census."""
    tasks = "[" + ", ".join(f"'{task}'" for task in _TASKS) + "]"
    conn.execute(
        f"""
        insert into raw.{CENSUS_TABLE}
        with models as (
            select
                i,
                'org' || (i % 20000) || '/model-' || i
                || case when i % 5 = 0 then '-' || (1 + i % 13) || 'b' else '' end as model_id,
                {tasks}[1 + (i * 7) % {len(_TASKS)}] as pipeline_tag
            from range(1, ? + 1) as t(i)
        )
        select
            ?::date as snapshot_date,
            'census' as listing,
            i::integer as rank,
            ?::timestamptz as fetched_at,
            model_id,
            json_object(
                '_id', lpad(printf('%x', 1500000000 + i * 40), 8, '0') || lpad(printf('%x', i), 16, '0'),
                'id', model_id,
                'createdAt', strftime(
                    timestamp '2021-01-01' + to_seconds(i * 40), '%Y-%m-%dT%H:%M:%S.000Z'
                ),
                'pipeline_tag', case when i % 11 = 0 then null else pipeline_tag end,
                'library_name', case when i % 3 = 0 then 'transformers' else 'diffusers' end,
                'tags', case
                    when i % 4 = 0 and i > 10 then [
                        'transformers', 'llama',
                        'base_model:finetune:org' || ((i - 7) % 20000) || '/model-' || (i - 7)
                        || case when (i - 7) % 5 = 0 then '-' || (1 + (i - 7) % 13) || 'b' else '' end
                    ]
                    else ['transformers', 'safetensors']
                end,
                'safetensors', case
                    when i % 3 != 0 then json_object('total', 100000000 + (i * 7919) % 20000000000)
                end
            ) as record
        from models
        """,
        [n_models, census_date, census_date],
    )


def _dbt(warehouse_dir: Path, args: list[str], window: date | None, target: Path) -> dict:
    """One dbt invocation; its wall time and the dbt process's peak resident memory."""
    env = {
        **os.environ,
        "SLM_OBS_WAREHOUSE_DIR": str(warehouse_dir),
        WINDOW_START_ENV: window.isoformat() if window else "",
        WINDOW_END_ENV: window.isoformat() if window else "",
    }
    command = [
        str(Path(sys.executable).parent / "dbt"),
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target),
        "--log-path",
        str(target / "logs"),
        "--quiet",
    ]
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            memory = process_memory(process.pid)
            peak = max(peak, memory.get("peak_rss_bytes", 0), memory.get("rss_bytes", 0))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    done.set()
    sampler.join()
    wall = time.monotonic() - started
    if process.returncode != 0:
        raise RuntimeError(f"dbt {' '.join(args)} failed:\n{output[-4000:]}")
    return {"wall_s": round(wall, 1), "peak_rss_bytes": peak, "load_average": load_average()}


def _replicate_census_date(database: Path, source: date, targets: list[date]) -> None:
    """Copy `source`'s rows of raw.hub_model_census and every census table to `targets`."""
    with duckdb.connect(str(database)) as conn:
        tables = conn.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and (table_name like '%census%') "
            "and table_schema in ('raw', 'intermediate', 'marts') and table_name != 'hub_census_runs'"
        ).fetchall()
        for schema, table in tables:
            columns = [
                row[0]
                for row in conn.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [schema, table],
                ).fetchall()
            ]
            date_column = next(c for c in ("census_date", "snapshot_date") if c in columns)
            for target in targets:
                shift = (target - source).days
                replaced = []
                for column in columns:
                    if column in ("census_date", "snapshot_date", "measured_on"):
                        replaced.append(f"{column} + {shift} as {column}")
                    elif column.endswith("census_key"):
                        replaced.append(f"'{target.isoformat()}' || substr({column}, 11) as {column}")
                replace = f" replace ({', '.join(replaced)})" if replaced else ""
                conn.execute(
                    f"insert into {schema}.{table} select *{replace} from {schema}.{table} "
                    f"where {date_column} = ?",
                    [source],
                )
        conn.execute("checkpoint")


def run_b5(work_dir: Path, day: date, n_models: int, log: Callable[[str], None]) -> dict:
    first = day - timedelta(days=EARLIER_STEP_DAYS)
    one_dir, ten_dir = work_dir / "earlier_1", work_dir / "earlier_10"
    one_dir.mkdir(parents=True)
    database = one_dir / DUCKDB_FILENAME
    started = time.monotonic()
    with duckdb.connect(str(database)) as conn:
        ensure_tables(conn, CENSUS_TABLE_COLUMNS)
        synthetic_census(conn, first, n_models)
    log(f"B5: {n_models:,} synthetic census rows for {first} in {time.monotonic() - started:.0f} s")
    setup = {"seed": _dbt(one_dir, ["seed"], None, work_dir / "target_seed")}
    setup["first_census"] = _dbt(one_dir, ["build", *SELECT], first, work_dir / "target_first")
    log(f"B5: the first census built in {setup['first_census']['wall_s']:.0f} s")
    # the 10-date warehouse: the same state, nine more earlier dates replicated
    shutil.copytree(one_dir, ten_dir, ignore=shutil.ignore_patterns("dbt_parse_state"))
    earlier = [first - timedelta(days=EARLIER_STEP_DAYS * k) for k in range(1, 10)]
    replicate_started = time.monotonic()
    _replicate_census_date(ten_dir / DUCKDB_FILENAME, first, earlier)
    setup["replicate_s"] = round(time.monotonic() - replicate_started, 1)
    measured = {}
    for name, directory in (("earlier_1", one_dir), ("earlier_10", ten_dir)):
        with duckdb.connect(str(directory / DUCKDB_FILENAME)) as conn:
            synthetic_census(conn, day, n_models)
            dates = conn.execute(f"select count(distinct snapshot_date) from raw.{CENSUS_TABLE}").fetchone()[
                0
            ]
        result = _dbt(directory, ["build", *SELECT], day, work_dir / f"target_{name}")
        result["census_dates_in_warehouse"] = dates
        result["database_bytes"] = (directory / DUCKDB_FILENAME).stat().st_size
        measured[name] = result
        log(
            f"B5: {name}: {result['wall_s']:.0f} s, peak {result['peak_rss_bytes'] / 1024**3:.2f} GiB "
            f"(load {result['load_average'][0]})"
        )
    ratio = measured["earlier_10"]["wall_s"] / measured["earlier_1"]["wall_s"]
    worst_wall = max(m["wall_s"] for m in measured.values())
    worst_peak = max(m["peak_rss_bytes"] for m in measured.values())
    return {
        "census_models": n_models,
        "setup": setup,
        "dbt_build": measured,
        "ratio_10_to_1": round(ratio, 3),
        "targets": {
            "wall_s": {"target": f"< {TARGET_WALL_S:.0f} s", "pass": worst_wall < TARGET_WALL_S},
            "peak_rss": {"target": "< 4 GiB", "pass": worst_peak < TARGET_PEAK_BYTES},
            "ratio": {"target": f"<= {TARGET_RATIO}", "pass": ratio <= TARGET_RATIO},
        },
    }


if __name__ == "__main__":  # python -m bench.b5_census_marts N_MODELS WORK_DIR
    import json

    work = Path(sys.argv[2])
    shutil.rmtree(work, ignore_errors=True)
    report = run_b5(work, date(2025, 1, 8), int(sys.argv[1]), lambda m: print(m, flush=True))
    print(json.dumps(report, indent=2))
