"""A fake Databricks workspace: a loopback HTTP server speaking the endpoints the product calls.

It keeps tables, monitors, refreshes and dashboards in memory and answers the way the real
service does (status codes, `{"error_code", "message"}` bodies, monitor delete leaving its metric
tables and dashboard behind), so product code is exercised through the real databricks-sdk.

Beyond the monitor endpoints it answers what the SDK and the product ask of any workspace: the
host-metadata probe every client makes when it is created (databricks-sdk `Config.
_resolve_host_metadata` -> `oauth.get_host_metadata`, `GET /.well-known/databricks-config`), and
SCIM `Me` (`iam.CurrentUserAPI.me`). Paths arrive as the SDK builds them: names formatted in
unencoded, then dot segments resolved client-side by urllib3 (`util.url.parse_url`), and a `?` or
`#` inside a name starting a query or fragment; so a hostile name reaches the endpoint it would
reach on the real service. `answer_next` sends raw bytes (malformed JSON), `fail_next` error
bodies; `Blackhole` and `refused_host` stand for a workspace that does not answer.

Thread-safe: `ThreadingHTTPServer` serves each connection in its own thread, and every handler
runs under one lock, so parallel readers (verify's and coverage's workers) see one consistent
workspace. `latency_s` delays every answer (outside the lock, so delays overlap as a real
service's do): the benchmark's stand-in for a network round trip. Each `Call` records how many
requests were being answered when it arrived (`in_flight`): the most of them is how many
requests a parallel reader really had open at once.

Refreshes follow databricks-sdk 0.162 `catalog.QualityMonitorsAPI` (`run_refresh`,
`list_refreshes` answering the newest 25, `get_refresh`, `cancel_refresh`: `POST
.../refreshes/{id}/cancel` with `{}`, no answer read) and, through `tests/fakes/workspace_dq.py`,
`dataquality.DataQualityAPI` (`create_refresh`, `list_refresh`, `get_refresh`, `cancel_refresh`
answering `CancelRefreshResponse`). A queued refresh is PENDING with trigger MANUAL; it moves on
only as a test scripts it (`script_refreshes`), one state per read, as a real one moves on while
the service runs it. The billing system tables and the statement that reads them are
`tests/fakes/billing.py`, served by the statement endpoints of `tests/fakes/alerts_api.py`.
"""

from __future__ import annotations

import itertools
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from databricks.sdk.clock import Clock

from tests.fakes.alerts_api import AlertsAndStatements
from tests.fakes.grants_api import GRANTS_ROUTES, UnityCatalogGrants
from tests.fakes.permissions_api import PERMISSIONS_ROUTES, DashboardPermissions
from tests.fakes.workspace_dq import DQ_ROUTES, DataQualityEndpoints

MONITOR_STATUS_ACTIVE = "MONITOR_STATUS_ACTIVE"
MONITOR_STATUS_PENDING = "MONITOR_STATUS_PENDING"

# Columns every profile/drift metrics table has, whatever the monitor's custom metrics (Databricks
# docs, "Monitor metric tables": "Profile metrics table schema", "Drift metrics table schema").
PROFILE_METRICS_COLUMNS: tuple[str, ...] = (
    "window",
    "log_type",
    "logging_table_commit_version",
    "monitor_version",
    "granularity",
    "slice_key",
    "slice_value",
    "column_name",
    "data_type",
    "count",
    "num_nulls",
    "avg",
    "quantiles",
    "distinct_count",
    "min",
    "max",
    "stddev",
    "num_zeros",
    "num_nan",
    "min_length",
    "max_length",
    "avg_length",
    "non_null_columns",
    "frequent_items",
    "median",
    "percent_null",
    "percent_zeros",
    "percent_distinct",
    "percent_nan",
)
# The model quality columns the docs list for an InferenceLog analysis's profile table.
INFERENCE_PROFILE_COLUMNS: tuple[str, ...] = (
    "accuracy_score",
    "confusion_matrix",
    "precision",
    "recall",
    "f1_score",
    "mean_squared_error",
    "root_mean_squared_error",
    "mean_average_error",
    "mean_absolute_percentage_error",
    "r2_score",
    "predictive_parity",
    "predictive_equality",
    "equal_opportunity",
    "statistical_parity",
)
DRIFT_METRICS_COLUMNS: tuple[str, ...] = (
    "window",
    "window_cmp",
    "drift_type",
    "granularity",
    "monitor_version",
    "slice_key",
    "slice_value",
    "column_name",
    "data_type",
    "count_delta",
    "avg_delta",
    "percent_null_delta",
    "percent_zeros_delta",
    "percent_distinct_delta",
    "non_null_columns_delta",
    "chi_squared_test",
    "ks_test",
    "tv_distance",
    "l_infinity_distance",
    "js_distance",
    "wasserstein_distance",
    "population_stability_index",
)

_DEFAULT_ERROR_CODES = {
    400: "INVALID_PARAMETER_VALUE",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "RESOURCE_DOES_NOT_EXIST",
    409: "RESOURCE_ALREADY_EXISTS",
    429: "REQUEST_LIMIT_EXCEEDED",
    500: "INTERNAL_ERROR",
    503: "TEMPORARILY_UNAVAILABLE",
}

_TABLE = r"/api/2.1/unity-catalog/tables/(?P<table>[^/]+)"
_ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("GET", re.compile(r"/\.well-known/databricks-config"), "_host_metadata"),
    ("GET", re.compile(r"/api/2\.0/preview/scim/v2/Me"), "_me"),
    ("POST", re.compile(_TABLE + r"/monitor"), "_create_monitor"),
    ("GET", re.compile(_TABLE + r"/monitor"), "_get_monitor"),
    ("PUT", re.compile(_TABLE + r"/monitor"), "_update_monitor"),
    ("DELETE", re.compile(_TABLE + r"/monitor"), "_delete_monitor"),
    ("POST", re.compile(_TABLE + r"/monitor/refreshes"), "_run_refresh"),
    ("GET", re.compile(_TABLE + r"/monitor/refreshes"), "_list_refreshes"),
    ("GET", re.compile(_TABLE + r"/monitor/refreshes/(?P<refresh_id>\d+)"), "_get_refresh"),
    (
        "POST",
        re.compile(_TABLE + r"/monitor/refreshes/(?P<refresh_id>\d+)/cancel"),
        "_cancel_refresh",
    ),
    ("GET", re.compile(_TABLE), "_get_table"),
    ("GET", re.compile(r"/api/2\.1/unity-catalog/tables"), "_list_tables"),
    ("DELETE", re.compile(_TABLE), "_delete_table"),
    ("GET", re.compile(r"/api/2.0/lakeview/dashboards/(?P<dashboard_id>[^/]+)"), "_get_dashboard"),
    ("DELETE", re.compile(r"/api/2.0/lakeview/dashboards/(?P<dashboard_id>[^/]+)"), "_trash"),
    # SQL alerts and statement execution: tests/fakes/alerts_api.py
    ("POST", re.compile(r"/api/2\.0/alerts"), "_create_alert"),
    ("GET", re.compile(r"/api/2\.0/alerts"), "_list_alerts"),
    ("GET", re.compile(r"/api/2\.0/alerts/(?P<alert_id>[^/]+)"), "_get_alert"),
    ("PATCH", re.compile(r"/api/2\.0/alerts/(?P<alert_id>[^/]+)"), "_update_alert"),
    ("DELETE", re.compile(r"/api/2\.0/alerts/(?P<alert_id>[^/]+)"), "_trash_alert"),
    ("POST", re.compile(r"/api/2\.0/sql/statements/?"), "_execute_statement"),
    ("GET", re.compile(r"/api/2\.0/sql/statements/(?P<statement_id>[^/]+)"), "_get_statement"),
    (
        "POST",
        re.compile(r"/api/2\.0/sql/statements/(?P<statement_id>[^/]+)/cancel"),
        "_cancel_statement",
    ),
    # The Data Quality Monitoring API and the schema lookup (tests/fakes/workspace_dq.py).
    *((method, re.compile(pattern), handler) for method, pattern, handler in DQ_ROUTES),
    # Unity Catalog grants, as `databricks.Grant` reads and changes them (tests/fakes/grants_api.py).
    *((method, re.compile(pattern), handler) for method, pattern, handler in GRANTS_ROUTES),
    # AI/BI dashboard ACLs, as `databricks.Permissions` sets them (tests/fakes/permissions_api.py).
    *((method, re.compile(pattern), handler) for method, pattern, handler in PERMISSIONS_ROUTES),
    # The provider's `databricks.getNotificationDestinations` (TF pluginfw
    # `notificationdestinations/data_notification_destinations.go` Read: one listing, filtered
    # client-side; databricks-sdk-go service/settings/impl.go `NotificationDestinations.List`).
    ("GET", re.compile(r"/api/2\.0/notification-destinations"), "_list_destinations"),
)
# Handlers that read the query string (the SDK sends paging, masks and flags there).
_WITH_QUERY = frozenset({"_list_alerts", "_update_alert", "_trash_alert", "_list_destinations"})


@dataclass(frozen=True)
class Call:
    """One request the fake received, in arrival order."""

    method: str
    path: str
    body: dict[str, Any] | None
    query: dict[str, list[str]]
    status: int
    in_flight: int = 1  # requests being answered when it arrived, itself included


class ApiError(Exception):
    """Raised inside a handler to answer with a Databricks error body."""

    def __init__(self, status: int, message: str, error_code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_code = error_code or _DEFAULT_ERROR_CODES.get(status, "UNKNOWN")


@dataclass
class _Injection:
    method: str
    path: str
    remaining: int
    status: int
    error_code: str
    message: str
    retry_after: int | None
    raw: bytes | None = None


@dataclass
class _Response:
    status: int
    body: dict[str, Any] | None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # sent as is instead of `body` (e.g. malformed JSON)


class VirtualClock(Clock):
    """An SDK clock whose sleeps advance virtual time instead of waiting.

    Given to the SDK's Config so its retry backoff (Retry-After plus jitter) costs no wall time
    while its retry deadline still elapses; `sleeps` records what the SDK asked for.
    """

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def time(self) -> float:
        with self._lock:
            return time.time() + self._offset

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self._offset += seconds


class FakeWorkspace(
    AlertsAndStatements, DataQualityEndpoints, UnityCatalogGrants, DashboardPermissions
):
    """In-memory Databricks workspace served over loopback HTTP; use as a context manager.

    `echo_create_only`: whether the data quality API's GET echoes `warehouse_id` and
    `skip_builtin_dashboard` (undocumented; see tests/fakes/workspace_dq.py).
    """

    def __init__(
        self,
        token: str = "dapi-fake-token",
        workspace_id: str = "1234567890",
        user_name: str = "deployer@example.com",
        echo_create_only: bool = False,
    ) -> None:
        self.token = token
        self.workspace_id = workspace_id
        self.user_name = user_name
        self.tables: dict[str, dict[str, Any]] = {}
        self.monitors: dict[str, dict[str, Any]] = {}
        self.refreshes: dict[str, list[dict[str, Any]]] = {}
        self.dashboards: dict[str, dict[str, Any]] = {}
        self.schemas: dict[str, dict[str, Any]] = {}
        self.schema_monitors: dict[str, dict[str, Any]] = {}
        self.grants: dict[tuple[str, str], dict[str, set[str]]] = {}
        self.dashboard_acls: dict[str, dict[tuple[str, str], str]] = {}
        self.dq_create_only: dict[str, dict[str, Any]] = {}
        self.echo_create_only = echo_create_only
        self.query: dict[str, list[str]] = {}  # the query of the request being handled
        self.calls: list[Call] = []
        # Requests no route knows, as "METHOD path": the engine suite fails the test that made
        # one (a fake must never answer by guessing); the answer itself is the service's 404.
        self.unknown_requests: list[str] = []
        # Notification destinations, as `GET /api/2.0/notification-destinations` lists them.
        self.destinations: list[dict[str, str]] = []
        # When set, every monitor created from now on initialises after this many reads, as a
        # real one does minutes later (the provider's create polls GET until ACTIVE).
        self.initialise_created_after_gets: int | None = None
        self._injections: list[_Injection] = []
        self._activate_after: dict[str, int] = {}
        self._refresh_ids = itertools.count(1)
        # States each refresh queued from now on moves through, one per read (see
        # `script_refreshes`), by refresh id.
        self._refresh_script: list[str] = []
        self._refresh_scripts: dict[int, list[str]] = {}
        self._refresh_message = ""
        self.tables_page_size = 50  # tables per page of GET .../tables (server configured)
        self.latency_s = 0.0  # added to every answer but the host-metadata probe
        self._in_flight = 0  # requests being answered now (each call records it on arrival)
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeWorkspace:
        """Bind 127.0.0.1 on a free port and serve in a background thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeWorkspace:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def host(self) -> str:
        """Base URL to give the SDK as `host`."""
        if self._server is None:
            raise RuntimeError("FakeWorkspace is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # ---- test helpers: seeding and moving state --------------------------------------------

    def add_table(
        self,
        full_name: str,
        columns: Iterable[str | tuple[str, str]] = ("id",),
        table_id: str | None = None,
        table_type: str = "MANAGED",
    ) -> dict[str, Any]:
        """Create a table (and its schema, if new); columns are names (type STRING) or (name,
        type) pairs; `table_id` is its UUID (random by default); `table_type` as the API names
        it (`MANAGED`, `EXTERNAL`, `VIEW`, ...: databricks-sdk `catalog.TableType`)."""
        catalog, schema, name = _split_name(full_name)
        if f"{catalog}.{schema}" not in self.schemas:
            self.add_schema(f"{catalog}.{schema}")
        cols = []
        for position, column in enumerate(columns):
            col_name, type_name = (column, "STRING") if isinstance(column, str) else column
            cols.append(
                {
                    "name": col_name,
                    "type_name": type_name.upper(),
                    "type_text": type_name.lower(),
                    "type_json": json.dumps(
                        {"name": col_name, "type": type_name.lower(), "nullable": True}
                    ),
                    "position": position,
                    "nullable": True,
                }
            )
        table = {
            "name": name,
            "catalog_name": catalog,
            "schema_name": schema,
            "full_name": full_name,
            "table_type": table_type,
            "data_source_format": "DELTA",
            "columns": cols,
            "table_id": table_id or str(uuid.uuid4()),
            "created_at": _now_ms(),
        }
        with self._lock:
            self.tables[full_name] = table
        return table

    def add_monitor(self, full_name: str, **config: Any) -> dict[str, Any]:
        """Create a monitor as POST would (the table is created if missing); returns it."""
        config.setdefault("output_schema_name", full_name.rsplit(".", 1)[0])
        config.setdefault("assets_dir", f"/Workspace/Shared/monitors/{full_name}")
        if not any(k in config for k in ("snapshot", "time_series", "inference_log")):
            config["snapshot"] = {}
        with self._lock:
            if full_name not in self.tables:
                self.add_table(full_name)
            return self._create_monitor_locked(full_name, config)

    def initialise_monitor(self, full_name: str, *, with_drift_table: bool | None = None) -> None:
        """Finish a monitor's initialisation: ACTIVE, version 1, metric tables created.

        Aggregate and derived custom metrics become profile-table columns, drift ones drift-table
        columns. The drift table is made when drift is configured unless `with_drift_table` says.
        """
        with self._lock:
            monitor = self.monitors[full_name]
            monitor["status"] = MONITOR_STATUS_ACTIVE
            monitor["monitor_version"] = max(1, int(monitor.get("monitor_version", 0)))
            metrics = monitor.get("custom_metrics", [])
            drift_names = [m["name"] for m in metrics if m.get("type", "").endswith("DRIFT")]
            profile_names = [m["name"] for m in metrics if m["name"] not in drift_names]
            model = INFERENCE_PROFILE_COLUMNS if "inference_log" in monitor else ()
            self.add_table(
                monitor["profile_metrics_table_name"],
                [*PROFILE_METRICS_COLUMNS, *model, *profile_names],
            )
            if with_drift_table is None:
                with_drift_table = bool(
                    drift_names
                    or monitor.get("baseline_table_name")
                    or "time_series" in monitor
                    or "inference_log" in monitor
                )
            if with_drift_table:
                self.add_table(
                    monitor["drift_metrics_table_name"], [*DRIFT_METRICS_COLUMNS, *drift_names]
                )

    def drop_column(self, full_name: str, column: str) -> None:
        """Remove a column from a table (a metric table written without it)."""
        with self._lock:
            table = self.tables[full_name]
            table["columns"] = [c for c in table["columns"] if c["name"] != column]

    def initialise_after(self, full_name: str, gets: int) -> None:
        """Initialise the monitor once it has been read `gets` more times (async init)."""
        with self._lock:
            self._activate_after[full_name] = gets

    def set_monitor_status(
        self,
        full_name: str,
        status: str,
        *,
        monitor_version: int | None = None,
        failure_msg: str | None = None,
    ) -> None:
        """Move a monitor to `status` (a MONITOR_STATUS_* value)."""
        with self._lock:
            monitor = self.monitors[full_name]
            monitor["status"] = status
            if monitor_version is not None:
                monitor["monitor_version"] = monitor_version
            if failure_msg is not None:
                monitor["latest_monitor_failure_msg"] = failure_msg

    def add_refresh(
        self,
        full_name: str,
        state: str = "SUCCESS",
        *,
        trigger: str = "SCHEDULE",
        message: str = "",
    ) -> dict[str, Any]:
        """Record a refresh of the monitor as the service would after a run."""
        with self._lock:
            refresh = self._new_refresh(full_name, state, trigger)
            if message:
                refresh["message"] = message
            if state in ("SUCCESS", "FAILED", "CANCELED"):
                refresh["end_time_ms"] = refresh["start_time_ms"] + 1000
            return refresh

    def set_refresh_state(
        self, full_name: str, refresh_id: int, state: str, *, message: str = ""
    ) -> None:
        """Move a refresh to `state` (PENDING, RUNNING, SUCCESS, FAILED, CANCELED, UNKNOWN)."""
        with self._lock:
            for refresh in self.refreshes.get(full_name, []):
                if refresh["refresh_id"] == refresh_id:
                    refresh["state"] = state
                    if message:
                        refresh["message"] = message
                    return
        raise KeyError(f"no refresh {refresh_id} for {full_name}")

    def script_refreshes(self, *states: str, message: str = "") -> None:
        """Every refresh queued from now on moves to the next of `states` each time it is read
        (`get_refresh` on either API), as a real one moves on while it runs: e.g. `RUNNING`,
        `SUCCESS`. An ended state sets `end_time_ms`; `message` goes with a FAILED end."""
        with self._lock:
            self._refresh_script = list(states)
            self._refresh_message = message

    def _advance(self, refresh: dict[str, Any]) -> None:
        """Move a refresh one step along its script (lock held)."""
        script = self._refresh_scripts.get(refresh["refresh_id"])
        if not script:
            return
        refresh["state"] = script.pop(0)
        if refresh["state"] in _ENDED:
            refresh["end_time_ms"] = refresh["start_time_ms"] + 42_000
            if refresh["state"] == "FAILED" and self._refresh_message:
                refresh["message"] = self._refresh_message

    def add_dashboard(self, dashboard_id: str | None = None, name: str = "dashboard") -> str:
        """Create an ACTIVE Lakeview dashboard; returns its id."""
        dashboard_id = dashboard_id or uuid.uuid4().hex[:32]
        with self._lock:
            self.dashboards[dashboard_id] = {
                "dashboard_id": dashboard_id,
                "display_name": name,
                "lifecycle_state": "ACTIVE",
                "path": f"/Workspace/Shared/{name}.lvdash.json",
                "parent_path": "/Workspace/Shared",
                "etag": "1",
            }
        return dashboard_id

    def fail_next(
        self,
        method: str,
        path: str,
        *,
        status: int = 429,
        times: int = 1,
        error_code: str | None = None,
        message: str | None = None,
        retry_after: int | None = 1,
    ) -> None:
        """Answer the next `times` calls of `method path` with an error (throttling by default).

        Retry-After is sent for 429 and 503 when `retry_after` is not None.
        """
        code = error_code or _DEFAULT_ERROR_CODES.get(status, "UNKNOWN")
        with self._lock:
            self._injections.append(
                _Injection(
                    method=method.upper(),
                    path=path,
                    remaining=times,
                    status=status,
                    error_code=code,
                    message=message or f"injected {code}",
                    retry_after=retry_after if status in (429, 503) else None,
                )
            )

    def answer_next(
        self, method: str, path: str, raw: bytes, *, status: int = 200, times: int = 1
    ) -> None:
        """Answer the next `times` calls of `method path` with `raw` bytes as the body (e.g.
        malformed JSON, an HTML error page from a proxy)."""
        with self._lock:
            self._injections.append(
                _Injection(
                    method=method.upper(),
                    path=path,
                    remaining=times,
                    status=status,
                    error_code="",
                    message="",
                    retry_after=None,
                    raw=raw,
                )
            )

    # ---- call log ----------------------------------------------------------------------------

    def api_calls(self) -> list[Call]:
        """Calls other than the SDK's host-metadata probe."""
        with self._lock:
            return [c for c in self.calls if not c.path.startswith("/.well-known/")]

    def call_signatures(self) -> list[tuple[str, str]]:
        """(method, path) of every API call, in order; handy for asserting order."""
        return [(c.method, c.path) for c in self.api_calls()]

    # ---- request handling ----------------------------------------------------------------------

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: dict[str, Any] | None
    ) -> _Response:
        """Route one request; records it in the call log."""
        parts = urlsplit(raw_path)
        path = unquote(parts.path)
        query = parse_qs(parts.query)
        with self._lock:
            self._in_flight += 1
            in_flight = self._in_flight
        try:
            if self.latency_s > 0 and not path.startswith("/.well-known/"):
                time.sleep(self.latency_s)
            response = self._dispatch(method, path, headers, body, query)
        finally:
            with self._lock:
                self._in_flight -= 1
        with self._lock:
            self.calls.append(Call(method, path, body, query, response.status, in_flight))
        return response

    def _dispatch(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        body: dict[str, Any] | None,
        query: dict[str, list[str]] | None = None,
    ) -> _Response:
        with self._lock:
            injected = self._take_injection(method, path)
        if injected is not None:
            return injected
        route = _match(method, path)
        if route is None:
            with self._lock:
                self.unknown_requests.append(f"{method} {path}")
            return _error(404, "ENDPOINT_NOT_FOUND", f"No API found for '{method} {path}'")
        handler_name, params = route
        if handler_name in _WITH_QUERY:
            params = {**params, "query": query or {}}
        if handler_name != "_host_metadata" and headers.get("authorization") != (
            f"Bearer {self.token}"
        ):
            return _error(401, "UNAUTHENTICATED", "Invalid access token.")
        try:
            with self._lock:
                self.query = query or {}
                result = getattr(self, handler_name)(body=body or {}, **params)
        except ApiError as err:
            return _error(err.status, err.error_code, err.message)
        return _Response(200, result)

    def _take_injection(self, method: str, path: str) -> _Response | None:
        for injection in self._injections:
            if injection.method == method and injection.path == path and injection.remaining > 0:
                injection.remaining -= 1
                if injection.raw is not None:
                    return _Response(injection.status, None, raw=injection.raw)
                response = _error(injection.status, injection.error_code, injection.message)
                if injection.retry_after is not None:
                    response.headers["Retry-After"] = str(injection.retry_after)
                return response
        return None

    # ---- endpoints (called with the lock held) ----------------------------------------------

    def _host_metadata(self, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "oidc_endpoint": f"{self.host}/oidc",
            "workspace_id": self.workspace_id,
            "cloud": "AWS",
        }

    def _me(self, body: dict[str, Any]) -> dict[str, Any]:
        """SCIM `Me`: the identity the token belongs to (databricks-sdk `CurrentUserAPI.me`)."""
        return {
            "id": "4242",
            "userName": self.user_name,
            "displayName": self.user_name.split("@")[0],
            "active": True,
            "groups": [{"display": "users", "value": "1"}],
        }

    def add_destination(self, display_name: str, destination_type: str = "EMAIL") -> str:
        """A notification destination the workspace lists; returns its id."""
        destination_id = str(uuid.uuid4())
        with self._lock:
            self.destinations.append(
                {
                    "id": destination_id,
                    "display_name": display_name,
                    "destination_type": destination_type,
                }
            )
        return destination_id

    def _list_destinations(self, body: dict[str, Any], query: dict[str, list[str]]) -> Any:
        """One page of destinations (`ListNotificationDestinationsResponse`: `results`, and
        `next_page_token` while more follow; `page_size` caps a page)."""
        size = int((query.get("page_size") or ["20"])[0]) or 20
        start = int((query.get("page_token") or ["0"])[0])
        page = self.destinations[start : start + size]
        answer: dict[str, Any] = {"results": page} if page else {}
        if start + size < len(self.destinations):
            answer["next_page_token"] = str(start + size)
        return answer

    def _api_error(self, status: int, message: str, error_code: str | None = None) -> Exception:
        return ApiError(status, message, error_code)

    def _require_table(self, table: str) -> dict[str, Any]:
        if table not in self.tables:
            raise ApiError(404, f"Table '{table}' does not exist.", "TABLE_DOES_NOT_EXIST")
        return self.tables[table]

    def _require_monitor(self, table: str) -> dict[str, Any]:
        self._require_table(table)
        if table not in self.monitors:
            raise ApiError(404, f"Monitor for table '{table}' does not exist.")
        return self.monitors[table]

    def _create_monitor(self, body: dict[str, Any], table: str) -> dict[str, Any]:
        return self._create_monitor_locked(table, body)

    def _create_monitor_locked(self, table: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST .../monitor: store the config as GET will return it, plus the computed fields.

        The answer (and every later GET) has the shape of a real one recorded against a cloud
        workspace (databricks/cli acceptance/bundle/resources/quality_monitors/change_table_name/
        out.get.direct.json): `snapshot: {}` kept, `monitor_version` present even at 0, and no
        `warehouse_id` or `skip_builtin_dashboard` (see `_as_stored`).
        """
        self._require_table(table)
        if table in self.monitors:
            raise ApiError(409, f"Data Monitor '{table}' already exists.")
        for required in ("output_schema_name", "assets_dir"):
            if not body.get(required):
                raise ApiError(400, f"'{required}' is required.")
        if not any(k in body for k in ("snapshot", "time_series", "inference_log")):
            raise ApiError(400, "One of snapshot, time_series or inference_log is required.")
        short = table.rsplit(".", 1)[1]
        output_schema = body["output_schema_name"]
        monitor = _as_stored(body)
        monitor.update(
            table_name=table,
            status=MONITOR_STATUS_PENDING,
            monitor_version=0,
            profile_metrics_table_name=f"{output_schema}.{short}_profile_metrics",
            drift_metrics_table_name=f"{output_schema}.{short}_drift_metrics",
        )
        if not body.get("skip_builtin_dashboard"):
            monitor["dashboard_id"] = self.add_dashboard(name=f"{short} Monitoring")
        self.monitors[table] = monitor
        if self.initialise_created_after_gets is not None:
            self._activate_after[table] = self.initialise_created_after_gets
        return dict(monitor)

    def _get_monitor(self, body: dict[str, Any], table: str) -> dict[str, Any]:
        monitor = self._require_monitor(table)
        if table in self._activate_after:
            self._activate_after[table] -= 1
            if self._activate_after[table] <= 0:
                del self._activate_after[table]
                self.initialise_monitor(table)
        return dict(monitor)

    def _update_monitor(self, body: dict[str, Any], table: str) -> dict[str, Any]:
        """PUT .../monitor: the whole config; create-only fields (assets_dir too) are ignored.

        The SDK marks assets_dir `[Create:REQ Update:IGN]` and warehouse_id and
        skip_builtin_dashboard exist only on CreateMonitor (databricks-sdk-go
        service/catalog/model.go, UpdateMonitor).
        """
        monitor = self._require_monitor(table)
        if not body.get("output_schema_name"):
            raise ApiError(400, "'output_schema_name' is required.")
        for key in ("custom_metrics", "slicing_exprs", "schedule", "notifications"):
            monitor.pop(key, None)
        monitor.update({k: v for k, v in _as_stored(body).items() if k not in _IGNORED_ON_UPDATE})
        return dict(monitor)

    def _delete_monitor(self, body: dict[str, Any], table: str) -> dict[str, Any]:
        self._require_monitor(table)
        # As the real service: metric tables and the dashboard are left behind.
        del self.monitors[table]
        self.refreshes.pop(table, None)
        return {}

    def _new_refresh(self, table: str, state: str, trigger: str) -> dict[str, Any]:
        refresh = {
            "refresh_id": next(self._refresh_ids),
            "state": state,
            "start_time_ms": _now_ms(),
            "trigger": trigger,
        }
        self.refreshes.setdefault(table, []).append(refresh)
        if trigger == "MANUAL" and self._refresh_script:
            self._refresh_scripts[refresh["refresh_id"]] = list(self._refresh_script)
        return refresh

    def _run_refresh(self, body: dict[str, Any], table: str) -> dict[str, Any]:
        self._require_monitor(table)
        return dict(self._new_refresh(table, "PENDING", "MANUAL"))

    def _list_refreshes(self, body: dict[str, Any], table: str) -> dict[str, Any]:
        self._require_monitor(table)
        newest_first = sorted(
            self.refreshes.get(table, []),
            key=lambda r: (r["start_time_ms"], r["refresh_id"]),
            reverse=True,
        )
        return {"refreshes": [dict(r) for r in newest_first[:25]]}

    def _get_refresh(self, body: dict[str, Any], table: str, refresh_id: str) -> dict[str, Any]:
        self._require_monitor(table)
        refresh = self._find_refresh(table, refresh_id)
        self._advance(refresh)
        return dict(refresh)

    def _find_refresh(self, table: str, refresh_id: str) -> dict[str, Any]:
        for refresh in self.refreshes.get(table, []):
            if refresh["refresh_id"] == int(refresh_id):
                return refresh
        raise ApiError(404, f"Refresh {refresh_id} for table '{table}' does not exist.")

    def _cancel_refresh(self, body: dict[str, Any], table: str, refresh_id: str) -> dict[str, Any]:
        """POST .../refreshes/{id}/cancel (databricks-sdk `QualityMonitorsAPI.cancel_refresh`
        sends `{}` and reads no answer). Undocumented, so the stricter side: a refresh that has
        already ended cannot be cancelled (400)."""
        self._require_monitor(table)
        self._cancel(self._find_refresh(table, refresh_id))
        return {}

    def _cancel(self, refresh: dict[str, Any]) -> None:
        if refresh["state"] in _ENDED:
            raise ApiError(400, f"Refresh {refresh['refresh_id']} has already ended.")
        refresh["state"] = "CANCELED"
        refresh["end_time_ms"] = _now_ms()
        self._refresh_scripts.pop(refresh["refresh_id"], None)

    def _get_table(self, body: dict[str, Any], table: str) -> dict[str, Any]:
        return dict(self._require_table(table))

    def _list_tables(self, body: dict[str, Any]) -> dict[str, Any]:
        """GET /api/2.1/unity-catalog/tables?catalog_name=&schema_name=: one page of the schema's
        tables, `next_page_token` while more follow (databricks-sdk `TablesAPI.list` sends
        `max_results=0`, "the page length is set to a server configured value", and reads pages
        until no token comes back). No order is promised; this one keeps creation order. A
        schema without tables answers with no `tables` key (empty lists are not written).
        Views are listed like tables, with `table_type: VIEW`: the provider's `get_tables`
        (terraform-provider-databricks `catalog/data_tables.go`, `DataSourceTables`, through
        databricks-sdk-go `Tables.ListAll`) and `monitors.workspace.tables` leave them out.
        """
        query = self.query
        catalog = (query.get("catalog_name") or [""])[0]
        schema = (query.get("schema_name") or [""])[0]
        if not catalog or not schema:
            raise ApiError(400, "Both catalog_name and schema_name are required.")
        names = [
            name
            for name, table in self.tables.items()
            if (table["catalog_name"], table["schema_name"]) == (catalog, schema)
        ]
        start = int((query.get("page_token") or ["0"])[0])
        page = names[start : start + self.tables_page_size]
        answer: dict[str, Any] = {}
        if page:
            omit = (query.get("omit_columns") or [""])[0] == "true"
            answer["tables"] = [
                {k: v for k, v in self.tables[n].items() if not (omit and k == "columns")}
                for n in page
            ]
        if start + self.tables_page_size < len(names):
            answer["next_page_token"] = str(start + self.tables_page_size)
        return answer

    def _delete_table(self, body: dict[str, Any], table: str) -> dict[str, Any]:
        self._require_table(table)
        del self.tables[table]
        return {}

    def _get_dashboard(self, body: dict[str, Any], dashboard_id: str) -> dict[str, Any]:
        if dashboard_id not in self.dashboards:
            raise ApiError(404, f"Unable to find dashboard [{dashboard_id}]")
        return dict(self.dashboards[dashboard_id])

    def _trash(self, body: dict[str, Any], dashboard_id: str) -> dict[str, Any]:
        dashboard = self.dashboards.get(dashboard_id)
        if dashboard is None or dashboard["lifecycle_state"] == "TRASHED":
            raise ApiError(404, f"Unable to find dashboard [{dashboard_id}]")
        dashboard["lifecycle_state"] = "TRASHED"
        return {}


# Fields the monitor API accepts only at create and never returns (databricks-sdk-go
# service/catalog/model.go: on CreateMonitor, absent from MonitorInfo and UpdateMonitor; the
# databricks CLI's direct engine lists both as input_only, bundle/direct/dresources/resources.yml).
_CREATE_ONLY_UNRETURNED = ("skip_builtin_dashboard", "warehouse_id")
_IGNORED_ON_UPDATE = ("assets_dir", *_CREATE_ONLY_UNRETURNED)
PAUSE_STATUS_UNPAUSED = "UNPAUSED"
_ENDED = ("SUCCESS", "FAILED", "CANCELED")


def _as_stored(body: dict[str, Any]) -> dict[str, Any]:
    """A request body as the service keeps it and GET returns it.

    - `skip_builtin_dashboard` and `warehouse_id` are dropped (GET never returns them).
    - Empty lists are dropped at every level: the recorded GET answer has no `custom_metrics`
      or `slicing_exprs` for a monitor without them, as a service writing repeated fields only
      when non-empty does; empty objects stay (`"snapshot": {}` is returned).
    - `schedule.pause_status` is filled with UNPAUSED: the field is read-only, set by the
      service (MonitorCronSchedule.PauseStatus, "Read only field that indicates whether a
      schedule is paused or not", databricks-sdk-go service/catalog/model.go).
    - Everything else, list order included, is returned as sent (nothing upstream says the
      service reorders custom metrics, slicing expressions, granularities or addresses).
    """
    stored = {
        key: _without_empty_lists(value)
        for key, value in body.items()
        if key not in _CREATE_ONLY_UNRETURNED and value != []
    }
    if isinstance(stored.get("schedule"), dict):
        stored["schedule"] = {"pause_status": PAUSE_STATUS_UNPAUSED, **stored["schedule"]}
    return stored


def _without_empty_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_empty_lists(v) for k, v in value.items() if v != []}
    if isinstance(value, list):
        return [_without_empty_lists(v) for v in value]
    return value


def _match(method: str, path: str) -> tuple[str, dict[str, str]] | None:
    for route_method, pattern, handler_name in _ROUTES:
        found = pattern.fullmatch(path)
        if found and route_method == method:
            return handler_name, found.groupdict()
    return None


def _error(status: int, error_code: str, message: str) -> _Response:
    return _Response(status, {"error_code": error_code, "message": message})


def _split_name(full_name: str) -> tuple[str, str, str]:
    parts = full_name.split(".")
    if len(parts) != 3:
        raise ValueError(f"expected catalog.schema.table, got {full_name!r}")
    return parts[0], parts[1], parts[2]


def _now_ms() -> int:
    return int(time.time() * 1000)


def _handler_for(workspace: FakeWorkspace) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            headers = {k.lower(): v for k, v in self.headers.items()}
            response = workspace.handle(self.command, self.path, headers, body)
            if response.raw is not None:
                payload = response.raw
            else:
                payload = json.dumps(response.body).encode() if response.body is not None else b""
            self.send_response(response.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for key, value in response.headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

    return Handler


class Blackhole:
    """A loopback port that accepts TCP connections and never answers a byte.

    Stands for a workspace behind a firewall or proxy that swallows requests: connecting
    succeeds, every read times out (requests raises ReadTimeout after the read timeout, which
    databricks-sdk `_BaseClient._is_retryable` retries as "timeout").
    """

    def __init__(self) -> None:
        self._socket: socket.socket | None = None
        self._connections: list[socket.socket] = []
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()

    def __enter__(self) -> Blackhole:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self._socket.settimeout(0.05)
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()
        return self

    def _accept(self) -> None:
        while not self._closing.is_set():
            assert self._socket is not None
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._connections.append(connection)

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        if self._thread is not None:
            self._thread.join(timeout=1)
        for connection in self._connections:
            connection.close()
        if self._socket is not None:
            self._socket.close()

    @property
    def host(self) -> str:
        """Base URL to give the SDK as `host`."""
        assert self._socket is not None
        host, port = self._socket.getsockname()[:2]
        return f"http://{host}:{port}"

    @property
    def connections(self) -> int:
        """How many connections were accepted (each one a request that got no answer)."""
        return len(self._connections)


def refused_host() -> str:
    """A loopback URL where nothing listens: every connection is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
