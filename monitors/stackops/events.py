"""What a preview or an update did to each resource, read from the engine's event stream.

The engine reports every step (`resourcePreEvent`, then `resOutputsEvent` or
`resOpFailedEvent`) with its op and URN; a replace shows up as several steps for one URN
(`delete-replaced`, `replace`, `create-replacement`). Grouping them by URN gives the one
decision per resource that the stack operations check and report. The events do not say why a
monitor is replaced (a `replacement_trigger` replace carries no keys): see `stackops.reasons`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from pulumi.automation import EngineEvent

from monitors.naming import monitor_table

REPLACE_OPS = frozenset({"replace", "create-replacement", "delete-replaced", "import-replacement"})
DELETE_OPS = frozenset({"delete"})
QUIET_OPS = frozenset({"same", "read", "refresh"})


@dataclass
class ResourceChange:
    """All steps the engine planned or ran for one URN, and how they ended."""

    urn: str
    planned: list[str] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """One word for the change: replace, delete, create, update, import or same."""
        ops = set(self.planned)
        if ops & REPLACE_OPS:
            return "replace"
        for op in ("delete", "create", "update", "import"):
            if op in ops:
                return op
        return "same"

    @property
    def destructive(self) -> bool:
        """True if the step deletes the cloud object (a replace deletes first, for monitors)."""
        return self.kind in ("replace", "delete")


class EventLog:
    """An `on_event` callback that keeps every engine event (called from the CLI's event thread)."""

    def __init__(self, progress: Callable[[str], None] | None = None) -> None:
        self._lock = threading.Lock()
        self.events: list[EngineEvent] = []
        self._progress = progress

    def __call__(self, event: EngineEvent) -> None:
        with self._lock:
            self.events.append(event)
        if self._progress is not None:
            line = _progress_line(event)
            if line is not None:
                self._progress(line)

    def changes(self) -> dict[str, ResourceChange]:
        """The steps grouped by URN, in the order the engine first mentioned each resource."""
        with self._lock:
            return changes_by_urn(list(self.events))

    def errors(self) -> list[str]:
        """Error diagnostics of the run, with the URN they concern when there is one."""
        with self._lock:
            found = [e.diagnostic_event for e in self.events if e.diagnostic_event]
        return [
            f"{d.urn}: {d.message.strip()}" if d.urn else d.message.strip()
            for d in found
            if d.severity == "error"
        ]


def _progress_line(event: EngineEvent) -> str | None:
    """One line when a resource's step ends (`monitor dim_host: delete-replaced done`); steps
    that change nothing say nothing."""
    if event.res_outputs_event and event.res_outputs_event.metadata.op.value not in QUIET_OPS:
        meta = event.res_outputs_event.metadata
        return f"{describe(meta.urn)}: {meta.op.value} done"
    if event.res_op_failed_event:
        meta = event.res_op_failed_event.metadata
        return f"{describe(meta.urn)}: {meta.op.value} failed"
    return None


def _change(found: dict[str, ResourceChange], urn: str) -> ResourceChange:
    return found.setdefault(urn, ResourceChange(urn))


def changes_by_urn(events: list[EngineEvent]) -> dict[str, ResourceChange]:
    """Fold step and diagnostic events into one ResourceChange per URN."""
    found: dict[str, ResourceChange] = {}
    for event in events:
        if event.resource_pre_event:
            meta = event.resource_pre_event.metadata
            change = _change(found, meta.urn)
            change.planned.append(meta.op.value)
            change.keys += [k for k in meta.keys or [] if k not in change.keys]
            change.diffs += [k for k in meta.diffs or [] if k not in change.diffs]
        elif event.res_outputs_event:
            meta = event.res_outputs_event.metadata
            _change(found, meta.urn).completed.append(meta.op.value)
        elif event.res_op_failed_event:
            meta = event.res_op_failed_event.metadata
            _change(found, meta.urn).failed.append(meta.op.value)
        elif event.diagnostic_event and event.diagnostic_event.urn:
            diag, urn = event.diagnostic_event, event.diagnostic_event.urn
            if diag.severity == "error":
                _change(found, urn).errors.append(diag.message.strip())
    return found


def describe(urn: str) -> str:
    """A short label for a resource in messages: `monitor <table>` or its URN."""
    table = monitor_table(urn)
    return f"monitor {table}" if table else urn
