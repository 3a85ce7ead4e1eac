"""Whether a change left the product's output as it was: two demo warehouses side by side.

    python -m bench.compare_demos BEFORE_DIR AFTER_DIR [--new-dimension COLUMN=VALUE ...]

Each directory is a `make demo DEMO_DIR=...` run, of the same simulated world, by two versions of
the code (a git worktree of each). Prints, and exits 1 if any differs:
- every mart both warehouses hold: rows only in one of them (EXCEPT ALL both ways) over the
  columns both have, wall-clock columns (`*_at`) left out; marts and columns only one of them has.
  A dimension the change added to a mart (`--new-dimension population=all_models`) is compared
  on its rows of that value: they must be the mart's rows before;
- the latest report's key numbers (the cards of `#key-numbers`), label by label;
- every figure PNG, byte for byte.
"""

import argparse
import hashlib
import sys
from html.parser import HTMLParser
from itertools import zip_longest
from pathlib import Path

import duckdb

from orchestration.names import MARTS_SCHEMA


class _KeyNumbers(HTMLParser):
    """The text of the `#key-numbers` section, one string per element carrying text."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth or dict(attrs).get("id") == "key-numbers":
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and data.strip():
            self.texts.append(" ".join(data.split()))


def key_numbers(report: Path) -> list[str]:
    parser = _KeyNumbers()
    parser.feed(report.read_text())
    return parser.texts


def latest_report(demo_dir: Path) -> Path:
    return sorted(p for p in (demo_dir / "report").glob("*.html") if p.stem[:1].isdigit())[-1]


def figure_hashes(demo_dir: Path) -> dict[str, str]:
    root = demo_dir / "figures"
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*.png"))
    }


def _columns(conn: duckdb.DuckDBPyConnection, database: str, table: str) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "select column_name from duckdb_columns() "
            "where database_name = ? and schema_name = ? and table_name = ? order by column_index",
            [database, MARTS_SCHEMA, table],
        ).fetchall()
    ]


def compare_marts(before: Path, after: Path, new_dimensions: dict[str, str]) -> list[str]:
    """One line per mart; differences start with `DIFF`."""
    lines = []
    with duckdb.connect() as conn:
        for alias, demo_dir in (("before", before), ("after", after)):
            conn.execute(f"attach '{demo_dir / 'observatory.duckdb'}' as {alias} (read_only)")
        tables = {
            alias: {
                name
                for (name,) in conn.execute(
                    "select table_name from duckdb_tables() where database_name = ? and schema_name = ?",
                    [alias, MARTS_SCHEMA],
                ).fetchall()
            }
            for alias in ("before", "after")
        }
        for name in sorted(tables["before"] - tables["after"]):
            lines.append(f"DIFF {name}: only before")
        for name in sorted(tables["after"] - tables["before"]):
            lines.append(f"new  {name}: only after")
        for name in sorted(tables["before"] & tables["after"]):
            old, new = _columns(conn, "before", name), _columns(conn, "after", name)
            shared = ", ".join(f'"{c}"' for c in old if c in new and not c.endswith("_at"))
            added_dimensions = {c: v for c, v in new_dimensions.items() if c in new and c not in old}
            where = {
                "before": "true",
                "after": " and ".join(f'"{c}" = ?' for c in added_dimensions) or "true",
            }
            values = {"before": [], "after": list(added_dimensions.values())}
            counts = [
                conn.execute(
                    f"select count(*) from (select {shared} from {x}.{MARTS_SCHEMA}.{name} where {where[x]} "
                    f"except all select {shared} from {y}.{MARTS_SCHEMA}.{name} where {where[y]})",
                    values[x] + values[y],
                ).fetchone()[0]
                for x, y in (("before", "after"), ("after", "before"))
            ]
            n_rows = conn.execute(f"select count(*) from before.{MARTS_SCHEMA}.{name}").fetchone()[0]
            dropped = [c for c in old if c not in new]
            added = [c for c in new if c not in old]
            status = "DIFF" if any(counts) or dropped else "same"
            detail = f"{n_rows} rows, only before/after {counts[0]}/{counts[1]}"
            if added:
                detail += f", new columns {added}"
            if added_dimensions:
                detail += f", compared on {added_dimensions}"
            if dropped:
                detail += f", dropped columns {dropped}"
            lines.append(f"{status} {name}: {detail}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument(
        "--new-dimension",
        action="append",
        default=[],
        metavar="COLUMN=VALUE",
        help="a column the change added to marts: compare only its rows of VALUE",
    )
    args = parser.parse_args(argv)

    new_dimensions = dict(item.split("=", 1) for item in args.new_dimension)
    lines = compare_marts(args.before, args.after, new_dimensions)
    old_numbers = key_numbers(latest_report(args.before))
    new_numbers = key_numbers(latest_report(args.after))
    lines.append(
        f"{'same' if old_numbers == new_numbers else 'DIFF'} key numbers of "
        f"{latest_report(args.after).name}: {len(new_numbers)} texts"
    )
    lines += [
        f"     before: {a}\n     after:  {b}"
        for a, b in zip_longest(old_numbers, new_numbers, fillvalue="(none)")
        if a != b
    ]
    old_figures, new_figures = figure_hashes(args.before), figure_hashes(args.after)
    changed = sorted(n for n in old_figures.keys() & new_figures.keys() if old_figures[n] != new_figures[n])
    lines.append(
        f"{'DIFF' if changed or old_figures.keys() - new_figures.keys() else 'same'} figures: "
        f"{len(old_figures)} before, {len(new_figures)} after, {len(changed)} changed {changed[:10]}"
    )
    print("\n".join(lines))
    return 1 if any(line.startswith("DIFF") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
