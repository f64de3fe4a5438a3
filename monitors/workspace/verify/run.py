"""Verify deployed monitors against their declarations: the seed's manual checklist, automated.

`run_verify` waits (verify_wait), checks every monitor (verify_checks), then the stack's alerts
(`monitors.workspace.alerts`) through the same pool and throttling gate, and prints the report;
callers pass `ExpectedMonitor`s. Any fail makes the report (and `run_verify`'s exit code) fail.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from databricks.sdk import WorkspaceClient

from monitors.errors import WorkspaceUnreachableError
from monitors.workspace.alerts_report import AlertReport
from monitors.workspace.check_results import MARKS, Checked, CheckResult, CheckStatus, join_row
from monitors.workspace.client import Deadline
from monitors.workspace.expected import ExpectedMonitor
from monitors.workspace.pool import ThrottleGate, run_bounded, share_throttling
from monitors.workspace.verify.checks import CHECKS, MonitorReport, verify_monitor
from monitors.workspace.verify.wait import DEFAULT_POLL_S, wait_until_active

REPORT_SCHEMA_VERSION = 1


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
        rows = [[m.table, *(MARKS[m.check(n).status] for n, _ in CHECKS)] for m in self.monitors]
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


def progress_line(name: str, checked: Checked, done: int, total: int, kind: str = "") -> str:
    """`verify: [done/total] table: ok` (`verify: alerts [...]` for an alert), or the checks
    that failed."""
    failed = [c.name for c in checked.checks if c.status is CheckStatus.FAIL]
    verdict = "ok" if not failed else "FAIL (" + ", ".join(failed) + ")"
    return f"verify: {kind + ' ' if kind else ''}[{done}/{total}] {name}: {verdict}"


def _title(name: str) -> str:
    return dict(CHECKS)[name]


def verify_monitors(
    client: WorkspaceClient,
    expected: Sequence[ExpectedMonitor],
    deadline: Deadline | None = None,
    *,
    workers: int = 1,
    on_checked: Callable[[MonitorReport], None] | None = None,
    waited: bool = False,
    gate: ThrottleGate | None = None,
) -> VerifyReport:
    """Run every check for every expected monitor against the workspace, `workers` monitors
    at a time (`monitors.workspace.pool`: one shared back-off on throttling, `gate` when the
    caller shares it with other checks); the report keeps the declared order. `on_checked`
    hears of each monitor as it is done (progress); `waited`: after `--wait`, so a PENDING
    monitor's advice is not to wait.

    Once the workspace stops answering, or `deadline` passes, the monitors not checked yet fail
    with that reason instead of each waiting out its own timeouts.
    """
    gate = gate or ThrottleGate(deadline)
    if workers > 1:
        share_throttling(client, gate)
    stop: list[str] = []  # the first reason to stop, shared by every worker
    lock = threading.Lock()

    def check(e: ExpectedMonitor) -> MonitorReport:
        with lock:
            if not stop and deadline is not None and deadline.expired():
                stop.append(f"not checked: verify's time budget of {deadline.seconds:g} s ran out")
            reason = stop[0] if stop else None
        if reason is not None:
            return _not_checked(e, reason)
        try:
            return verify_monitor(client, e, waited=waited)
        except WorkspaceUnreachableError as exc:
            with lock:
                if not stop:
                    stop.append(f"not checked: {exc}")
                    gate.stop()
                reason = stop[0]
            return _not_checked(e, reason)

    def done(index: int, report: MonitorReport) -> None:
        if on_checked is not None:
            on_checked(report)

    reports = run_bounded(list(expected), check, workers, on_done=done, gate=gate)
    return VerifyReport(tuple(reports))


def _not_checked(expected: ExpectedMonitor, reason: str) -> MonitorReport:
    checks = [CheckResult("exists", CheckStatus.FAIL, reason)]
    checks += [CheckResult(name, CheckStatus.SKIP, "not checked") for name, _ in CHECKS[1:]]
    return MonitorReport(expected.table, expected.full_table_name, tuple(checks))


class ExtraReport(Protocol):
    """Another part of verify's answer (the alerts): pass or fail, as text and as JSON."""

    @property
    def ok(self) -> bool: ...

    def render_table(self) -> str: ...

    def document(self) -> dict[str, Any]: ...


class AlertChecks(Protocol):
    """The stack's alert checks (`monitors.workspace.alerts.verify_alerts`), run as the
    monitors' were: `workers` at a time behind `gate`, `on_checked(report, total)` for each
    alert as it is done (progress)."""

    def __call__(
        self,
        workers: int,
        gate: ThrottleGate,
        on_checked: Callable[[AlertReport, int], None] | None,
    ) -> ExtraReport: ...


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
    alerts: AlertChecks | None = None,
    workers: int = 1,
    check_progress: TextIO | None = None,
) -> int:
    """What `monitors verify` does: optionally wait, check, print; 0 if all pass.

    Progress lines go to `progress_out` (default: `out`, or stderr with --json so the JSON on
    `out` stays parseable). The checks stop at `deadline` (see `verify_monitors`). `alerts`
    checks the stack's alerts after the monitors (a table of its own, `alerts` in the JSON).
    The monitors, then the alerts, are checked `workers` at a time behind one throttling gate;
    with `check_progress` (a terminal), one line per monitor and per alert as it is done, in
    the order they finish (the report keeps the declared order).
    """
    if wait:
        if workers > 1:
            share_throttling(client, ThrottleGate(deadline))
        stream = progress_out or (sys.stderr if as_json else out)
        # The SDK's retries of a throttled or unavailable poll end with the wait, not after it.
        with deadline.capped(timeout_s) if deadline is not None else contextlib.nullcontext():
            wait_until_active(
                client,
                expected,
                timeout_s,
                poll_s,
                on_progress=lambda p: print(p.line(), file=stream, flush=True),
                workers=workers,
            )
    on_checked = on_alert = None
    if check_progress is not None:
        stream, counter, alert_counter = check_progress, itertools.count(1), itertools.count(1)

        def on_checked(report: MonitorReport) -> None:
            line = progress_line(report.table, report, next(counter), len(expected))
            print(line, file=stream, flush=True)

        def on_alert(report: AlertReport, total: int) -> None:
            line = progress_line(report.key, report, next(alert_counter), total, "alerts")
            print(line, file=stream, flush=True)

    gate = ThrottleGate(deadline)
    report = verify_monitors(
        client, expected, deadline, workers=workers, on_checked=on_checked, waited=wait, gate=gate
    )
    extra = alerts(workers, gate, on_alert) if alerts is not None else None
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
