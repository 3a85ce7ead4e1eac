"""`make sql`: a read-only SQL session on the serving copy, safe while the pipeline runs.

    python -m orchestration.sql_shell [--warehouse-dir DIR] [-c "select ..."]

Opens `<DIR>/observatory-serving.duckdb` (orchestration/defs/serving) in the DuckDB CLI with
`-readonly` when a `duckdb` binary is on PATH, else in this small shell over the duckdb Python
package: statements end with `;`, `.tables` lists the tables, `.quit` or Ctrl-D leaves. A session
left open never blocks a run: the pipeline writes another file and replaces this one by rename, so
the session keeps the copy it opened; reconnect (or reopen the shell) to see the latest run.
"""

import argparse
import contextlib
import os
import shutil
import sys
from pathlib import Path

import duckdb

from orchestration.warehouse import WAREHOUSE_DIR_ENV, WarehouseResource

PROMPT, CONTINUATION = "serving> ", "    ...> "


def run_statement(conn: duckdb.DuckDBPyConnection, sql: str) -> str:
    """A statement's result as DuckDB prints it (long results elided in the middle), or its error."""
    try:
        relation = conn.sql(sql)
    except duckdb.Error as exc:
        return f"error: {exc}"
    return "ok" if relation is None else str(relation)


def _list_tables(conn: duckdb.DuckDBPyConnection) -> str:
    rows = conn.execute("select schema_name || '.' || table_name from duckdb_tables() order by 1").fetchall()
    return "\n".join(name for (name,) in rows)


def repl(conn: duckdb.DuckDBPyConnection, path: Path) -> None:
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())
    print(f"{path} (read-only). End statements with ';'. .tables lists tables, .quit leaves.")
    buffer: list[str] = []
    while True:
        try:
            line = input(CONTINUATION if buffer else PROMPT)
        except EOFError:
            print()
            return
        except KeyboardInterrupt:
            print()
            buffer.clear()
            continue
        stripped = line.strip()
        if not buffer and stripped in (".quit", ".exit", r"\q"):
            return
        if not buffer and stripped == ".tables":
            print(_list_tables(conn))
            continue
        buffer.append(line)
        if stripped.endswith(";"):
            print(run_statement(conn, "\n".join(buffer)))
            buffer.clear()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse-dir", default=os.environ.get(WAREHOUSE_DIR_ENV, "warehouse"))
    parser.add_argument("-c", "--command", help="run these statements and exit")
    parser.add_argument(
        "--python", action="store_true", help="use this shell even if the duckdb CLI is on PATH"
    )
    args = parser.parse_args(argv)
    path = WarehouseResource(directory=args.warehouse_dir).serving_path
    if not path.exists():
        print(
            f"no serving copy at {path}: it is published at the end of each successful run "
            "(make demo, the daily job, make rebuild)",
            file=sys.stderr,
        )
        return 1
    cli = shutil.which("duckdb")
    if cli and not args.python:
        command = [cli, "-readonly", str(path)] + (["-c", args.command] if args.command else [])
        os.execv(cli, command)  # noqa: S606 - the user's own CLI, arguments from this command line
    with duckdb.connect(str(path), read_only=True) as conn:
        if args.command:
            print(run_statement(conn, args.command))
        else:
            repl(conn, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
