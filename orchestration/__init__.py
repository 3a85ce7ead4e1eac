"""SLM Observatory: daily Hugging Face Hub snapshots, modelled with dbt, orchestrated by Dagster."""
