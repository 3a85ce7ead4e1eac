"""The figures asset: the study's charts for a snapshot date, rendered from the marts."""

import base64
from datetime import timedelta
from pathlib import Path

import dagster as dg

from orchestration.defs.reports.history_figures import (
    HISTORY_FIGURE_DEPS,
    load_history_data,
    render_history_figure_set,
)
from orchestration.defs.reports.html_report import REPORT_DIRNAME, load_report_context, render_html_report
from orchestration.defs.reports.mart_queries import load_study_data
from orchestration.defs.reports.reference_figures import load_reference_data, render_reference_figures
from orchestration.defs.reports.size_figures import (
    SIZE_COVERAGE_FILE,
    load_size_coverage,
    render_size_coverage,
    size_coverage_metadata,
)
from orchestration.defs.reports.study_figures import render_study_figure_set
from orchestration.markdown import escape_markdown
from orchestration.partitions import daily_partitions
from orchestration.warehouse import WarehouseResource

# Shown inline in the Dagster UI (the rest are linked by path): the study's headline question.
PREVIEWED_FIGURES = ("class_split.png", "slm_share_by_creation_month.png", SIZE_COVERAGE_FILE)

STUDY_MARTS = (
    "class_split",
    "tags_by_class",
    "slm_share_by_creation_month",
    "download_share_by_creation_month",
)
# Model sizes and the study's reference evidence (size_figures.py, reference_figures.py).
SIZE_AND_REFERENCE_DEPS = (
    ("marts", "size_resolution_coverage"),
    ("intermediate", "int_model_snapshots__classified"),
    ("reference", "reference_publisher_size_labels"),
    ("reference", "reference_medqa_accuracy"),
    ("reference", "reference_bigcodebench_pass_at_1"),
    ("reference", "reference_rte_accuracy"),
)


@dg.asset(
    key=["reports", "study_figures"],
    deps=[
        *(dg.AssetKey(["marts", mart]) for mart in STUDY_MARTS),
        *(dg.AssetKey(list(key)) for key in HISTORY_FIGURE_DEPS),
        *(dg.AssetKey(list(key)) for key in SIZE_AND_REFERENCE_DEPS),
    ],
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="reports",
    kinds={"python", "matplotlib"},
    # a reader of the DuckDB file blocks a writer in another process: take turns with the writers
    pool="warehouse",
)
def study_figures(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The study's figures as PNGs, and the day's self-contained HTML report (report/index.html)."""
    # A backfill renders its last date only: figures describe the latest state, and rendering
    # every past date would cost minutes for pictures nobody asked for.
    day = (context.partition_time_window.end - timedelta(days=1)).date()
    with warehouse.connect(read_only=True) as conn:
        data = load_study_data(conn, day)
        report_context = load_report_context(conn, day)
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
