"""The simulated Hub's HTTP server: `/api/models` and `/api/models/{id}` over a catalogue.

    with SimulatedHub(SyntheticWorld()) as hub:
        HfApi(endpoint=hub.endpoint_for(date(2025, 1, 8))).list_models(sort="downloads", limit=10)

Every path may carry an `/as-of/YYYY-MM-DD` prefix that selects the day served (without it, the
catalogue's `today`). The server binds 127.0.0.1 only, on a free port, in a daemon thread.

A request goes through `_handle`: rate limit -> parse and route (an `ApiError` becomes the Hub's
JSON error, any other exception a 500) -> faults of the `FaultPlan` (which may replace, corrupt or
delay the response) -> log -> write. Each step works on a `Response` value, which is where new
faults plug in.
"""

import json
import logging
import math
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from simulated_hub.api import ApiError, listing_page, parse_expand, parse_listing_request
from simulated_hub.catalog import Catalog
from simulated_hub.faults import FAULT_ORDER, FaultPlan, due

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
_PATH = re.compile(r"^(?:/as-of/(?P<day>[^/]*))?(?P<rest>/.*)$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MODEL_INFO = "/api/models/"
_INVALID_RECORDS = (
    lambda item: item.pop("id", None),
    lambda item: item.__setitem__("downloads", "many"),
    lambda item: item.__setitem__("tags", "not-a-list"),
)


@dataclass(frozen=True)
class LoggedRequest:
    path: str  # as requested, prefix included, without the query
    query: dict[str, list[str]]
    status: int  # 0 when the connection was dropped without a response
    day: date | None
    duration_s: float


@dataclass
class Response:
    status: int
    payload: object = None  # JSON-able body, serialised when `body` is None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    drop_connection: bool = False
    delay_s: float = 0.0

    def encoded(self) -> bytes:
        if self.body is None:
            self.body = json.dumps(self.payload, separators=(",", ":"), ensure_ascii=False).encode()
        return self.body


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(status, {"error": message}, dict(headers or {}))


class FixedWindowRateLimiter:
    """The Hub's fixed-window quota: `quota` requests per `window_s` seconds, windows aligned on
    the first request the limiter counts (a client's first call opens its window, however long
    after the server started). Every request, refused ones included, counts."""

    def __init__(self, quota: int, window_s: float, clock=time.monotonic):
        self.quota = quota
        self.window_s = window_s
        self._clock = clock
        self._start: float | None = None
        self._window = 0
        self._count = 0
        self._lock = threading.Lock()

    def hit(self) -> tuple[bool, int, int]:
        """Count one request: (allowed, remaining in the window, seconds until the window resets)."""
        with self._lock:
            if self._start is None:
                self._start = self._clock()
            elapsed = self._clock() - self._start
            window = int(elapsed // self.window_s)
            if window != self._window:
                self._window, self._count = window, 0
            self._count += 1
            reset = max(1, math.ceil((window + 1) * self.window_s - elapsed))
            return self._count <= self.quota, max(0, self.quota - self._count), reset


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, hub: "SimulatedHub", port: int):
        self.hub = hub
        super().__init__((HOST, port), _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the Hub; every response has a Content-Length
    timeout = 60  # an idle kept-alive connection frees its thread after this
    disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms stalls
    server: _Server

    def do_GET(self) -> None:
        self.server.hub._handle(self)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the hub keeps its own request log."""


class SimulatedHub:
    def __init__(
        self,
        catalog: Catalog,
        page_size_cap: int = 1000,
        rate_limit_quota: int = 100_000,
        rate_limit_window_s: float = 300,
        latency_s: float = 0.0,
        faults: FaultPlan | None = None,
        port: int = 0,
    ):
        self.catalog = catalog
        self.page_size_cap = page_size_cap
        self.latency_s = latency_s
        self.faults = faults or FaultPlan()
        self.rate_limiter = FixedWindowRateLimiter(rate_limit_quota, rate_limit_window_s)
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._log: list[LoggedRequest] = []
        self._listing_requests = 0
        self._fault_hits: dict[str, list[int]] = {}
        self._lock = threading.Lock()

    # --- lifecycle -----------------------------------------------------------------------------
    def __enter__(self) -> "SimulatedHub":
        self.start()
        return self

    def __exit__(self, exc_type: type | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        self._server = _Server(self, self._port)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="simulated-hub",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = self._thread = None

    @property
    def address(self) -> tuple[str, int]:
        if self._server is None:
            raise RuntimeError("the simulated Hub is not running")
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def base_url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}"

    @property
    def endpoint_template(self) -> str:
        """The endpoint the pipeline formats with a partition date."""
        return self.base_url + "/as-of/{snapshot_date}"

    def endpoint_for(self, day: date) -> str:
        return f"{self.base_url}/as-of/{day.isoformat()}"

    # --- request log ---------------------------------------------------------------------------
    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    def request_count(self, path_suffix: str | None = None, status: int | None = None) -> int:
        return sum(
            1
            for r in self.requests
            if (path_suffix is None or r.path.endswith(path_suffix))
            and (status is None or r.status == status)
        )

    @property
    def fault_hits(self) -> dict[str, list[int]]:
        """Listing request numbers (1-based) each fault hit."""
        with self._lock:
            return {name: list(numbers) for name, numbers in self._fault_hits.items()}

    # --- handling ------------------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        started = time.monotonic()
        url = urlsplit(handler.path)
        params = parse_qs(url.query, keep_blank_values=True)
        allowed, remaining, reset = self.rate_limiter.hit()
        day = None
        if not allowed:
            response = error(
                429, "You have exceeded our rate limit. Retry later.", {"Retry-After": str(reset)}
            )
        else:
            try:
                day, prefix, route = self._parse_path(url.path)
                if route == "/api/models":
                    response = self._listing(day, prefix, params)
                elif route.startswith(_MODEL_INFO) and len(route) > len(_MODEL_INFO):
                    response = self._model_info(day, unquote(route[len(_MODEL_INFO) :]), params)
                else:
                    response = error(404, "Not Found")
            except ApiError as exc:
                response = error(exc.status, exc.message, exc.headers)
            except Exception:  # a bug of the simulator answers 500, as the Hub would, and is logged
                logger.exception("simulated Hub failed on %s", handler.path)
                response = error(500, "Internal Error - We're working hard to fix this")
        response.headers.setdefault("RateLimit", f'"api";r={remaining};t={reset}')
        response.headers["RateLimit-Policy"] = (
            f'"fixed window";"api";q={self.rate_limiter.quota};w={self.rate_limiter.window_s:g}'
        )
        delay = self.latency_s + response.delay_s
        if delay:
            time.sleep(delay)
        # logged before the response is written, so a client that has its answer sees its request
        entry = LoggedRequest(
            url.path,
            params,
            0 if response.drop_connection else response.status,
            day,
            time.monotonic() - started,
        )
        with self._lock:
            self._log.append(entry)
        self._write(handler, response)

    def _parse_path(self, path: str) -> tuple[date, str, str]:
        match = _PATH.match(path)
        if match is None:
            raise ApiError(404, "Not Found")
        text = match.group("day")
        if text is None:
            return self.catalog.today, "", match.group("rest")
        try:
            if not _DAY.match(text):
                raise ValueError(text)
            day = date.fromisoformat(text)
        except ValueError:
            raise ApiError(400, f'Invalid snapshot date "{text}": expected YYYY-MM-DD') from None
        if not self.catalog.first_day <= day <= self.catalog.last_day:
            raise ApiError(
                400,
                f"No snapshot for {day}: this Hub serves {self.catalog.first_day} to {self.catalog.last_day}",
            )
        return day, f"/as-of/{text}", match.group("rest")

    def _listing(self, day: date, prefix: str, params: dict[str, list[str]]) -> Response:
        request = parse_listing_request(params)
        with self._lock:
            self._listing_requests += 1
            number = self._listing_requests
        plan = self.faults
        repeat_edge = request.cursor is not None and due(plan.repeat_edge_every, number)
        if repeat_edge:
            self._record_fault("repeat_edge", number)
        page = listing_page(
            self.catalog, day, request, self.page_size_cap, plan.drift_days_per_page, repeat_edge
        )
        response = Response(200, page.items, {"Content-Type": "application/json; charset=utf-8"})
        if page.next_cursor is not None:
            query = [(k, v) for k, values in params.items() if k != "cursor" for v in values]
            next_url = (
                f"{self.base_url}{prefix}/api/models?{urlencode([*query, ('cursor', page.next_cursor)])}"
            )
            response.headers["Link"] = f'<{next_url}>; rel="next"'
        if plan.gateway_timeout_from_item is not None and page.start >= plan.gateway_timeout_from_item:
            self._record_fault("gateway_timeout", number)
            return error(504, "Gateway Time-out")
        return self._apply_faults(number, response)

    def _record_fault(self, name: str, number: int) -> None:
        with self._lock:
            self._fault_hits.setdefault(name, []).append(number)

    def _apply_faults(self, number: int, response: Response) -> Response:
        plan = self.faults
        every = {
            "rate_limit": plan.rate_limit_every,
            "server_error": plan.server_error_every,
            "drop": plan.drop_every,
            "truncate": plan.truncate_every,
            "non_json": plan.non_json_every,
            "bad_link": plan.bad_link_every,
            "invalid_record": plan.invalid_record_every,
        }
        fault = next((name for name in FAULT_ORDER if due(every[name], number)), None)
        if fault is not None:
            self._record_fault(fault, number)
        if fault == "rate_limit":
            response = error(429, "Too many requests", {"Retry-After": str(plan.retry_after_s)})
        elif fault == "server_error":
            response = error(plan.server_error_status, "Internal Error - We're working hard to fix this")
        elif fault == "drop":
            response.drop_connection = True
        elif fault == "truncate":
            body = response.encoded()
            response.body = body[: len(body) // 2]
        elif fault == "non_json":
            response.headers["Content-Type"] = "text/html"
            response.body = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        elif fault == "bad_link":
            response.headers["Link"] = f'<{plan.bad_link}>; rel="next"'
        elif fault == "invalid_record" and response.payload:
            _INVALID_RECORDS[(number // plan.invalid_record_every - 1) % len(_INVALID_RECORDS)](
                response.payload[0]
            )
        if due(plan.slow_every, number):
            self._record_fault("slow", number)
            response.delay_s = plan.slow_s
        return response

    def _model_info(self, day: date, model_id: str, params: dict[str, list[str]]) -> Response:
        info = self.catalog.model_info(model_id, day, parse_expand(params, listing=False))
        if info is None:
            return error(
                404,
                "Repository not found",
                {"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"},
            )
        return Response(200, info, {"Content-Type": "application/json; charset=utf-8"})

    @staticmethod
    def _write(handler: BaseHTTPRequestHandler, response: Response) -> None:
        if response.drop_connection:
            handler.close_connection = True
            return
        body = response.encoded()
        handler.send_response(response.status)
        response.headers.setdefault("Content-Type", "application/json; charset=utf-8")
        for name, value in response.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        try:
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client hung up (e.g. its timeout)
            handler.close_connection = True
