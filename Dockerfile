# One image for the three Dagster services of docker-compose.yml: the code server (user code, which
# also executes the runs), the webserver and the daemon. Build context: the repository root.
FROM python:3.11-slim

# The same uv as the Makefile's UV_VERSION, from PyPI.
ARG UV_VERSION=0.13.9

# Telemetry off everywhere: dbt, huggingface_hub and anything honouring DO_NOT_TRACK (Dagster's
# own is off in dagster.yaml).
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    HF_HUB_DISABLE_TELEMETRY=1 \
    DO_NOT_TRACK=1 \
    DAGSTER_HOME=/opt/dagster/dagster_home \
    SLM_OBS_WAREHOUSE_DIR=/data/warehouse \
    PATH=/opt/dagster/app/.venv/bin:$PATH

# The service user's home is writable: matplotlib keeps its font cache there.
RUN pip install --no-cache-dir "uv==${UV_VERSION}" \
    && groupadd --system --gid 10001 observatory \
    && useradd --system --uid 10001 --gid observatory --create-home --home-dir /home/observatory \
       --shell /usr/sbin/nologin observatory

WORKDIR /opt/dagster/app

# Dependencies first, exactly as locked and without the dev group: this layer survives code changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

# The project itself (installed editable: orchestration/ locates dbt_project/ beside it).
COPY README.md ./
# The text of the report's method section, read by orchestration/defs/reports/method_text.py.
COPY docs/method.md docs/
COPY orchestration/ orchestration/
COPY dbt_project/ dbt_project/
RUN uv sync --frozen --no-dev

# The dbt manifest (dbt_project/target/manifest.json), parsed once here so that no process parses
# it at start-up. The profile's warehouse points at a throw-away directory: no DuckDB file is left
# in the image. tests/deploy runs this step as written.
RUN scratch="$(mktemp -d)" \
    && SLM_OBS_WAREHOUSE_DIR="$scratch" DBT_SEND_ANONYMOUS_USAGE_STATS=false \
       dbt parse --project-dir dbt_project --profiles-dir dbt_project \
    && rm -rf "$scratch" dbt_project/logs

# The instance (Postgres storage, queued runs, the "warehouse" pool) and the gRPC workspace.
COPY deploy/dagster.yaml deploy/workspace.yaml /opt/dagster/dagster_home/

# Writable by the service user: Dagster's local storage (compute logs), the warehouse volume's
# mount point, and dbt's target/ and logs/ (every dbt invocation writes its own target/<run>/).
RUN mkdir -p /opt/dagster/dagster_home/storage /data/warehouse dbt_project/target dbt_project/logs \
    && chown observatory:observatory /opt/dagster/dagster_home /opt/dagster/dagster_home/storage \
       /data/warehouse dbt_project \
    && chown -R observatory:observatory dbt_project/target dbt_project/logs

USER observatory:observatory

EXPOSE 3000 4000

# The code server; docker-compose.yml gives the webserver and the daemon their own commands.
CMD ["dagster", "code-server", "start", "-m", "orchestration.definitions", "-h", "0.0.0.0", "-p", "4000"]
