"""dbt's `flags` for sqlfluff's jinja templater: SQL lints as a run without --full-refresh writes it."""

FULL_REFRESH = False
