"""Verify deployed alerts: each exists, is what its declaration says, and what it says right now.

Per declared alert of the stack (`monitors.desired.alerts`, the inputs the program sends, with
the metric tables each monitor reports):

- exists: found by its display name among the workspace's alerts (`GET /api/2.0/alerts`; a
  display name holds the stack, table and alert, so no Pulumi state is needed). A copy renamed
  "... (1)" (terraform-provider-databricks issue 4867) and alerts of this stack that are no
  longer declared are reported as warnings, to trash by hand.
- definition: the deployed alert (`GET /api/2.0/alerts/{id}`) equals the declaration in every
  field the program sends; a difference means an edit in the UI or a change not deployed yet.
- query: every column the query reads (the metric, the filters' grouping columns) exists in its
  metric table as the workspace holds it (`GET /api/2.1/unity-catalog/tables/{name}`); then the
  deployed query runs once on the stack's alert warehouse (SQL statement execution:
  `POST /api/2.0/sql/statements`, polled with `GET .../{id}` and cancelled at the time budget).
- would fire now: its answer compared as the alert compares it (the deployed evaluation's
  source column, operator and threshold), with the metric's latest value. Firing is a warning,
  not a failure: verify checks the deployment, and the data is what the alert is for.

The monitors' metric tables are read and the alerts checked `workers` at a time, behind the
gate the monitors' checks share (`monitors.workspace.pool`); the report keeps the declared order.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound
from databricks.sdk.service.sql import AlertV2, StatementResponse, StatementState

from monitors.declared.project import Project
from monitors.desired.alert_sql import EVALUATED_COLUMN, AlertQuery, read_columns
from monitors.desired.alerts import AlertRequest, MetricTables, alert_requests
from monitors.errors import WorkspaceUnreachableError
from monitors.naming import API_DATA_QUALITY, parse_alert_display_name, short_stack
from monitors.workspace import dq
from monitors.workspace import legacy as workspace
from monitors.workspace.alerts_report import ALERT_CHECKS, AlertReport, AlertsReport, Evaluation
from monitors.workspace.check_results import (
    CheckResult,
    CheckStatus,
    UnreadableAnswer,
    raise_if_unreachable,
)
from monitors.workspace.client import Deadline, describe_error
from monitors.workspace.identifiers import object_id, table_name
from monitors.workspace.pool import ThrottleGate, run_bounded, share_throttling
from monitors.workspace.statements import run_statement, statement_state

STATEMENT_BUDGET_S = 60.0  # per alert; a stopped warehouse may take longer to start
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "GREATER_THAN": lambda a, b: a > b,
    "GREATER_THAN_OR_EQUAL": lambda a, b: a >= b,
    "LESS_THAN": lambda a, b: a < b,
    "LESS_THAN_OR_EQUAL": lambda a, b: a <= b,
    "EQUAL": lambda a, b: a == b,
    "NOT_EQUAL": lambda a, b: a != b,
}


# ---- thin SDK calls --------------------------------------------------------------------------


def list_alerts(client: WorkspaceClient) -> list[AlertV2]:
    """Every alert the caller can see (the SDK follows the pages); trashed ones are not listed."""
    return list(client.alerts_v2.list_alerts())


def get_alert(client: WorkspaceClient, alert_id: str) -> AlertV2 | None:
    """One alert as the API answers it, or None when it does not exist."""
    try:
        return client.alerts_v2.get_alert(id=object_id(alert_id, "alert id"))
    except NotFound:
        return None


# ---- what to expect ----------------------------------------------------------------------------


def reported_metric_tables(
    client: WorkspaceClient, project: Project, tables: Sequence[str], workers: int = 1
) -> dict[str, MetricTables]:
    """The metric tables each monitor reports (as the program reads them from its record),
    `workers` monitors read at once, through the API the stack deploys with."""
    data_quality = project.settings.api == API_DATA_QUALITY

    def read(table: str) -> MetricTables | None:
        full_name = project.settings.full_table_name(table)
        try:
            if data_quality:
                monitor = dq.get_monitor_info(client, full_name)
            else:
                monitor = workspace.get_monitor(client, full_name)
        except Exception as err:  # unreadable or unsafe: the documented names are expected
            raise_if_unreachable(err)
            return None
        if monitor and monitor.profile_metrics_table_name and monitor.drift_metrics_table_name:
            return MetricTables(
                table_name(monitor.profile_metrics_table_name),
                table_name(monitor.drift_metrics_table_name),
            )
        return None

    answers = run_bounded(list(tables), read, workers)
    return {t: found for t, found in zip(tables, answers, strict=True) if found is not None}


class MetricColumns:
    """The columns of the metric tables the alerts read, each table asked once per run (by
    the first worker that needs it; the others wait for its answer)."""

    def __init__(self, client: WorkspaceClient) -> None:
        self._client = client
        self._read: dict[str, list[str] | Exception | None] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def _columns(self, table: str) -> list[str] | Exception | None:
        with self._lock:
            table_lock = self._locks.setdefault(table, threading.Lock())
        with table_lock:
            if table not in self._read:
                try:
                    self._read[table] = workspace.get_table_column_names(self._client, table)
                except Exception as err:
                    raise_if_unreachable(err)
                    self._read[table] = err
            return self._read[table]

    def problem(self, query: AlertQuery) -> str | None:
        """Why the query cannot run on its metric table as the workspace holds it: the table is
        missing, or a column the query reads is. None when all are there, or when the table
        could not be read (the warehouse then has the last word)."""
        table = query.metric_table
        columns = self._columns(table)
        if isinstance(columns, Exception):
            return None
        if columns is None:
            return (
                f"not run: its metric table {table} does not exist (has the monitor finished "
                "its first refresh?)"
            )
        held = {column.lower() for column in columns if isinstance(column, str)}
        missing = [column for column in read_columns(query) if column.lower() not in held]
        if missing:
            return f"not run: it reads column(s) {', '.join(missing)}, which {table} does not have"
        return None


# ---- the checks --------------------------------------------------------------------------------


def _deployed_fields(deployed: AlertV2) -> dict[str, Any]:
    """The deployed alert in the form the program sends (snake_case, no output-only fields)."""
    answer = deployed.as_dict()
    evaluation = dict(answer.get("evaluation", {}))
    evaluation.pop("state", None)
    evaluation.pop("last_evaluated_at", None)
    answer["evaluation"] = evaluation
    return answer


def _differences(
    expected: Mapping[str, Any], deployed: Mapping[str, Any], prefix: str = ""
) -> list[str]:
    """Dotted paths of the expected fields the deployed alert does not have as declared.

    Destination subscriptions are named in declarations and stored as ids, so they are
    compared by count (the program resolves the names at deploy)."""
    found: list[str] = []
    for key, want in expected.items():
        path = f"{prefix}{key}"
        have = deployed.get(key)
        if isinstance(want, Mapping) and isinstance(have, Mapping):
            found += _differences(want, have, f"{path}.")
        elif key == "subscriptions" and isinstance(have, list) and isinstance(want, list):
            held = [
                s.get("user_email") for s in have if isinstance(s, Mapping) and "user_email" in s
            ]
            wanted = sorted(s["user_email"] for s in want if "user_email" in s)
            texts = [e for e in held if isinstance(e, str)]
            if len(texts) != len(held) or sorted(texts) != wanted:
                found.append(path)  # an address that is not text is no declared one
        elif want != have:
            found.append(path)
    return found


# The columns every alert query answers (`monitors.desired.alert_sql.alert_query`).
ANSWER_COLUMNS = (EVALUATED_COLUMN, "latest_value", "latest_window_start", "windows_read")


def _number(name: str, text: str | None) -> float | None:
    """A JSON_ARRAY value as a number (NULL and NaN as None); UnreadableAnswer otherwise."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise UnreadableAnswer(f"{name} is {text!r}, not a number") from None
    return None if math.isnan(value) else value


def answer_row(response: StatementResponse) -> dict[str, str | None]:
    """The first row of a JSON_ARRAY answer by column name, checked against its schema and the
    columns our queries answer; UnreadableAnswer saying what is wrong otherwise (the SDK reads
    `data_array` as it comes: any JSON at all)."""
    schema = response.manifest.schema if response.manifest else None
    columns = schema.columns if schema else None
    if not columns:
        raise UnreadableAnswer("it names no columns")
    names = [column.name for column in columns]
    if not all(isinstance(name, str) and name for name in names):
        raise UnreadableAnswer("a column of its schema has no name")
    rows: Any = response.result.data_array if response.result else None
    if not rows:
        raise UnreadableAnswer("it holds no row")
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise UnreadableAnswer("its rows are not lists of values")
    row: list[Any] = rows[0]
    if len(row) != len(names):
        raise UnreadableAnswer(
            f"its schema names {len(names)} column(s), its first row holds {len(row)} value(s)"
        )
    if not all(value is None or isinstance(value, str) for value in row):
        raise UnreadableAnswer("a value is neither text nor null")
    missing = [name for name in ANSWER_COLUMNS if name not in names]
    if missing:
        raise UnreadableAnswer(f"it has no column {', '.join(missing)}")
    values = {str(name): value for name, value in zip(names, row, strict=True)}
    for name in (EVALUATED_COLUMN, "latest_value", "windows_read"):
        _number(name, values[name])  # every number readable, before anything is judged
    return values


def _evaluate(deployed: AlertV2, row: Mapping[str, str | None]) -> Evaluation | str:
    """What the alert would decide on this answer (its deployed evaluation, applied here), or
    why that cannot be told."""
    evaluation = deployed.evaluation
    source = evaluation.source.name if evaluation and evaluation.source else EVALUATED_COLUMN
    operator = (
        evaluation.comparison_operator.value
        if evaluation and evaluation.comparison_operator
        else ""
    )
    threshold = (
        evaluation.threshold.value.double_value
        if evaluation and evaluation.threshold and evaluation.threshold.value
        else None
    )
    if source not in row:
        return f"the deployed alert evaluates {source!r}, which its query does not answer"
    try:
        measured = _number(source, row[source])
    except UnreadableAnswer as exc:
        return str(exc)
    if threshold is None or operator not in _OPERATORS or measured is None:
        return f"cannot compare {source}={row[source]!r} {operator or '?'} {threshold!r}"
    return Evaluation(
        would_fire=_OPERATORS[operator](measured, float(threshold)),
        violations=measured,
        required=float(threshold),
        latest_value=_number("latest_value", row["latest_value"]),
        windows_read=int(_number("windows_read", row["windows_read"]) or 0),
        latest_window=row["latest_window_start"],
    )


def verify_alert(
    client: WorkspaceClient,
    request: AlertRequest,
    found: AlertV2 | None,
    warehouse_id: str,
    budget_s: float,
    *,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
    columns: MetricColumns | None = None,
) -> AlertReport:
    """Every check of one alert; `found` is the listed alert with its display name, if any;
    `columns` reads the metric tables' columns (shared by the alerts of one run)."""
    name = request.body["display_name"]
    if found is None or not found.id:
        detail = f"no alert named {name!r}"
        checks = [CheckResult("exists", CheckStatus.FAIL, detail)]
        checks += [CheckResult(n, CheckStatus.SKIP, "no alert") for n, _ in ALERT_CHECKS[1:]]
        return AlertReport(request.key, name, tuple(checks))
    checks = [CheckResult("exists", CheckStatus.PASS, f"{name} (id {found.id})")]
    try:
        deployed = get_alert(client, found.id)
    except Exception as err:
        raise_if_unreachable(err)
        deployed, why = None, f"could not read it: {describe_error(err)}"
    else:
        why = "it was deleted while verify ran"
    if deployed is None:
        checks.append(CheckResult("definition", CheckStatus.FAIL, why))
        checks += [CheckResult(n, CheckStatus.SKIP, "not read") for n, _ in ALERT_CHECKS[2:]]
        return AlertReport(request.key, name, tuple(checks))
    differing = _differences(request.body, _deployed_fields(deployed))
    if differing:
        detail = (
            f"differs from the declaration in {', '.join(differing)}: run `pulumi up` (it also "
            "undoes an edit made in the UI)"
        )
        checks.append(CheckResult("definition", CheckStatus.FAIL, detail))
    else:
        checks.append(CheckResult("definition", CheckStatus.PASS, "as declared"))
    declared_query = request.body["query_text"]
    if deployed.query_text != declared_query:
        # Verify runs only SQL this program wrote: the deployed text is whatever the workspace
        # holds (an edit in the UI can be any statement, `DROP TABLE` included).
        detail = "not run: the deployed query is not the declared one (see definition)"
        checks.append(CheckResult("query", CheckStatus.SKIP, detail))
        checks.append(CheckResult("fires", CheckStatus.SKIP, "query not run"))
        return AlertReport(request.key, name, tuple(checks))
    problem = (columns or MetricColumns(client)).problem(request.query)
    if problem is not None:
        checks.append(CheckResult("query", CheckStatus.FAIL, problem))
        checks.append(CheckResult("fires", CheckStatus.SKIP, "query not run"))
        return AlertReport(request.key, name, tuple(checks))
    row, query = _run_query(
        client, declared_query, warehouse_id, budget_s, sleep=sleep, monotonic=monotonic
    )
    checks.append(query)
    if row is None:
        checks.append(CheckResult("fires", CheckStatus.SKIP, "query did not answer"))
        return AlertReport(request.key, name, tuple(checks))
    judged = _evaluate(deployed, row)
    if isinstance(judged, str):
        checks.append(CheckResult("fires", CheckStatus.FAIL, f"cannot tell: {judged}"))
        return AlertReport(request.key, name, tuple(checks))
    if judged.windows_read == 0:
        detail = "no: no windows yet (no metric rows match; has the monitor refreshed?)"
        checks.append(CheckResult("fires", CheckStatus.WARN, detail))
    else:
        status = CheckStatus.WARN if judged.would_fire else CheckStatus.PASS
        checks.append(CheckResult("fires", status, judged.sentence()))
    return AlertReport(request.key, name, tuple(checks), judged)


def _run_query(
    client: WorkspaceClient,
    statement: str,
    warehouse_id: str,
    budget_s: float,
    *,
    sleep: Callable[[float], None],
    monotonic: Callable[[], float],
) -> tuple[dict[str, str | None] | None, CheckResult]:
    """The `query` check: run the statement once; its answer's row when it can be read."""
    try:
        response = run_statement(
            client, statement, warehouse_id, budget_s, sleep=sleep, monotonic=monotonic
        )
    except Exception as err:
        raise_if_unreachable(err)
        return None, CheckResult(
            "query", CheckStatus.FAIL, f"could not run it: {describe_error(err)}"
        )
    state = statement_state(response)
    if state is not StatementState.SUCCEEDED:
        error = response.status.error.message if response.status and response.status.error else ""
        label = state.value if state else "no state"
        if state in (StatementState.PENDING, StatementState.RUNNING, StatementState.CANCELED):
            label = (
                f"did not finish within {budget_s:g} s (cancelled; a stopped warehouse may "
                "still be starting: run verify again)"
            )
        return None, CheckResult(
            "query", CheckStatus.FAIL, f"{label}{': ' + error if error else ''}"
        )
    ran = f"ran on warehouse {warehouse_id}"
    try:
        row = answer_row(response)
    except UnreadableAnswer as exc:
        return None, CheckResult(
            "query", CheckStatus.FAIL, f"{ran}, but its answer cannot be read: {exc}"
        )
    return row, CheckResult("query", CheckStatus.PASS, ran)


def _strays(
    listed: Sequence[AlertV2], stack: str, requests: Mapping[str, AlertRequest]
) -> tuple[str, ...]:
    """Alerts of this stack that no declared alert accounts for: renamed copies, leftovers."""
    expected = {r.body["display_name"] for r in requests.values()}
    sentences: list[str] = []
    for alert in listed:
        name = alert.display_name if isinstance(alert.display_name, str) else ""
        parsed = parse_alert_display_name(name)
        if parsed is None or parsed.stack != short_stack(stack) or name in expected:
            continue
        key = f"{parsed.table}.{parsed.alert}"
        if parsed.copy is not None:
            why = (
                "a copy the service renamed (terraform-provider-databricks issue 4867): trash it "
                "in the workspace"
            )
        elif key in requests:
            why = "an older version of a declared alert (severity changed?): run `pulumi up`"
        else:
            why = "not declared in this stack: trash it, or declare it again"
        sentences.append(f"{name!r} (id {alert.id}): {why}")
    return tuple(sorted(sentences))


def verify_alerts(
    client: WorkspaceClient,
    project: Project,
    tables: Sequence[str] | None = None,
    deadline: Deadline | None = None,
    *,
    workers: int = 1,
    gate: ThrottleGate | None = None,
    on_checked: Callable[[AlertReport, int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> AlertsReport:
    """Check every alert the stack deploys (of `tables` when given), `workers` at a time behind
    `gate` (one shared back-off on throttling; verify passes the monitors' checks' own). The
    report keeps the declared order; `on_checked(report, total)` hears of each alert as it is
    done (progress). Once the workspace stops answering, or `deadline` passes, the alerts not
    checked yet fail with that reason."""
    alerting = project.settings.alerts
    if alerting is None:
        return AlertsReport(())
    gate = gate or ThrottleGate(deadline)
    if workers > 1:
        share_throttling(client, gate)
    with_alerts = [
        t for t, s in project.monitors.items() if s.alerts and (not tables or t in tables)
    ]
    stop: list[str] = []  # the first reason to stop, shared by every worker
    lock = threading.Lock()
    try:
        reported = reported_metric_tables(client, project, with_alerts, workers)
    except WorkspaceUnreachableError as exc:  # the monitors' report above still stands
        reported = {}
        stop.append(f"not checked: {exc}")
    requests = {
        key: request
        for key, request in alert_requests(project, reported).items()
        if request.table in with_alerts
    }
    listed: list[AlertV2] = []
    if not stop:
        try:
            listed = list_alerts(client)
        except Exception as err:  # an error answer or silence: every alert unchecked, saying why
            stop.append(
                f"not checked: could not list the workspace's alerts: {describe_error(err)}"
            )
    by_name = {
        a.display_name: a
        for a in listed
        if a.lifecycle_state is None or a.lifecycle_state.value == "ACTIVE"
    }
    columns = MetricColumns(client)

    def check(item: tuple[str, AlertRequest]) -> AlertReport:
        key, request = item
        with lock:
            if not stop and deadline is not None and deadline.expired():
                stop.append(f"not checked: verify's time budget of {deadline.seconds:g} s ran out")
            reason = stop[0] if stop else None
        if reason is None:
            budget = STATEMENT_BUDGET_S
            if deadline is not None:
                budget = max(0.0, min(budget, deadline.remaining()))
            try:
                return verify_alert(
                    client,
                    request,
                    by_name.get(request.body["display_name"]),
                    alerting.warehouse_id,
                    budget,
                    sleep=sleep,
                    monotonic=monotonic,
                    columns=columns,
                )
            except WorkspaceUnreachableError as exc:
                with lock:
                    if not stop:
                        stop.append(f"not checked: {exc}")
                        gate.stop()
                    reason = stop[0]
        checks = [CheckResult("exists", CheckStatus.FAIL, reason)]
        checks += [CheckResult(n, CheckStatus.SKIP, "not checked") for n, _ in ALERT_CHECKS[1:]]
        return AlertReport(key, request.body["display_name"], tuple(checks))

    def done(index: int, report: AlertReport) -> None:
        if on_checked is not None:
            on_checked(report, len(requests))

    reports = run_bounded(list(requests.items()), check, workers, on_done=done, gate=gate)
    return AlertsReport(tuple(reports), _strays(listed, project.settings.stack, requests))
