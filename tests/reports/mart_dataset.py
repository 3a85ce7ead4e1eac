"""A small hand-made dataset for the four study marts, written to a real DuckDB file.

Two snapshot dates:
- DAY (2025-01-08): 60 SLM, 30 LLM, 10 unknown in the top listing; three pipeline tags, one of them
  hostile (`../../etc`) and one without any LLM (`image-classification`).
- NO_LLM_DAY (2025-01-07): 5 SLM, 1 unknown, no LLM at all; one pipeline tag.
A row of another listing and the other date's rows must never leak into a figure.
"""

from datetime import date
from pathlib import Path

import duckdb

DAY = date(2025, 1, 8)
NO_LLM_DAY = date(2025, 1, 7)
EMPTY_DAY = date(2025, 1, 9)
HOSTILE_TAG = "../../etc"
NO_LLM_TAG = "image-classification"

# (snapshot_date, listing, model_class, n_models, pct)
CLASS_SPLIT = [
    (DAY, "top", "SLM", 60, 60.0),
    (DAY, "top", "LLM", 30, 30.0),
    (DAY, "top", "unknown", 10, 10.0),
    (DAY, "pipeline_tag:text-generation", "SLM", 999, 100.0),
    (NO_LLM_DAY, "top", "SLM", 5, 83.33),
    (NO_LLM_DAY, "top", "unknown", 1, 16.67),
]

# (snapshot_date, model_class, tag, n_models); the SLMs have more tags than a figure shows (15).
TAGS_BY_CLASS = [
    (DAY, "LLM", "text-generation", 28),
    (DAY, "LLM", HOSTILE_TAG, 2),
    (DAY, "SLM", "text-generation", 20),
    (DAY, "SLM", NO_LLM_TAG, 25),
    (DAY, "SLM", HOSTILE_TAG, 3),
    *((DAY, "SLM", f"tag-{i:02d}", i) for i in range(1, 18)),
    (NO_LLM_DAY, "SLM", "text-generation", 4),
]

# (month, n_slm, n_llm, n_unknown) of the `all` scope on DAY: sums 60 / 30 / 10, 2023-07..11 missing,
# 2024-03 has no model of known size (slm_pct null).
DAY_ALL_MONTHS = [
    (date(2023, 6, 1), 1, 0, 0),
    (date(2023, 12, 1), 2, 0, 1),
    (date(2024, 1, 1), 3, 1, 0),
    (date(2024, 2, 1), 4, 2, 1),
    (date(2024, 3, 1), 0, 0, 2),
    (date(2024, 4, 1), 5, 3, 0),
    (date(2024, 5, 1), 6, 2, 1),
    (date(2024, 6, 1), 8, 4, 1),
    (date(2024, 7, 1), 9, 5, 1),
    (date(2024, 8, 1), 7, 4, 1),
    (date(2024, 9, 1), 6, 3, 1),
    (date(2024, 10, 1), 5, 3, 1),
    (date(2024, 11, 1), 4, 3, 0),
]
DAY_TAG_MONTHS = {
    "text-generation": [(date(2024, 5, 1), 12, 9, 1), (date(2024, 6, 1), 10, 12, 0)],
    HOSTILE_TAG: [(date(2024, 7, 1), 3, 2, 0)],
    NO_LLM_TAG: [(date(2023, 12, 1), 4, 0, 0), (date(2024, 9, 1), 21, 0, 2)],
}
NO_LLM_DAY_MONTHS = {
    "all": [(date(2024, 11, 1), 3, 0, 1), (date(2024, 12, 1), 2, 0, 0)],
    "text-generation": [(date(2024, 12, 1), 2, 0, 0)],
}

# (month, downloads_30d) per class. DAY's cutoff for "over 12 months old" is 2024-01: SLMs created
# before it draw 6000 of 10000 downloads (60.0%), LLMs none (0.0%).
DOWNLOADS = {
    (DAY, "SLM"): [
        (date(2023, 6, 1), 4000),
        (date(2023, 12, 1), 2000),
        (date(2024, 5, 1), 3000),
        (date(2024, 10, 1), 1000),
    ],
    (DAY, "LLM"): [(date(2024, 2, 1), 500), (date(2024, 6, 1), 1500)],
    (NO_LLM_DAY, "SLM"): [(date(2024, 11, 1), 700), (date(2024, 12, 1), 300)],
}


def _slm_share_rows():
    scopes = {(DAY, "all"): DAY_ALL_MONTHS}
    scopes |= {(DAY, tag): months for tag, months in DAY_TAG_MONTHS.items()}
    scopes |= {(NO_LLM_DAY, scope): months for scope, months in NO_LLM_DAY_MONTHS.items()}
    for (day, scope), months in scopes.items():
        for month, n_slm, n_llm, n_unknown in months:
            known = n_slm + n_llm
            yield (day, scope, month, n_slm, n_llm, n_unknown, 100 * n_slm / known if known else None)


def _download_rows():
    for (day, model_class), months in DOWNLOADS.items():
        total = sum(downloads for _, downloads in months)
        for month, downloads in months:
            yield (day, model_class, month, downloads, 100 * downloads / total)


def build_marts_db(path: Path) -> None:
    """Write the dataset into a new DuckDB file at ``path`` and close it.

    Column types mix DECIMAL/HUGEINT/DOUBLE as dbt might produce them, to exercise the loaders' casts.
    """
    conn = duckdb.connect(str(path))
    try:
        conn.execute("create schema marts")
        conn.execute(
            "create table marts.class_split (snapshot_date date, listing varchar, model_class varchar, "
            "n_models bigint, pct decimal(5, 2))"
        )
        conn.execute(
            "create table marts.tags_by_class (snapshot_date date, model_class varchar, tag varchar, "
            "n_models bigint)"
        )
        conn.execute(
            "create table marts.slm_share_by_creation_month (snapshot_date date, scope varchar, "
            "creation_month date, n_slm bigint, n_llm bigint, n_unknown bigint, slm_pct double)"
        )
        conn.execute(
            "create table marts.download_share_by_creation_month (snapshot_date date, model_class varchar, "
            "creation_month date, downloads_30d hugeint, share_pct double)"
        )
        conn.executemany("insert into marts.class_split values (?, ?, ?, ?, ?)", CLASS_SPLIT)
        conn.executemany("insert into marts.tags_by_class values (?, ?, ?, ?)", TAGS_BY_CLASS)
        conn.executemany(
            "insert into marts.slm_share_by_creation_month values (?, ?, ?, ?, ?, ?, ?)",
            list(_slm_share_rows()),
        )
        conn.executemany(
            "insert into marts.download_share_by_creation_month values (?, ?, ?, ?, ?)",
            list(_download_rows()),
        )
    finally:
        conn.close()
