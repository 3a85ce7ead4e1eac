"""A user's session on the serving copy, held open read-only until told to stop.

    python -m tests.reliability.serving_reader <serving copy> <stop file>

Connects once, then every 0.1 s reads what the copy says it holds and what its marts hold, and
prints one JSON line per read (or per error), until `<stop file>` exists. The connection stays
open from the first read to the last, as a notebook or a BI tool left open would keep it.
"""

import json
import sys
import time
from pathlib import Path

import duckdb


def main() -> int:
    path, stop = Path(sys.argv[1]), Path(sys.argv[2])
    conn = duckdb.connect(str(path), read_only=True)
    print(json.dumps({"connected": time.time()}), flush=True)
    try:
        while not stop.exists():
            try:
                (published,) = conn.execute(
                    "select latest_snapshot_date::varchar from meta.publication"
                ).fetchone()
                dates = conn.execute(
                    "select distinct snapshot_date::varchar from marts.class_split order by 1"
                ).fetchall()
                raw = conn.execute(
                    "select distinct snapshot_date::varchar from raw.hub_listing_runs"
                ).fetchall()
                print(
                    json.dumps(
                        {
                            "at": time.time(),
                            "published": published,
                            "marts": [d for (d,) in dates],
                            "raw": sorted(d for (d,) in raw),
                        }
                    ),
                    flush=True,
                )
            except duckdb.Error as exc:
                print(json.dumps({"at": time.time(), "error": str(exc)}), flush=True)
            time.sleep(0.1)
    finally:
        conn.close()
    print(json.dumps({"closed": time.time()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
