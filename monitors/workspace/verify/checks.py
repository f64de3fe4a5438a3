"""The checks of one deployed monitor against its declaration: one per report column (`CHECKS`).

Each gives a pass, fail, warning or skip mark and why; `verify` runs them for every monitor.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from databricks.sdk import WorkspaceClient
from databricks.sdk.service.catalog import MonitorInfo, MonitorInfoStatus, MonitorRefreshInfoState
from databricks.sdk.service.dataquality import AnomalyDetectionConfig

from monitors.desired.anomaly_alert import UPDATE_REMOVES_RECIPIENTS
from monitors.naming import API_DATA_QUALITY
from monitors.workspace import dq
from monitors.workspace import legacy as workspace
from monitors.workspace.check_results import (
    Checked,
    CheckResult,
    CheckStatus,
    UnreadableAnswer,
    raise_if_unreachable,
)
from monitors.workspace.client import describe_error
from monitors.workspace.expected import ExpectedMonitor

# Check keys in report order, with the column titles render_table() uses.
CHECKS: tuple[tuple[str, str], ...] = (
    ("exists", "exists"),
    ("status", "status"),
    ("dashboard", "dashboard"),
    ("profile_metrics_table", "profile tbl"),
    ("drift_metrics_table", "drift tbl"),
    ("custom_metrics", "metrics"),
    ("latest_refresh", "refresh"),
)
_FAILED_STATUSES = {
    MonitorInfoStatus.MONITOR_STATUS_PENDING: "still initialising (PENDING)",
    MonitorInfoStatus.MONITOR_STATUS_ERROR: "in ERROR",
    MonitorInfoStatus.MONITOR_STATUS_FAILED: "FAILED",
    MonitorInfoStatus.MONITOR_STATUS_DELETE_PENDING: "being deleted (DELETE_PENDING)",
}
# What a PENDING monitor's check advises: the advice must not repeat what the user just did.
PENDING_ADVICE = "try --wait"
PENDING_ADVICE_AFTER_WAIT = "--wait ended first; a longer --timeout may see it ACTIVE"
_OK_REFRESH_STATES = {
    MonitorRefreshInfoState.SUCCESS,
    MonitorRefreshInfoState.PENDING,
    MonitorRefreshInfoState.RUNNING,
}
_FAILED_REFRESH_STATES = {MonitorRefreshInfoState.FAILED, MonitorRefreshInfoState.CANCELED}


@dataclass(frozen=True)
class MonitorReport(Checked):
    """Every check of one declared monitor."""

    table: str
    full_table_name: str
    checks: tuple[CheckResult, ...]


def verify_monitor(
    client: WorkspaceClient, expected: ExpectedMonitor, *, waited: bool = False
) -> MonitorReport:
    """Run every check for one monitor; an error fails the check that hit it (`waited`: the
    checks run after `--wait`).

    Raises WorkspaceUnreachableError when the workspace stops answering.
    """
    if expected.object_type == dq.OBJECT_SCHEMA:
        return verify_schema_monitor(client, expected)
    checks: list[CheckResult] = []
    uuid: str | None = None  # the table's id (data quality): looked up once for all checks
    try:
        if expected.api == API_DATA_QUALITY:
            uuid = dq.table_id(client, expected.full_table_name)
            monitor = None if uuid is None else get_monitor(client, expected, uuid)
        else:
            monitor = get_monitor(client, expected)
    except Exception as err:
        raise_if_unreachable(err)
        monitor = None
        detail = f"could not read monitor: {describe_error(err)}"
        checks.append(CheckResult("exists", CheckStatus.FAIL, detail))
        checks += [CheckResult(name, CheckStatus.SKIP, "not checked") for name, _ in CHECKS[1:]]
        return MonitorReport(expected.table, expected.full_table_name, tuple(checks))
    if monitor is None:
        detail = f"no monitor on {expected.full_table_name}"
        checks.append(CheckResult("exists", CheckStatus.FAIL, detail))
        checks += [CheckResult(name, CheckStatus.SKIP, "no monitor") for name, _ in CHECKS[1:]]
    else:
        checks.append(CheckResult("exists", CheckStatus.PASS, expected.full_table_name))
        checks.append(_guarded("status", lambda: _check_status(monitor, waited)))
        checks.append(_guarded("dashboard", lambda: _check_dashboard(client, monitor, expected)))
        checks += _check_metric_tables(client, monitor, expected)
        refresh = functools.partial(_check_refresh, client, expected, uuid)
        checks.append(_guarded("latest_refresh", refresh))
    return MonitorReport(expected.table, expected.full_table_name, tuple(checks))


def get_monitor(
    client: WorkspaceClient, expected: ExpectedMonitor, uuid: str | None = None
) -> MonitorInfo | None:
    """The table's monitor through the stack's backend, in the legacy SDK's shape (`uuid`: the
    table's id on the data quality backend, when known)."""
    if expected.api == API_DATA_QUALITY:
        return dq.get_monitor_info(client, expected.full_table_name, uuid)
    return workspace.get_monitor(client, expected.full_table_name)


def verify_schema_monitor(client: WorkspaceClient, expected: ExpectedMonitor) -> MonitorReport:
    """The anomaly detection monitor of a schema: it exists (`exists`), and the exclusions the
    service holds are the declared ones (`status`; a difference is a warning, the next
    `pulumi up` sets them), with a warning when its schema alert has recipients, which any
    update removes. Its other columns do not apply to a schema monitor."""
    checks: list[CheckResult] = []
    try:
        monitor = dq.get_schema_monitor(client, expected.full_table_name)
    except Exception as err:
        raise_if_unreachable(err)
        detail = f"could not read the schema monitor: {describe_error(err)}"
        checks.append(CheckResult("exists", CheckStatus.FAIL, detail))
        monitor = None
    else:
        if monitor is None or monitor.anomaly_detection_config is None:
            detail = f"no anomaly detection monitor on schema {expected.full_table_name}"
            checks.append(CheckResult("exists", CheckStatus.FAIL, detail))
            monitor = None
        else:
            detail = f"anomaly detection on {expected.full_table_name}"
            checks.append(CheckResult("exists", CheckStatus.PASS, detail))
    if monitor is not None and monitor.anomaly_detection_config is not None:
        config = monitor.anomaly_detection_config
        checks.append(_guarded("status", lambda: _check_schema_monitor(client, config, expected)))
    done = {c.name for c in checks}
    checks += [
        CheckResult(name, CheckStatus.SKIP, "schema monitor")
        for name, _ in CHECKS
        if name not in done
    ]
    return MonitorReport(expected.table, expected.full_table_name, tuple(checks))


def _check_schema_monitor(
    client: WorkspaceClient, config: AnomalyDetectionConfig, expected: ExpectedMonitor
) -> CheckResult:
    """The exclusions (`_check_exclusions`), then the schema alert: recipients set outside
    Pulumi are a warning, since any update of the monitor removes them (`anomaly_alert`)."""
    exclusions = _check_exclusions(client, _exclusions(config), expected)
    recipients = _recipients(config)
    if not recipients:
        return exclusions
    detail = (
        f"{exclusions.detail}; its schema alert notifies {recipients} recipient(s): "
        + UPDATE_REMOVES_RECIPIENTS
    )
    status = CheckStatus.WARN if exclusions.status is CheckStatus.PASS else exclusions.status
    return CheckResult("status", status, detail)


def _recipients(config: AnomalyDetectionConfig) -> int:
    """How many recipients the schema alert has (`notification_settings.on_unhealthy_table`);
    UnreadableAnswer when they are not lists (databricks-sdk takes them as they come)."""
    settings = config.notification_settings
    target = settings.on_unhealthy_table if settings is not None else None
    if target is None:
        return 0
    lists: list[object] = [target.destination_ids, target.destination_user_ids]
    lists.append(target.email_addresses)
    if not all(value is None or isinstance(value, list) for value in lists):
        raise UnreadableAnswer("the schema alert's recipients are not lists")
    return sum(len(value) for value in lists if isinstance(value, list))


def _exclusions(config: AnomalyDetectionConfig) -> tuple[str, ...]:
    """The tables the service excludes; UnreadableAnswer when the answer holds no list of
    names (databricks-sdk takes the field as it comes)."""
    held: object = config.excluded_table_full_names
    if held is None:
        return ()
    if not isinstance(held, list) or not all(isinstance(name, str) for name in held):
        raise UnreadableAnswer("the service's excluded tables are not a list of table names")
    return tuple(held)


def _check_exclusions(
    client: WorkspaceClient, held: tuple[str, ...], expected: ExpectedMonitor
) -> CheckResult:
    """The service excludes the declared tables, each a table of the schema; else a warning
    (the next `pulumi up` sets the exclusions; a table that does not exist excludes nothing)."""
    if sorted(held) != sorted(expected.excluded_tables):
        detail = (
            f"the service excludes {list(held)}, the stack declares "
            f"{list(expected.excluded_tables)}; run `pulumi up`"
        )
        return CheckResult("status", CheckStatus.WARN, detail)
    missing = [name for name in held if dq.table_id(client, name) is None]
    if missing:
        detail = f"excluded table(s) not in {expected.full_table_name}: {', '.join(missing)}"
        return CheckResult("status", CheckStatus.WARN, detail)
    note = f"excludes {len(held)} table(s)" if held else "no table excluded"
    return CheckResult("status", CheckStatus.PASS, note)


def _guarded(name: str, check: Callable[[], CheckResult]) -> CheckResult:
    """The check's result, or a FAIL saying why it could not be made (an error answer, a
    malformed one, an unsafe name); WorkspaceUnreachableError when nothing answers."""
    try:
        return check()
    except Exception as err:
        raise_if_unreachable(err)
        return CheckResult(name, CheckStatus.FAIL, f"could not check: {describe_error(err)}")


def _check_status(monitor: MonitorInfo, waited: bool = False) -> CheckResult:
    version = monitor.monitor_version
    if monitor.status in _FAILED_STATUSES:
        detail = _FAILED_STATUSES[monitor.status]
        if monitor.status is MonitorInfoStatus.MONITOR_STATUS_PENDING:
            detail += f"; {PENDING_ADVICE_AFTER_WAIT if waited else PENDING_ADVICE}"
        if monitor.latest_monitor_failure_msg:
            detail += f": {monitor.latest_monitor_failure_msg}"
        return CheckResult("status", CheckStatus.FAIL, detail)
    if monitor.status is None:
        # databricks-sdk reads a status it does not know as None (`_internal._enum`).
        detail = (
            "no status this program can read (none given, or a value newer than databricks-sdk "
            "knows): check the monitor's page"
        )
        return CheckResult("status", CheckStatus.FAIL, detail)
    if monitor.status is not MonitorInfoStatus.MONITOR_STATUS_ACTIVE:
        detail = f"unexpected status {monitor.status.value}"
        return CheckResult("status", CheckStatus.FAIL, detail)
    if version is not None and int(version) < 0:
        detail = f"ACTIVE but monitor_version {version}: possibly corrupted; consider a reset"
        return CheckResult("status", CheckStatus.FAIL, detail)
    return CheckResult("status", CheckStatus.PASS, f"ACTIVE, version {version}")


def _check_dashboard(
    client: WorkspaceClient, monitor: MonitorInfo, expected: ExpectedMonitor
) -> CheckResult:
    if not expected.expects_dashboard:
        return CheckResult("dashboard", CheckStatus.SKIP, "skipped by declaration")
    if not monitor.dashboard_id:
        return CheckResult("dashboard", CheckStatus.FAIL, "monitor has no dashboard_id")
    if not workspace.dashboard_exists(client, monitor.dashboard_id):
        detail = f"dashboard {monitor.dashboard_id} is missing or in the trash"
        return CheckResult("dashboard", CheckStatus.FAIL, detail)
    return CheckResult("dashboard", CheckStatus.PASS, monitor.dashboard_id)


def _check_metric_tables(
    client: WorkspaceClient, monitor: MonitorInfo, expected: ExpectedMonitor
) -> list[CheckResult]:
    """Profile table, drift table (when expected) and the custom metric columns in them."""
    missing_metrics: list[str] = []
    notes: list[str] = []
    results: list[CheckResult] = []
    tables = (
        ("profile_metrics_table", monitor.profile_metrics_table_name, True),
        ("drift_metrics_table", monitor.drift_metrics_table_name, expected.expects_drift_table),
    )
    metric_names = {
        "profile_metrics_table": expected.custom_metric_names,
        "drift_metrics_table": expected.custom_drift_metric_names,
    }
    for key, table_name, wanted in tables:
        names = metric_names[key]
        if not wanted and not names:
            results.append(CheckResult(key, CheckStatus.SKIP, "not configured"))
            continue
        if not table_name:
            results.append(CheckResult(key, CheckStatus.FAIL, "monitor names no such table"))
            notes.append(f"{key.replace('_', ' ')} unknown")
            continue
        try:
            columns = workspace.get_table_column_names(client, table_name)
        except Exception as err:
            raise_if_unreachable(err)
            detail = f"could not read {table_name}: {describe_error(err)}"
            results.append(CheckResult(key, CheckStatus.FAIL, detail))
            notes.append(f"{table_name} unreadable")
            continue
        if columns is None:
            results.append(CheckResult(key, CheckStatus.FAIL, f"{table_name} does not exist"))
            if names:
                notes.append(f"{table_name} missing")
            continue
        results.append(CheckResult(key, CheckStatus.PASS, table_name))
        missing_metrics += [f"{n} (in {table_name})" for n in names if n not in set(columns)]
    declared = len(expected.custom_metric_names) + len(expected.custom_drift_metric_names)
    if missing_metrics:
        detail = "missing column(s): " + ", ".join(missing_metrics)
        results.append(CheckResult("custom_metrics", CheckStatus.FAIL, detail))
    elif notes:
        results.append(CheckResult("custom_metrics", CheckStatus.SKIP, "; ".join(notes)))
    elif declared == 0:
        results.append(CheckResult("custom_metrics", CheckStatus.SKIP, "none declared"))
    else:
        detail = f"all {declared} present"
        results.append(CheckResult("custom_metrics", CheckStatus.PASS, detail))
    return results


def _check_refresh(
    client: WorkspaceClient, expected: ExpectedMonitor, uuid: str | None = None
) -> CheckResult:
    if expected.api == API_DATA_QUALITY:
        refresh = dq.latest_refresh_info(client, expected.full_table_name, uuid)
    else:
        refresh = workspace.latest_refresh(client, expected.full_table_name)
    if refresh is None:
        return CheckResult("latest_refresh", CheckStatus.WARN, "no refresh has run yet")
    state = refresh.state
    label = state.value if state else "no state"
    detail = f"refresh {refresh.refresh_id}: {label}"
    if refresh.message:
        detail += f" ({refresh.message})"
    if state in _FAILED_REFRESH_STATES:
        return CheckResult("latest_refresh", CheckStatus.FAIL, detail)
    if state in _OK_REFRESH_STATES:
        return CheckResult("latest_refresh", CheckStatus.PASS, detail)
    return CheckResult("latest_refresh", CheckStatus.WARN, detail)
