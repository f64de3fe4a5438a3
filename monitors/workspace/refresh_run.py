"""One run of `refresh`: which monitors, the action on each, the wait, and the report.

Each monitor is handled on its own: one that fails (a 5xx, a malformed answer, throttling to the
end of the retry budget) is told as such and the others go on. Once the workspace stops
answering (or the time budget runs out), the monitors not reached yet are told as not done,
with the command that resumes them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from databricks.sdk import WorkspaceClient

from monitors.declared.project import Project
from monitors.errors import UnknownTableError
from monitors.naming import short_stack
from monitors.workspace import refreshes
from monitors.workspace.client import Deadline, is_unreachable
from monitors.workspace.refresh_report import (
    CANCEL_REQUESTED,
    LISTED,
    NOT_CANCELLED,
    NOT_QUEUED,
    NOT_READ,
    NOTHING_TO_CANCEL,
    QUEUED,
    UNKNOWN,
    MonitorResult,
    RefreshReport,
)
from monitors.workspace.refreshes import (
    ACTIVE_STATES,
    LIST_LIMIT,
    Followed,
    QueueOutcome,
    RefreshTarget,
)


def targets_for(project: Project, tables: Sequence[str] | None) -> list[RefreshTarget]:
    """The stack's monitors (or the tables named, each a monitor the stack deploys): their
    full names and the stack's monitor API. UnknownTableError for any other table."""
    unknown = sorted(set(tables or []) - set(project.monitors))
    if unknown:
        raise UnknownTableError(
            f"{', '.join(unknown)}: not a monitor of stack '{project.settings.stack}' (declared "
            f"and enabled there: {', '.join(project.monitors) or 'none'})"
        )
    chosen = [t for t in project.monitors if not tables or t in tables]
    settings = project.settings
    return [RefreshTarget(t, settings.full_table_name(t), settings.api) for t in chosen]


class RefreshRun:
    """Carries out one action on every target and tells what happened to each."""

    def __init__(
        self,
        client: WorkspaceClient,
        *,
        stack: str,
        deadline: Deadline,
        progress: Callable[[str], None] | None = None,
        poll_s: float | None = None,
    ) -> None:
        self.client = client
        self.stack = short_stack(stack)
        self.deadline = deadline
        self.progress = progress
        self.poll_s = refreshes.DEFAULT_POLL_S if poll_s is None else poll_s
        self._stopped: str | None = None  # why the monitors not reached yet are not done
        self._resolved: dict[str, RefreshTarget] = {}  # with the table_id, once looked up

    def command(self, table: str, flag: str = "") -> str:
        """The command that acts on one table again."""
        extra = f" {flag}" if flag else ""
        return f"monitors refresh --stack {self.stack} --table {table}{extra}"

    def run(
        self, action: str, targets: Sequence[RefreshTarget], wait_s: float | None = None
    ) -> RefreshReport:
        """Do `action` (queue, cancel, list) on every target; with `wait_s`, follow the queued
        refreshes until they end or that many seconds pass."""
        handle = {"queue": self._queue, "cancel": self._cancel, "list": self._list}[action]
        results = [self._one(handle, action, target) for target in targets]
        report = RefreshReport(self.stack, action, results)
        if action == "queue" and wait_s is not None:
            self._wait(results, wait_s)
            report.waited, report.timeout_s = True, wait_s
        return report

    def _one(
        self,
        handle: Callable[[RefreshTarget], MonitorResult],
        action: str,
        target: RefreshTarget,
    ) -> MonitorResult:
        if self._stopped is None and self.deadline.expired():
            self._stopped = f"the time budget of {self.deadline.seconds:g} s ran out"
        if self._stopped is not None:
            return self._not_reached(action, target)
        try:
            resolved = refreshes.resolve(self.client, target)
            self._resolved[target.table] = resolved
            return handle(resolved)
        except Exception as err:
            if is_unreachable(err):
                self._stopped = f"the workspace stopped answering ({refreshes.reason(err)})"
            return self._failed(action, target, err)

    def _not_reached(self, action: str, target: RefreshTarget) -> MonitorResult:
        outcome = {"queue": NOT_QUEUED, "cancel": NOT_CANCELLED, "list": NOT_READ}[action]
        flag = {"queue": "", "cancel": "--cancel", "list": "--list"}[action]
        return MonitorResult(
            target.table,
            target.full_table_name,
            action,
            outcome,
            detail=f"not asked: {self._stopped}",
            resume=self.command(target.table, flag),
        )

    def _failed(self, action: str, target: RefreshTarget, err: BaseException) -> MonitorResult:
        """What a failed request means for this monitor, and how to go on from there."""
        why = refreshes.reason(err)
        known = refreshes.outcome_of(err)
        if action == "list":
            return MonitorResult(
                target.table,
                target.full_table_name,
                action,
                NOT_READ,
                detail=f"could not list its refreshes: {why}",
                resume=self.command(target.table, "--list"),
            )
        verb = "queued" if action == "queue" else "cancelled"
        if known is QueueOutcome.NOT_DONE:
            return MonitorResult(
                target.table,
                target.full_table_name,
                action,
                NOT_QUEUED if action == "queue" else NOT_CANCELLED,
                detail=f"not {verb}: {why}",
                resume=self.command(target.table, "" if action == "queue" else "--cancel"),
            )
        return MonitorResult(
            target.table,
            target.full_table_name,
            action,
            UNKNOWN,
            detail=f"it is not known whether it was {verb}: {why}",
            resume=f"look first: {self.command(target.table, '--list')}; then "
            + (
                "queue again if no refresh is PENDING or RUNNING"
                if action == "queue"
                else "cancel again if one is still PENDING or RUNNING"
            ),
        )

    def _queue(self, target: RefreshTarget) -> MonitorResult:
        info = refreshes.queue(self.client, target)
        result = MonitorResult(target.table, target.full_table_name, "queue", QUEUED, [info])
        if info.refresh_id is None:
            result.detail = "queued, but the answer named no refresh id: it cannot be followed"
            result.resume = self.command(target.table, "--list")
        return result

    def _cancel(self, target: RefreshTarget) -> MonitorResult:
        active = [r for r in refreshes.recent(self.client, target) if r.state in ACTIVE_STATES]
        active = [r for r in active if r.refresh_id is not None]
        if not active:
            return MonitorResult(target.table, target.full_table_name, "cancel", NOTHING_TO_CANCEL)
        done: list[refreshes.RefreshInfo] = []
        for info in active:
            assert info.refresh_id is not None
            try:
                refreshes.cancel(self.client, target, info.refresh_id)
            except Exception as err:
                result = self._failed("cancel", target, err)
                result.refreshes = [info, *done]
                if done:
                    ids = ", ".join(str(r.refresh_id) for r in done)
                    result.detail += f" (cancel already requested for refresh {ids})"
                if is_unreachable(err):
                    self._stopped = f"the workspace stopped answering ({refreshes.reason(err)})"
                return result
            done.append(info)
        return MonitorResult(
            target.table,
            target.full_table_name,
            "cancel",
            CANCEL_REQUESTED,
            done,
            detail="the workspace stops them shortly; they then show as CANCELED (--list)",
        )

    def _list(self, target: RefreshTarget) -> MonitorResult:
        found = refreshes.recent(self.client, target)[:LIST_LIMIT]
        return MonitorResult(target.table, target.full_table_name, "list", LISTED, found)

    def _wait(self, results: list[MonitorResult], seconds: float) -> None:
        followed: list[tuple[MonitorResult, Followed]] = []
        for result in results:
            latest = result.latest
            if result.outcome != QUEUED or latest is None or latest.refresh_id is None:
                continue
            target = self._resolved[result.table]
            followed.append((result, Followed(target, latest.refresh_id, latest)))
        if not followed:
            return
        items = [f for _, f in followed]
        progress = self.progress
        try:
            with self.deadline.capped(seconds):
                refreshes.wait(
                    self.client,
                    items,
                    seconds,
                    self.poll_s,
                    on_progress=(lambda p: progress(p.line())) if progress else None,
                    stop_on=is_unreachable,
                )
        except Exception as err:
            why = refreshes.reason(err)
            for result, item in followed:
                if not item.ended:
                    result.detail = (
                        f"queued; the wait stopped: the workspace stopped answering ({why})"
                    )
                    result.resume = self.command(result.table, "--list")
        for result, item in followed:
            if item.info is not None:
                result.refreshes = [item.info]
            if item.error and not item.ended:
                result.detail = f"queued; its last state could not be read: {item.error}"
                result.resume = self.command(result.table, "--list")
            if item.ended and item.info is not None and item.info.state != refreshes.SUCCESS:
                message = f": {item.info.message}" if item.info.message else ""
                result.detail = f"the refresh ended {item.info.state}{message}"
                result.resume = self.command(result.table, "--wait")
