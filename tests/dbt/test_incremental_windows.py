"""The marts are incremental per snapshot date: a run over a partition window recomputes exactly
the window's dates, and leaves the marts as a full build left them. The window reaches dbt the
two ways it can: env vars SLM_OBS_SNAPSHOT_START_DATE / _END_DATE, as the Dagster partitioned dbt
asset passes it, and vars snapshot_start_date / snapshot_end_date, as a user of dbt's CLI would."""

from datetime import date

from tests.dbt.conftest import Warehouse
from tests.dbt.hub_records import DAY_1, DAY_2


def test_a_window_run_recomputes_its_dates_and_no_other(built_warehouse: Warehouse, rebuilt_copy: Warehouse):
    full_build = built_warehouse.marts()
    warehouse = rebuilt_copy
    assert warehouse.marts() == full_build

    # DAY_1's raw partition is replaced (every 30-day count doubled) after it was modelled.
    warehouse.execute(
        "update raw.hub_model_snapshots set record = json_merge_patch(record, json_object("
        "'downloads', cast(json_extract_string(record, '$.downloads') as bigint) * 2)) "
        "where snapshot_date = ?",
        [DAY_1],
    )

    # A run over DAY_2's window: DAY_2 deleted and inserted again, identical to the full build;
    # DAY_1, outside the window, untouched (its new downloads not read).
    warehouse.build(window=(DAY_2, DAY_2))
    assert warehouse.marts() == full_build

    # A run over DAY_1's window, given as dbt vars, picks up its new downloads; the shares are
    # unchanged.
    day_1 = DAY_1.isoformat()
    warehouse.build(dbt_vars={"snapshot_start_date": day_1, "snapshot_end_date": day_1})
    study = (
        "select snapshot_date, model_class, creation_month, downloads_30d, share_pct "
        "from marts.download_share_by_creation_month where population = 'all_models' order by all"
    )
    assert warehouse.query(study) == [
        (DAY_1, "LLM", date(2024, 5, 1), 900, 100.0),
        (DAY_1, "SLM", date(2023, 6, 1), 1800, 100.0),
        *[row for row in built_warehouse.query(study) if row[0] == DAY_2],
    ]
    language_models = (
        "select snapshot_date, model_class, creation_month, downloads_30d, share_pct, "
        "downloads_30d_unknown_modality from marts.download_share_by_creation_month "
        "where population = 'language_models' order by all"
    )
    before = built_warehouse.query(language_models)
    assert before
    assert warehouse.query(language_models) == [
        (day, cls, month, downloads * 2, share, unknown * 2)
        if day == DAY_1
        else (day, cls, month, downloads, share, unknown)
        for day, cls, month, downloads, share, unknown in before
    ]
    for name in ("class_split", "tags_by_class", "slm_share_by_creation_month"):
        assert warehouse.mart(name) == full_build[name], name
