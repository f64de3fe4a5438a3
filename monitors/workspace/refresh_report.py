"""What `refresh` tells, per monitor: what was asked, what is known to have happened, the
refresh's state, and how to go on; as text or JSON, and the exit code it means.

No story is half told: a monitor whose queue or cancel failed says whether anything happened
(`done`, `not done`, `unknown`) and the command that resumes from there.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from monitors.errors import ExitCode
from monitors.workspace.check_results import join_row
from monitors.workspace.refreshes import (
    ACTIVE_STATES,
    SUCCESS,
    RefreshInfo,
)

SCHEMA_VERSION = 1

# Outcomes, per monitor.
QUEUED = "queued"
NOT_QUEUED = "not queued"
CANCEL_REQUESTED = "cancel requested"
NOT_CANCELLED = "not cancelled"
NOTHING_TO_CANCEL = "nothing to cancel"
LISTED = "listed"
NOT_READ = "not read"
UNKNOWN = "unknown"
_FAILED_OUTCOMES = frozenset({NOT_QUEUED, NOT_CANCELLED, NOT_READ, UNKNOWN})


@dataclass
class MonitorResult:
    """One monitor's part of the answer."""

    table: str
    full_table_name: str
    action: str  # queue | cancel | list
    outcome: str
    refreshes: list[RefreshInfo] = field(default_factory=list)
    detail: str = ""
    resume: str = ""
    wait_error: str = ""  # the last error reading the refresh while waiting

    @property
    def latest(self) -> RefreshInfo | None:
        """The refresh this result is about (the queued one, or the newest listed)."""
        return self.refreshes[0] if self.refreshes else None

    @property
    def failed(self) -> bool:
        """True when the action did not happen as asked, or the followed refresh failed."""
        if self.outcome in _FAILED_OUTCOMES:
            return True
        latest = self.latest
        return (
            self.action == "queue"
            and latest is not None
            and latest.ended
            and latest.state != SUCCESS
        )


@dataclass
class RefreshReport:
    """The whole answer of one `refresh` run."""

    stack: str
    action: str
    monitors: list[MonitorResult]
    waited: bool = False
    timeout_s: float | None = None

    @property
    def still_running(self) -> list[MonitorResult]:
        """Queued refreshes that had not ended when the wait ran out."""
        if not self.waited:
            return []
        return [
            m
            for m in self.monitors
            if m.outcome == QUEUED and m.latest is not None and not m.latest.ended
        ]

    @property
    def exit_code(self) -> ExitCode:
        """1 when any monitor failed, 5 when only the wait ran out, else 0."""
        if any(m.failed for m in self.monitors):
            return ExitCode.FAILED
        if self.still_running:
            return ExitCode.TIMED_OUT
        return ExitCode.OK

    def document(self) -> dict[str, Any]:
        """The JSON document (`schema_version` 1)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "stack": self.stack,
            "action": self.action,
            "waited": self.waited,
            "timeout_s": self.timeout_s if self.waited else None,
            "exit_code": int(self.exit_code),
            "monitors": [
                {
                    "table": m.table,
                    "full_table_name": m.full_table_name,
                    "action": m.action,
                    "outcome": m.outcome,
                    "failed": m.failed,
                    "detail": m.detail or None,
                    "resume": m.resume or None,
                    "refreshes": [r.as_json() for r in m.refreshes],
                }
                for m in self.monitors
            ],
        }

    def to_json(self) -> str:
        """The JSON document as text."""
        return json.dumps(self.document(), indent=2) + "\n"

    def render_text(self) -> str:
        """A table of monitors (or, for --list, of refreshes), then details and resumes."""
        if self.action == "list":
            lines = _refresh_rows(self.monitors)
        else:
            header = ["monitor", "outcome", "refresh", "state", "trigger", "duration"]
            rows = [header]
            for m in self.monitors:
                rows.append([m.table, m.outcome, *_cells(m.latest)])
            lines = _table(rows)
        notes = [
            f"  {m.table}: {m.detail}" + (f"\n    to go on: {m.resume}" if m.resume else "")
            for m in self.monitors
            if m.detail or m.resume
        ]
        if notes:
            lines += ["", *notes]
        running = self.still_running
        if running:
            names = ", ".join(m.table for m in running)
            lines += [
                "",
                f"still running after {self.timeout_s:g} s: {names}. They go on in the "
                "workspace; follow them with --list, or wait again with --wait.",
            ]
        return "\n".join(lines) + "\n"


def _cells(info: RefreshInfo | None) -> list[str]:
    if info is None:
        return ["-", "-", "-", "-"]
    duration = info.duration_s
    return [
        str(info.refresh_id) if info.refresh_id is not None else "-",
        info.state or "UNKNOWN",
        info.trigger or "-",
        f"{duration:.0f}s" if duration is not None else ("running" if _active(info) else "-"),
    ]


def _active(info: RefreshInfo) -> bool:
    return info.state in ACTIVE_STATES


def _refresh_rows(monitors: Sequence[MonitorResult]) -> list[str]:
    rows = [["monitor", "refresh", "state", "trigger", "started (UTC)", "duration"]]
    for m in monitors:
        if not m.refreshes:
            rows.append([m.table, "-", "none" if m.outcome == LISTED else m.outcome, "-", "-", "-"])
        for info in m.refreshes:
            ident, state, trigger, duration = _cells(info)
            rows.append([m.table, ident, state, trigger, _started(info), duration])
    return _table(rows)


def _started(info: RefreshInfo) -> str:
    from datetime import UTC, datetime

    if info.start_time_ms is None:
        return "-"
    moment = datetime.fromtimestamp(info.start_time_ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [join_row(rows[0], widths), join_row(["-" * w for w in widths], widths)]
    return lines + [join_row(r, widths) for r in rows[1:]]
