"""Verify deployed monitors against their declarations: the seed's manual checklist, automated.

Independent of how declarations are loaded: callers pass `ExpectedMonitor`s. Every check gives a
pass, fail, warning or skip mark; any fail makes the report (and `run_verify`'s exit code) fail.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from databricks.sdk import WorkspaceClient
from databricks.sdk.service.catalog import MonitorInfo, MonitorInfoStatus, MonitorRefreshInfoState

from monitors.errors import WorkspaceUnreachableError
from monitors.naming import API_DATA_QUALITY
from monitors.workspace import api as workspace
from monitors.workspace import dq
from monitors.workspace.check_results import (
    MARKS,
    Checked,
    CheckResult,
    CheckStatus,
    join_row,
    raise_if_unreachable,
)
from monitors.workspace.client import Deadline, describe_error, is_unreachable
from monitors.workspace.expected import ExpectedMonitor

REPORT_SCHEMA_VERSION = 1
DEFAULT_POLL_S = 15.0


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
    MonitorInfoStatus.MONITOR_STATUS_PENDING: "still initialising (PENDING); try --wait",
    MonitorInfoStatus.MONITOR_STATUS_ERROR: "in ERROR",
    MonitorInfoStatus.MONITOR_STATUS_FAILED: "FAILED",
    MonitorInfoStatus.MONITOR_STATUS_DELETE_PENDING: "being deleted (DELETE_PENDING)",
}
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


@dataclass(frozen=True)
class VerifyReport:
    """The verify result for every declared monitor."""

    monitors: tuple[MonitorReport, ...]

    @property
    def ok(self) -> bool:
        """True when every monitor passes."""
        return all(m.ok for m in self.monitors)

    def to_json(self) -> str:
        """A stable JSON document: schema version, overall ok, per monitor every check."""
        doc: dict[str, Any] = {
            "schema_version": REPORT_SCHEMA_VERSION,
            "ok": self.ok,
            "monitors": [
                {
                    "table": m.table,
                    "full_table_name": m.full_table_name,
                    "ok": m.ok,
                    "checks": {
                        c.name: {"status": c.status.value, "detail": c.detail} for c in m.checks
                    },
                }
                for m in self.monitors
            ],
        }
        return json.dumps(doc, indent=2)

    def render_table(self) -> str:
        """One text table, a row per monitor and a mark per check, then what failed and why."""
        header = ["monitor", *(title for _, title in CHECKS)]
        rows = [[m.table, *(MARKS[c.status] for c in m.checks)] for m in self.monitors]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        lines = [join_row(header, widths), join_row(["-" * w for w in widths], widths)]
        lines += [join_row(row, widths) for row in rows]
        for title, status in (("Failures", CheckStatus.FAIL), ("Warnings", CheckStatus.WARN)):
            found = [(m, c) for m in self.monitors for c in m.checks if c.status is status]
            if found:
                lines += ["", f"{title}:"]
                lines += [f"  {m.table} / {_title(c.name)}: {c.detail}" for m, c in found]
        passed = sum(m.ok for m in self.monitors)
        lines += ["", f"{passed} of {len(self.monitors)} monitors pass."]
        return "\n".join(lines) + "\n"


def _title(name: str) -> str:
    return dict(CHECKS)[name]


def verify_monitors(
    client: WorkspaceClient,
    expected: Sequence[ExpectedMonitor],
    deadline: Deadline | None = None,
) -> VerifyReport:
    """Run every check for every expected monitor against the workspace.

    Once the workspace stops answering, or `deadline` passes, the monitors not checked yet fail
    with that reason instead of each waiting out its own timeouts.
    """
    reports: list[MonitorReport] = []
    stop: str | None = None
    for e in expected:
        if stop is None and deadline is not None and deadline.expired():
            stop = f"not checked: verify's time budget of {deadline.seconds:g} s ran out"
        if stop is None:
            try:
                reports.append(verify_monitor(client, e))
                continue
            except WorkspaceUnreachableError as exc:
                stop = f"not checked: {exc}"
        reports.append(_not_checked(e, stop))
    return VerifyReport(tuple(reports))


def _not_checked(expected: ExpectedMonitor, reason: str) -> MonitorReport:
    checks = [CheckResult("exists", CheckStatus.FAIL, reason)]
    checks += [CheckResult(name, CheckStatus.SKIP, "not checked") for name, _ in CHECKS[1:]]
    return MonitorReport(expected.table, expected.full_table_name, tuple(checks))


def verify_monitor(client: WorkspaceClient, expected: ExpectedMonitor) -> MonitorReport:
    """Run every check for one monitor; an error fails the check that hit it.

    Raises WorkspaceUnreachableError when the workspace stops answering.
    """
    if expected.object_type == dq.OBJECT_SCHEMA:
        return verify_schema_monitor(client, expected)
    checks: list[CheckResult] = []
    try:
        monitor = _get_monitor(client, expected)
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
        checks.append(_guarded("status", lambda: _check_status(monitor)))
        checks.append(_guarded("dashboard", lambda: _check_dashboard(client, monitor, expected)))
        checks += _check_metric_tables(client, monitor, expected)
        checks.append(_guarded("latest_refresh", lambda: _check_refresh(client, expected)))
    return MonitorReport(expected.table, expected.full_table_name, tuple(checks))


def _get_monitor(client: WorkspaceClient, expected: ExpectedMonitor) -> MonitorInfo | None:
    """The table's monitor through the stack's backend, in the legacy SDK's shape."""
    if expected.api == API_DATA_QUALITY:
        return dq.get_monitor_info(client, expected.full_table_name)
    return workspace.get_monitor(client, expected.full_table_name)


def verify_schema_monitor(client: WorkspaceClient, expected: ExpectedMonitor) -> MonitorReport:
    """The anomaly detection monitor of a schema: it exists (`exists`), and the exclusions the
    service holds are the declared ones (`status`; a difference is a warning, the next
    `pulumi up` sets them). Its other columns do not apply to a schema monitor."""
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
        held = tuple(monitor.anomaly_detection_config.excluded_table_full_names or ())
        checks.append(_guarded("status", lambda: _check_exclusions(client, held, expected)))
    done = {c.name for c in checks}
    checks += [
        CheckResult(name, CheckStatus.SKIP, "schema monitor")
        for name, _ in CHECKS
        if name not in done
    ]
    return MonitorReport(expected.table, expected.full_table_name, tuple(checks))


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


def _check_status(monitor: MonitorInfo) -> CheckResult:
    version = monitor.monitor_version
    if monitor.status in _FAILED_STATUSES:
        detail = _FAILED_STATUSES[monitor.status]
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


def _check_refresh(client: WorkspaceClient, expected: ExpectedMonitor) -> CheckResult:
    if expected.api == API_DATA_QUALITY:
        refresh = dq.latest_refresh_info(client, expected.full_table_name)
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


@dataclass(frozen=True)
class WaitProgress:
    """A snapshot of `wait_until_active`, given to its progress callback after every poll."""

    elapsed_s: float
    pending: tuple[str, ...]  # short table names still PENDING (or not readable this poll)
    total: int
    errors: tuple[str, ...] = ()  # "table: why it could not be read" for this poll

    def line(self) -> str:
        """A one-line progress message (plus one line per monitor that could not be read)."""
        if not self.pending:
            return f"all {self.total} monitors initialised ({self.elapsed_s:.0f}s)"
        text = (
            f"waiting for {len(self.pending)} of {self.total} monitors to initialise "
            f"({self.elapsed_s:.0f}s): {', '.join(self.pending)}"
        )
        return "\n".join([text, *(f"  could not read {e}" for e in self.errors)])


def wait_until_active(
    client: WorkspaceClient,
    expected: Sequence[ExpectedMonitor],
    timeout_s: float,
    poll_s: float = DEFAULT_POLL_S,
    on_progress: Callable[[WaitProgress], None] | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> tuple[str, ...]:
    """Poll monitors that are PENDING until they leave PENDING or `timeout_s` passes.

    Only PENDING monitors are waited for: missing or failed ones will not change by waiting. A
    monitor that cannot be read this time (a 500, a malformed answer) stays in the wait and is
    read again next time; WorkspaceUnreachableError when the workspace stops answering.
    Returns the short names still PENDING (or unreadable) at the end (empty when all initialised).
    """
    start = monotonic()
    by_name = {e.table: e for e in expected}
    pending, errors = _poll(client, by_name, tuple(by_name))
    while True:
        elapsed = monotonic() - start
        if on_progress is not None:
            on_progress(WaitProgress(elapsed, pending, len(by_name), errors))
        if not pending or elapsed >= timeout_s:
            return pending
        sleep(min(poll_s, max(0.0, timeout_s - elapsed)))
        pending, errors = _poll(client, by_name, pending)


def _poll(
    client: WorkspaceClient, by_name: dict[str, ExpectedMonitor], names: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Which of `names` are still PENDING, and which could not be read (kept as pending)."""
    pending: list[str] = []
    errors: list[str] = []
    for name in names:
        if by_name[name].object_type == dq.OBJECT_SCHEMA:
            continue  # a schema monitor has no PENDING state to wait for
        try:
            monitor = _get_monitor(client, by_name[name])
        except Exception as err:
            if is_unreachable(err):
                raise WorkspaceUnreachableError(
                    f"the workspace stopped answering while waiting for {name}: "
                    f"{describe_error(err)}"
                ) from None
            pending.append(name)
            errors.append(f"{name}: {describe_error(err)}")
            continue
        if monitor is not None and monitor.status is MonitorInfoStatus.MONITOR_STATUS_PENDING:
            pending.append(name)
    return tuple(pending), tuple(errors)


class ExtraReport(Protocol):
    """Another part of verify's answer (the alerts): pass or fail, as text and as JSON."""

    @property
    def ok(self) -> bool: ...

    def render_table(self) -> str: ...

    def document(self) -> dict[str, Any]: ...


def run_verify(
    client: WorkspaceClient,
    expected: Sequence[ExpectedMonitor],
    *,
    wait: bool,
    timeout_s: float,
    as_json: bool,
    out: TextIO,
    poll_s: float = DEFAULT_POLL_S,
    progress_out: TextIO | None = None,
    deadline: Deadline | None = None,
    alerts: Callable[[], ExtraReport] | None = None,
) -> int:
    """What `python -m monitors verify` does: optionally wait, check, print; 0 if all pass.

    Progress lines go to `progress_out` (default: `out`, or stderr with --json so the JSON on
    `out` stays parseable). The checks stop at `deadline` (see `verify_monitors`). `alerts`
    checks the stack's alerts after the monitors (a table of its own, `alerts` in the JSON).
    """
    if wait:
        stream = progress_out or (sys.stderr if as_json else out)
        # The SDK's retries of a throttled or unavailable poll end with the wait, not after it.
        with deadline.capped(timeout_s) if deadline is not None else contextlib.nullcontext():
            wait_until_active(
                client,
                expected,
                timeout_s,
                poll_s,
                on_progress=lambda p: print(p.line(), file=stream, flush=True),
            )
    report = verify_monitors(client, expected, deadline)
    extra = alerts() if alerts is not None else None
    if extra is None:
        out.write(report.to_json() + "\n" if as_json else report.render_table())
        return 0 if report.ok else 1
    if as_json:
        document = json.loads(report.to_json())
        document["ok"] = report.ok and extra.ok
        document["alerts"] = extra.document()
        out.write(json.dumps(document, indent=2) + "\n")
    else:
        out.write(report.render_table() + "\n" + extra.render_table())
    return 0 if report.ok and extra.ok else 1
