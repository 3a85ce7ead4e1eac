"""Names the Python code shares with the dbt project and with Dagster, each written once.

Listings are the names the ingestion gives its Hub listings (`raw.hub_model_snapshots.listing`,
`marts.class_split.listing`). The new-models mart does not repeat those names: it labels its two
populations with `source_listing` values of its own (`new_listing`, `top_listing`), the models a
listing has shown over time rather than the listing of one day; both sets of names live here, side
by side, so neither is mistaken for the other.
"""

# Listings of the daily ingestion (orchestration/defs/hub/listings.py).
TOP_LISTING = "top"  # the most-downloaded models
NEW_LISTING = "new"  # the newest models (sort createdAt)
PIPELINE_TAG_LISTING_PREFIX = "pipeline_tag:"  # one listing per leading pipeline tag

# `source_listing` values of marts.slm_share_of_new_models.
NEW_MODELS_FROM_NEW_LISTING = "new_listing"
NEW_MODELS_FROM_TOP_LISTING = "top_listing"

# `scope` of marts.slm_share_by_creation_month covering the whole top listing (others are tags).
ALL_SCOPE = "all"

# `population` of the study and history marts (macros/populations.sql): every model, the
# study's view, which the report's figures of the study read; and the language models only.
STUDY_POPULATION = "all_models"
LANGUAGE_MODELS_POPULATION = "language_models"

# Schemas (dbt_project.yml `+schema`, macros/generate_schema_name.sql; raw is the ingestion's).
RAW_SCHEMA = "raw"
MARTS_SCHEMA = "marts"

# Raw tables the report reads besides the marts.
LISTING_RUNS_TABLE = "hub_listing_runs"
WAREHOUSE_IDENTITY_TABLE = "warehouse_identity"

# The Dagster pool of every step that opens the DuckDB file: one writing process at a time.
WAREHOUSE_POOL = "warehouse"
