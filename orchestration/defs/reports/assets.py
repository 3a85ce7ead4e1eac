"""The figures asset: the study's charts for a snapshot date, rendered from the marts."""

import base64
from datetime import timedelta
from pathlib import Path

import dagster as dg

from orchestration.defs.reports.history_figures import load_history_data, render_history_figure_set
from orchestration.defs.reports.html_report import REPORT_DIRNAME, load_report_context, render_html_report
from orchestration.defs.reports.mart_queries import load_study_data
from orchestration.defs.reports.marts import MART_COLUMNS, check_contracts, load_manifest
from orchestration.defs.reports.pipeline_text import pipeline_text
from orchestration.defs.reports.reference_figures import load_reference_data, render_reference_figures
from orchestration.defs.reports.size_figures import (
    SIZE_COVERAGE_FILE,
    load_size_coverage,
    render_size_coverage,
    size_coverage_metadata,
)
from orchestration.defs.reports.study_figures import render_study_figure_set
from orchestration.defs.transform.project import dbt_project
from orchestration.markdown import escape_markdown
from orchestration.names import MARTS_SCHEMA, WAREHOUSE_POOL
from orchestration.partitions import daily_partitions
from orchestration.warehouse import WarehouseResource

# Shown inline in the Dagster UI (the rest are linked by path): the study's headline question.
PREVIEWED_FIGURES = ("class_split.png", "slm_share_by_creation_month.png", SIZE_COVERAGE_FILE)

# The marts are the report's only input: the definitions refuse to load while a mart it reads
# lacks a column in its dbt contract, and the method section quotes the dbt descriptions.
_MANIFEST = load_manifest(dbt_project.manifest_path)
check_contracts(_MANIFEST)
PIPELINE_TEXT = pipeline_text(_MANIFEST)


@dg.asset(
    key=["reports", "study_figures"],
    deps=[dg.AssetKey([MARTS_SCHEMA, mart]) for mart in MART_COLUMNS],
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="reports",
    kinds={"python", "matplotlib"},
    # a reader of the DuckDB file blocks a writer in another process: take turns with the writers
    pool=WAREHOUSE_POOL,
)
def study_figures(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The study's figures as PNGs, and the day's self-contained HTML report (report/index.html)."""
    # A backfill renders its last date only: figures describe the latest state, and rendering
    # every past date would cost minutes for pictures nobody asked for.
    day = (context.partition_time_window.end - timedelta(days=1)).date()
    with warehouse.connect(read_only=True) as conn:
        data = load_study_data(conn, day)
        report_context = load_report_context(conn, day, PIPELINE_TEXT)
        history = load_history_data(conn, day)
        size_coverage = load_size_coverage(conn, day)
        reference = load_reference_data(conn, day)
    out_dir = warehouse.figures_dir / day.isoformat()
    figures = render_study_figure_set(data, out_dir)
    figures += render_history_figure_set(history, day, out_dir)
    report = render_html_report(data, figures, report_context, warehouse.root / REPORT_DIRNAME)
    figures += [
        render_size_coverage(size_coverage, day, out_dir / SIZE_COVERAGE_FILE),
        *render_reference_figures(reference, out_dir),
    ]
    context.log.info(f"{len(figures)} figures for {day} in {out_dir}")
    captions = "\n".join(
        f"- {escape_markdown(figure.path.name)}: {escape_markdown(figure.caption)}" for figure in figures
    )
    return dg.MaterializeResult(
        metadata={
            "snapshot_date": dg.MetadataValue.text(day.isoformat()),
            "figures": dg.MetadataValue.int(len(figures)),
            "directory": dg.MetadataValue.path(str(out_dir)),
            "report": dg.MetadataValue.path(str(report.dated)),
            "captions": dg.MetadataValue.md(captions),
            **size_coverage_metadata(size_coverage),
            "preview": dg.MetadataValue.md(
                "\n\n".join(
                    _inline_png(out_dir / name) for name in PREVIEWED_FIGURES if (out_dir / name).exists()
                )
            ),
        }
    )


def _inline_png(path: Path) -> str:
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"![{escape_markdown(path.stem)}](data:image/png;base64,{encoded})"
