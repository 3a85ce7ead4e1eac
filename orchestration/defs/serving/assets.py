"""The serving copy users query, published at the end of each run (serving_copy.py)."""

import dagster as dg

from orchestration.defs.reports.assets import study_figures
from orchestration.defs.serving.serving_copy import publish_serving_copy
from orchestration.defs.transform.assets import dbt_daily_models, dbt_models
from orchestration.markdown import escape_markdown
from orchestration.step_retries import retry_only_transient_failures
from orchestration.warehouse import SERVING_FILENAME, WarehouseResource


@dg.asset(
    key=["serving", "observatory"],
    # After everything the run builds: a copy published mid-run would mix two days.
    deps=[*dbt_daily_models.keys, *dbt_models.keys, *study_figures.keys],
    group_name="serving",
    kinds={"duckdb"},
    # It reads the pipeline's file: a reader in another process blocks a writer.
    pool="warehouse",
    description=f"`{SERVING_FILENAME}`, the copy of the warehouse users query (`make sql`): the "
    "marts, reference, seeds and raw's small tables, replaced whole and atomically at the end of each "
    "successful run.",
)
def serving_copy(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    with retry_only_transient_failures(context):
        publication = publish_serving_copy(
            warehouse.duckdb_path, warehouse.serving_path, run_id=context.run.run_id
        )
    context.log.info(
        f"published {publication.path} ({publication.bytes / 2**20:.1f} MiB, "
        f"{len(publication.tables)} tables, "
        f"latest snapshot {publication.latest_snapshot_date}) in {publication.seconds:.1f} s"
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(publication.path)),
            "bytes": dg.MetadataValue.int(publication.bytes),
            "publish_seconds": dg.MetadataValue.float(round(publication.seconds, 2)),
            "tables": dg.MetadataValue.int(len(publication.tables)),
            "latest_snapshot_date": dg.MetadataValue.text(str(publication.latest_snapshot_date)),
            "table_list": dg.MetadataValue.md(
                "\n".join(f"- {escape_markdown(table)}" for table in publication.tables)
            ),
        }
    )
