"""Retries of a step that failed on something that passes (a lock, the Hub down for a while), and
an alert-worthy message naming the day and the cause when they run out.

The jobs carry `STEP_RETRY_POLICY` (orchestration/defs/schedules.py): a failed step of the daily
job or of a backfill is run again after `delay`, doubled at each retry, with jitter, up to
`max_retries` times. Inside the steps that touch the warehouse or the Hub,
`retry_only_transient_failures` decides what the policy may retry:
- a transient failure (another process holding the DuckDB file, a 429 or 5xx from the Hub, a
  dropped connection, a page cut or not JSON, a listing past its time budget) is raised as is, and
  the policy retries it; on the last attempt it becomes a `dg.Failure` whose description says
  "<job> for <days>: gave up after N attempts: <cause>";
- any other failure (incomplete day, a data test, a dbt compilation or schema error, a bug) fails
  at once: retrying cannot fix it.

A step run outside a job with a policy (`dg.materialize` in a test) fails as it always did.
The instance can also retry whole runs that died with their process (`run_retries` in
dagster.yaml, for runs the daemon launches): steps retry failures, runs retry crashes.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import httpx2
from huggingface_hub.errors import HfHubHTTPError

from orchestration.partitions import run_days

# Seconds before the first retry (then doubled): a lock taken by a user's query or a busy Hub
# usually passes within a minute or two. Tests shorten it.
RETRY_DELAY_ENV = "SLM_OBS_RETRY_DELAY_S"
STEP_RETRIES = 3


def step_retry_policy() -> dg.RetryPolicy:
    return dg.RetryPolicy(
        max_retries=STEP_RETRIES,
        delay=float(os.environ.get(RETRY_DELAY_ENV, "30")),
        backoff=dg.Backoff.EXPONENTIAL,
        jitter=dg.Jitter.PLUS_MINUS,
    )


_LOCK_ERRORS = ("could not set lock", "conflicting lock")
# Names of the hub client's own errors (imported by name: orchestration/defs/hub imports this module).
_TRANSIENT_HUB_ERRORS = {
    "HubPayloadError": "the Hub sent pages that are not listing pages",
    "ListingTimeBudgetExceeded": "the Hub was too slow: a listing ran past its time budget",
}


def _messages(exc: BaseException) -> str:
    parts = []
    while exc is not None:
        parts += [str(exc), str(getattr(exc, "description", "") or "")]
        exc = exc.__cause__ or exc.__context__
    return "\n".join(parts).lower()


def transient_cause(exc: BaseException) -> str | None:
    """What passes in `exc`, in words, or None when retrying cannot help."""
    if any(error in _messages(exc) for error in _LOCK_ERRORS):
        return "another process holds the warehouse's DuckDB file (lock)"
    if isinstance(exc, HfHubHTTPError) and exc.response is not None:
        status = exc.response.status_code
        if status == 429 or status >= 500:
            return f"the Hub answered HTTP {status}"
    if isinstance(exc, httpx2.TransportError):
        return f"the Hub could not be reached ({type(exc).__name__})"
    return _TRANSIENT_HUB_ERRORS.get(type(exc).__name__)


def _what(context: dg.AssetExecutionContext) -> str:
    days = run_days(context.run.tags)
    if days is None:
        when = ""
    elif days[0] == days[1]:
        when = f" for {days[0]}"
    else:
        when = f" for {days[0]} to {days[1]}"
    return f"{context.run.job_name}{when}, step {context.get_step_execution_context().step.key}"


@contextmanager
def retry_only_transient_failures(context: dg.AssetExecutionContext) -> Iterator[None]:
    """Let the job's retry policy retry transient failures only, and say when it gives up."""
    try:
        yield
    except dg.RetryRequested:
        raise
    except Exception as exc:
        # A dg.Failure that forbids retries has been decided already; any other one (dagster-dbt
        # raises its CLI errors as dg.Failure, retried by default) is classified like the rest.
        if isinstance(exc, dg.Failure) and not exc.allow_retries:
            raise
        policy = context.get_step_execution_context().op_retry_policy
        if policy is None:
            raise
        cause = transient_cause(exc)
        attempt = context.retry_number + 1
        if cause is None:
            raise dg.Failure(
                description=f"{_what(context)} failed, not retried (not transient): "
                f"{type(exc).__name__}: {exc}",
                allow_retries=False,
            ) from exc
        if context.retry_number >= policy.max_retries:
            raise dg.Failure(
                description=f"{_what(context)}: gave up after {attempt} attempts with backoff: {cause}. "
                f"Last error: {type(exc).__name__}: {exc}",
                allow_retries=False,
            ) from exc
        context.log.warning(
            f"{_what(context)}: attempt {attempt} of {policy.max_retries + 1} failed, to be retried "
            f"with backoff: {cause}"
        )
        raise
