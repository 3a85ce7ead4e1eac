"""B2's synthetic history keeps what the history models compare across days consistent."""

import json
from datetime import date

import duckdb

from bench.history import synthesise_history
from orchestration.defs.hub.raw_store import ensure_raw_tables

DAY = date(2025, 1, 8)


def _record(model_id: str, created: str, downloads: int, all_time: int) -> str:
    return json.dumps(
        {
            "id": model_id,
            "createdAt": created,
            "downloads": downloads,
            "downloadsAllTime": all_time,
            "gated": False,
        },
        separators=(",", ":"),
    )


def test_past_days_derive_from_the_template_day():
    conn = duckdb.connect()
    ensure_raw_tables(conn)
    rows = [
        ("top", 1, "old/model", _record("old/model", "2023-05-01T00:00:00.000Z", 300, 10_000)),
        ("top", 2, "new/model", _record("new/model", "2025-01-07T12:00:00.000Z", 60, 60)),
        ("new", 1, "new/model", _record("new/model", "2025-01-07T12:00:00.000Z", 60, 60)),
    ]
    for listing, rank, model_id, record in rows:
        conn.execute(
            "insert into raw.hub_model_snapshots values (?, ?, ?, now(), ?, ?)",
            [DAY, listing, rank, model_id, record],
        )
    for listing, n_models in (("top", 2), ("new", 1)):
        conn.execute(
            "insert into raw.hub_listing_runs "
            "values (?, ?, 'downloads', 10, ?, ?, 0, false, 1, now(), now(), 'x')",
            [DAY, listing, n_models, n_models],
        )

    summary = synthesise_history(conn, DAY, n_days=3)

    assert summary["days_with_rows"] == 4
    counters = conn.execute(
        "select snapshot_date, cast(record ->> '$.downloadsAllTime' as bigint), "
        "cast(record ->> '$.downloads' as bigint) "
        "from raw.hub_model_snapshots where model_id = 'old/model' order by snapshot_date"
    ).fetchall()
    assert [row[1] for row in counters] == [9_970, 9_980, 9_990, 10_000]  # back by downloads // 30 a day
    assert {row[2] for row in counters} == {300}
    # a model exists only from its creation day
    days_new = conn.execute(
        "select distinct snapshot_date from raw.hub_model_snapshots where model_id = 'new/model' order by 1"
    ).fetchall()
    assert [row[0] for row in days_new] == [date(2025, 1, 7), DAY]
    # every listing run agrees with the rows kept (the project's assert_listing_runs_match_snapshots)
    mismatches = conn.execute(
        """select runs.snapshot_date, runs.listing from raw.hub_listing_runs runs
        left join (
            select snapshot_date, listing, count(distinct model_id) as n
            from raw.hub_model_snapshots group by all
        ) as s using (snapshot_date, listing)
        where runs.unique_n != coalesce(s.n, 0)"""
    ).fetchall()
    assert mismatches == []
    assert conn.execute("select count(*) from raw.hub_listing_runs").fetchone()[0] == 8
    # the records stay valid JSON
    assert (
        conn.execute(
            "select count(*) from raw.hub_model_snapshots where json_valid(record::varchar)"
        ).fetchone()[0]
        == 8
    )
