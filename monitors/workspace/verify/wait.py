"""`verify --wait`: poll new monitors until they leave PENDING, with a progress line per poll.

Apart from the checks: it reads only each monitor's status, until all are done or time is up.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from databricks.sdk import WorkspaceClient
from databricks.sdk.service.catalog import MonitorInfoStatus

from monitors.errors import WorkspaceUnreachableError
from monitors.workspace import dq
from monitors.workspace.client import describe_error, is_unreachable
from monitors.workspace.expected import ExpectedMonitor
from monitors.workspace.pool import run_bounded
from monitors.workspace.verify.checks import get_monitor

DEFAULT_POLL_S = 15.0


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
    workers: int = 1,
) -> tuple[str, ...]:
    """Poll monitors that are PENDING until they leave PENDING or `timeout_s` passes.

    Only PENDING monitors are waited for: missing or failed ones will not change by waiting. A
    monitor that cannot be read this time (a 500, a malformed answer) stays in the wait and is
    read again next time; WorkspaceUnreachableError when the workspace stops answering.
    Returns the short names still PENDING (or unreadable) at the end (empty when all initialised).
    Each poll reads `workers` monitors at once.
    """
    start = monotonic()
    by_name = {e.table: e for e in expected}
    pending, errors = _poll(client, by_name, tuple(by_name), workers)
    while True:
        elapsed = monotonic() - start
        if on_progress is not None:
            on_progress(WaitProgress(elapsed, pending, len(by_name), errors))
        if not pending or elapsed >= timeout_s:
            return pending
        sleep(min(poll_s, max(0.0, timeout_s - elapsed)))
        pending, errors = _poll(client, by_name, pending, workers)


def _poll(
    client: WorkspaceClient,
    by_name: dict[str, ExpectedMonitor],
    names: tuple[str, ...],
    workers: int = 1,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Which of `names` are still PENDING, and which could not be read (kept as pending);
    `workers` monitors read at once, the answer in the order of `names`."""

    def read(name: str) -> tuple[bool, str]:
        if by_name[name].object_type == dq.OBJECT_SCHEMA:
            return False, ""  # a schema monitor has no PENDING state to wait for
        try:
            monitor = get_monitor(client, by_name[name])
        except Exception as err:
            if is_unreachable(err):
                raise WorkspaceUnreachableError(
                    f"the workspace stopped answering while waiting for {name}: "
                    f"{describe_error(err)}"
                ) from None
            return True, f"{name}: {describe_error(err)}"
        pending = monitor is not None and monitor.status is MonitorInfoStatus.MONITOR_STATUS_PENDING
        return pending, ""

    answers = run_bounded(list(names), read, workers)
    pending = tuple(name for name, (waiting, _) in zip(names, answers, strict=True) if waiting)
    return pending, tuple(error for _, error in answers if error)
