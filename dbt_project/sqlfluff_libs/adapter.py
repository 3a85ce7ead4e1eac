"""`adapter` for sqlfluff's jinja templater, which lints without dbt and without a database.

dbt's `adapter.dispatch(name, namespace)` returns the adapter's variant of a macro. sqlfluff loads
this module as the template variable `adapter` (`library_path` in `.sqlfluff`), so models lint the
SQL that dbt-duckdb runs: `duckdb__<name>`, else `default__<name>`.
"""

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context


@pass_context
def dispatch(context: Context, macro_name: str, macro_namespace: str | None = None) -> Any:
    for prefix in ("duckdb__", "default__"):
        macro = context.get(prefix + macro_name)
        if macro is not None:
            return macro
    raise LookupError(f"no duckdb__ or default__ variant of macro {macro_name!r}")


def type() -> str:  # dbt's name, shadowing the builtin on purpose
    return "duckdb"


def get_relation(database: Any = None, schema: Any = None, identifier: Any = None) -> Any:
    """dbt's lookup of a relation in the database: linted as if it existed, so that the SQL a
    model runs once the relation is there is linted too."""
    return f"{database}.{schema}.{identifier}"
