"""Every fault of the simulated Hub's `FaultPlan`, met by the real ingestion asset through the real
huggingface_hub client: the partition ends either complete and identical to a fault-free crawl, or
failed with nothing written and earlier days intact.

The asset runs in process (`dg.materialize`) with small listings and small, bounded retries; the
whole job with dbt is covered by the kill, rebuild and concurrency tests.
"""

import logging
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.hub.assets import hub_model_snapshots
from orchestration.defs.hub.hub_client import HubClientResource
from orchestration.defs.hub.raw_store import SPOOL_DIRNAME, archived_dates
from orchestration.warehouse import WarehouseResource
from simulated_hub.faults import FaultPlan
from simulated_hub.server import SimulatedHub
from tests.reliability.runs import DAY

PREVIOUS_DAY = DAY - timedelta(days=1)
PAGE_SIZE = 100
MAX_RETRIES = 2
RETRY_BASE_S = 0.05
# 5 pages of top, 2 tag listings of 100, 2 pages of `new`: 9 listing requests without faults.
SIZES = {"top_n": 500, "per_tag_n": 100, "n_tags": 2, "page_size": PAGE_SIZE, "new_models_max": 200}


def hub_resource(hub: SimulatedHub, **overrides) -> HubClientResource:
    settings = {
        "endpoint": hub.endpoint_template,
        "max_retries": MAX_RETRIES,
        "retry_base_s": RETRY_BASE_S,
        "retry_max_s": 0.2,
        "timeout_s": 5.0,
        **SIZES,
        **overrides,
    }
    return HubClientResource(**settings)


def ingest(hub: SimulatedHub, warehouse_dir: Path, day: date = DAY, **overrides) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [hub_model_snapshots],
        resources={
            "hub": hub_resource(hub, **overrides),
            "warehouse": WarehouseResource(directory=str(warehouse_dir)),
        },
        partition_key=day.isoformat(),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def stored(warehouse_dir: Path, day: date = DAY) -> dict[str, list]:
    """The day's raw rows; listing runs without their request count (retries add requests)."""
    path = warehouse_dir / "observatory.duckdb"
    if not path.exists():
        return {"snapshots": [], "rejected": [], "runs": []}
    with duckdb.connect(str(path), read_only=True) as conn:
        return {
            "snapshots": conn.execute(
                "select listing, rank, model_id, record::varchar from raw.hub_model_snapshots "
                "where snapshot_date = ? order by listing, rank",
                [day],
            ).fetchall(),
            "rejected": conn.execute(
                "select listing, rank, reason, payload from raw.rejected_records "
                "where snapshot_date = ? order by listing, rank",
                [day],
            ).fetchall(),
            "runs": conn.execute(
                "select listing, requested_n, received_n, unique_n, rejected_n, exhausted "
                "from raw.hub_listing_runs where snapshot_date = ? order by listing",
                [day],
            ).fetchall(),
        }


def failure_message(result: dg.ExecuteInProcessResult) -> str:
    (failure,) = [
        event for event in result.all_events if event.event_type == dg.DagsterEventType.STEP_FAILURE
    ]
    error = failure.step_failure_data.error
    messages = []
    while error is not None:
        messages.append(error.message)
        error = error.cause
    return " | ".join(messages)


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def retry_log():
    """Warnings of huggingface_hub's retry loop and of our whole-page retry."""
    handler = Records()
    loggers = [logging.getLogger("huggingface_hub"), logging.getLogger("orchestration.defs.hub.hub_client")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler.messages
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.fixture(scope="module")
def clean(world, tmp_path_factory) -> dict[str, list]:
    """What a fault-free crawl stores for DAY."""
    warehouse = tmp_path_factory.mktemp("clean")
    with SimulatedHub(world) as hub:
        assert ingest(hub, warehouse).success
    return stored(warehouse)


@pytest.fixture(scope="module")
def yesterday(world, tmp_path_factory) -> Path:
    """A warehouse holding PREVIOUS_DAY, complete, to be copied by tests whose DAY must fail."""
    warehouse = tmp_path_factory.mktemp("yesterday")
    with SimulatedHub(world) as hub:
        assert ingest(hub, warehouse, PREVIOUS_DAY).success
    return warehouse


def warehouse_with_yesterday(yesterday: Path, tmp_path: Path) -> Path:
    warehouse = tmp_path / "warehouse"
    shutil.copytree(yesterday, warehouse)
    return warehouse


def assert_failed_cleanly(result, warehouse: Path, yesterday: Path, match: str) -> None:
    """The partition failed with `match` in its error, wrote nothing, and left yesterday intact."""
    assert not result.success
    assert re.search(match, failure_message(result)), failure_message(result)
    assert stored(warehouse) == {"snapshots": [], "rejected": [], "runs": []}
    assert archived_dates(warehouse / "archive") == [PREVIOUS_DAY]
    assert stored(warehouse, PREVIOUS_DAY) == stored(yesterday, PREVIOUS_DAY)
    assert not list((warehouse / SPOOL_DIRNAME).glob("*"))
    assert not list((warehouse / "archive").rglob("*.tmp"))


# --- transient faults: retried, the day identical to a fault-free crawl ----------------------------


@pytest.mark.parametrize(
    ("plan", "fault"),
    [
        pytest.param(FaultPlan(server_error_every=3), "server_error", id="server_error_503"),
        pytest.param(FaultPlan(server_error_every=4, server_error_status=502), "server_error", id="502"),
        pytest.param(FaultPlan(drop_every=3), "drop", id="drop"),
        pytest.param(FaultPlan(truncate_every=3), "truncate", id="truncate"),
        pytest.param(FaultPlan(non_json_every=3), "non_json", id="non_json"),
    ],
)
def test_transient_faults_are_retried_and_the_day_is_whole(world, clean, tmp_path, retry_log, plan, fault):
    with SimulatedHub(world, faults=plan) as hub:
        result = ingest(hub, tmp_path)
        hits = hub.fault_hits[fault]
    assert result.success
    assert len(hits) >= 2
    assert stored(tmp_path) == clean
    if fault in ("truncate", "non_json"):  # a 200 with a broken body: the whole page again
        assert sum("fetching the whole page again" in message for message in retry_log) == len(hits)
    else:  # huggingface_hub's own backoff, jittered per page around RETRY_BASE_S
        waits = [float(w) for w in re.findall(r"Retrying in ([0-9.]+)s", " ".join(retry_log))]
        assert len(waits) == len(hits)
        assert all(0.5 * RETRY_BASE_S <= wait <= 1.5 * RETRY_BASE_S for wait in waits)


def test_a_429_with_retry_after_is_waited_out_then_retried(world, clean, tmp_path, retry_log):
    with SimulatedHub(world, faults=FaultPlan(rate_limit_every=5, retry_after_s=1)) as hub:
        result = ingest(hub, tmp_path)
        hits = hub.fault_hits["rate_limit"]
    assert result.success and stored(tmp_path) == clean
    # huggingface_hub sleeps Retry-After + 1 s, whatever the backoff would have been
    assert sum("Rate limited. Waiting 2.0s" in message for message in retry_log) == len(hits) >= 1


def test_a_spent_rate_limit_quota_is_waited_out_from_the_ratelimit_header(world, clean, tmp_path, retry_log):
    # 4 requests per 2 s from the first one: the top listing's five pages, back to back, meet it
    # (they take 0.2 s on an idle machine, 2 s leave room for a loaded one)
    with SimulatedHub(world, rate_limit_quota=4, rate_limit_window_s=2) as hub:
        result = ingest(hub, tmp_path)
        refused = hub.request_count(status=429)
    assert result.success and stored(tmp_path) == clean
    assert refused >= 1
    # `RateLimit: "api";r=0;t=<1 or 2>`: the client waits for the window to reset (t + 1 s)
    waits = [float(w) for m in retry_log for w in re.findall(r"Rate limited\. Waiting ([0-9.]+)s", m)]
    assert len(waits) == refused and set(waits) <= {2.0, 3.0}


def test_a_timed_out_request_is_retried(world, clean, tmp_path):
    with SimulatedHub(world, faults=FaultPlan(slow_every=4, slow_s=1.0)) as hub:
        result = ingest(hub, tmp_path, timeout_s=0.3)
        slow = hub.fault_hits["slow"]
    assert result.success and stored(tmp_path) == clean
    assert len(slow) >= 2


def test_a_next_link_to_another_host_is_never_followed(world, clean, tmp_path, retry_log):
    with SimulatedHub(world) as elsewhere:
        plan = FaultPlan(bad_link_every=3, bad_link=elsewhere.base_url + "/api/models?cursor=stolen")
        with SimulatedHub(world, faults=plan) as hub:
            result = ingest(hub, tmp_path)
            hits = hub.fault_hits["bad_link"]
        assert elsewhere.requests == []  # neither the request nor the token went there
    assert result.success and stored(tmp_path) == clean
    assert sum("refusing a next-page link to another host" in m for m in retry_log) == len(hits) >= 2


# --- faults that persist: bounded retries, then the partition fails and nothing is written ---------


@pytest.mark.parametrize(
    ("plan", "match", "good_pages"),
    [
        pytest.param(FaultPlan(server_error_every=1), "503", 0, id="server_error_always"),
        # pages starting at item 300 and beyond: the top listing's 4th page
        pytest.param(FaultPlan(gateway_timeout_from_item=300), "504", 3, id="gateway_timeout"),
        pytest.param(FaultPlan(drop_every=1), "Server disconnected", 0, id="drop_always"),
        pytest.param(FaultPlan(truncate_every=1), "not valid JSON", 0, id="truncate_always"),
        pytest.param(FaultPlan(non_json_every=1), "not valid JSON", 0, id="non_json_always"),
        pytest.param(FaultPlan(bad_link_every=1), "another host", 0, id="bad_link_always"),
    ],
)
def test_a_fault_that_persists_fails_the_partition_after_bounded_retries(
    world, yesterday, tmp_path, plan, match, good_pages
):
    warehouse = warehouse_with_yesterday(yesterday, tmp_path)
    with SimulatedHub(world, faults=plan) as hub:
        result = ingest(hub, warehouse)
        requests = len(hub.requests)
    assert_failed_cleanly(result, warehouse, yesterday, match)
    # the failing page is tried MAX_RETRIES + 1 times (by huggingface_hub, or whole by us), no more
    assert requests == good_pages + MAX_RETRIES + 1


def test_a_retry_after_beyond_the_cap_fails_at_once(world, yesterday, tmp_path):
    warehouse = warehouse_with_yesterday(yesterday, tmp_path)
    with SimulatedHub(world, faults=FaultPlan(rate_limit_every=1, retry_after_s=3600)) as hub:
        result = ingest(hub, warehouse, retry_after_max_s=60)
        requests = hub.requests
    assert_failed_cleanly(result, warehouse, yesterday, "wait 3600 s before retrying, more than 60 s")
    assert len(requests) == 1  # no hour-long sleep, no retry


def test_a_listing_past_its_time_budget_fails_the_partition(world, yesterday, tmp_path):
    warehouse = warehouse_with_yesterday(yesterday, tmp_path)
    with SimulatedHub(world, latency_s=0.2) as hub:
        result = ingest(hub, warehouse, listing_budget_s=0.5)
    assert_failed_cleanly(result, warehouse, yesterday, r"top: \d+ of 500 models after")


# --- record contract and completeness -------------------------------------------------------------


def test_invalid_records_are_quarantined_and_the_rest_of_the_day_proceeds(world, clean, tmp_path):
    with SimulatedHub(world, faults=FaultPlan(invalid_record_every=1)) as hub:
        result = ingest(hub, tmp_path)
        pages = hub.fault_hits["invalid_record"]
    assert result.success
    day = stored(tmp_path)
    reasons = {reason for _, _, reason, _ in day["rejected"]}
    assert len(day["rejected"]) == len(pages)  # the first record of every page
    assert reasons == {
        "missing or non-string id",
        "downloads is not a non-negative integer",
        "tags is not a list of strings",
    }
    assert len(day["snapshots"]) == len(clean["snapshots"]) - len(pages)
    assert set(day["snapshots"]) < set(clean["snapshots"])


def test_too_many_invalid_records_fail_the_completeness_bound(world, yesterday, tmp_path):
    warehouse = warehouse_with_yesterday(yesterday, tmp_path)
    with SimulatedHub(world, faults=FaultPlan(invalid_record_every=1)) as hub:
        # one invalid record per page of 25: 96 % valid, under the 98 % bound
        result = ingest(hub, warehouse, page_size=25)
    assert_failed_cleanly(result, warehouse, yesterday, r"below the 98% completeness bound.*rejected")


def test_drifting_counters_duplicate_and_miss_models_and_fail_the_completeness_bound(
    world, yesterday, tmp_path
):
    warehouse = warehouse_with_yesterday(yesterday, tmp_path)
    with SimulatedHub(world, faults=FaultPlan(drift_days_per_page=30)) as hub:
        result = ingest(hub, warehouse)
    assert_failed_cleanly(result, warehouse, yesterday, r"below the 98% completeness bound.*duplicates")
