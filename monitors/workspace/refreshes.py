"""Refreshes on demand (`monitors refresh`): queue, read, list, cancel and wait, on
either monitor API, each answer in one shape (`RefreshInfo`).

Legacy API (databricks-sdk 0.162 `catalog.QualityMonitorsAPI`): `run_refresh`, `get_refresh`,
`list_refreshes` (the last 25), `cancel_refresh`, keyed on the table's name. Data quality API
(`dataquality.DataQualityAPI`): `create_refresh`, `get_refresh`, `list_refresh` (paged),
`cancel_refresh`, keyed on the table's `table_id`. The thin calls are `monitors.workspace.legacy`
and `monitors.workspace.dq`, the same the refresh-after-update hook uses.

A queue that fails is told as what is known of it (`QueueOutcome`): the workspace refused it
(a 4xx answer, or throttling / 503 until the retry budget ran out: nothing was queued), or it is
unknown whether it was queued (a 5xx, a connection lost after the request was sent, an answer
that could not be read): then the way to resume is to look (`--list`) before queuing again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import requests
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import (
    BadRequest,
    NotFound,
    PermissionDenied,
    ResourceConflict,
    TemporarilyUnavailable,
    TooManyRequests,
    Unauthenticated,
)
from databricks.sdk.service.catalog import MonitorRefreshInfo
from databricks.sdk.service.dataquality import Refresh

from monitors.naming import API_LEGACY
from monitors.workspace import dq, legacy
from monitors.workspace.client import describe_error

# States as the legacy API names them; the data quality API's carry a prefix.
PENDING, RUNNING, SUCCESS, FAILED, CANCELED, UNKNOWN = (
    "PENDING",
    "RUNNING",
    "SUCCESS",
    "FAILED",
    "CANCELED",
    "UNKNOWN",
)
ACTIVE_STATES = frozenset({PENDING, RUNNING})
ENDED_STATES = frozenset({SUCCESS, FAILED, CANCELED})
_STATE_PREFIX = "MONITOR_REFRESH_STATE_"
_TRIGGER_PREFIX = "MONITOR_REFRESH_TRIGGER_"
DEFAULT_POLL_S = 15.0
LIST_LIMIT = 10  # refreshes shown per monitor by --list (legacy keeps 25)


@dataclass(frozen=True)
class RefreshTarget:
    """A monitored table and the API its refreshes go through (`object_id`: its table_id,
    looked up once, on the data quality API)."""

    table: str
    full_table_name: str
    api: str = API_LEGACY
    object_id: str | None = None


@dataclass(frozen=True)
class RefreshInfo:
    """One refresh, whichever API told of it. `state` is None when the answer named a state
    the SDK does not know (it reads unknown enum values as None)."""

    refresh_id: int | None
    state: str | None
    trigger: str | None = None
    start_time_ms: int | None = None
    end_time_ms: int | None = None
    message: str | None = None

    @property
    def ended(self) -> bool:
        """True once it succeeded, failed or was cancelled."""
        return self.state in ENDED_STATES

    @property
    def duration_s(self) -> float | None:
        """Seconds from start to end (None until it ended or when a time is missing)."""
        if self.start_time_ms is None or self.end_time_ms is None:
            return None
        return max(0.0, (self.end_time_ms - self.start_time_ms) / 1000)

    def as_json(self) -> dict[str, object]:
        """The refresh as the command's JSON carries it."""
        return {
            "refresh_id": self.refresh_id,
            "state": self.state,
            "trigger": self.trigger,
            "start_time_ms": self.start_time_ms,
            "end_time_ms": self.end_time_ms,
            "duration_s": self.duration_s,
            "message": self.message,
        }


def from_legacy(info: MonitorRefreshInfo) -> RefreshInfo:
    """A legacy `MonitorRefreshInfo` (trigger `UNKNOWN_TRIGGER` read as `UNKNOWN`)."""
    trigger = info.trigger.value if info.trigger is not None else None
    return RefreshInfo(
        refresh_id=info.refresh_id,
        state=info.state.value if info.state is not None else None,
        trigger=UNKNOWN if trigger == "UNKNOWN_TRIGGER" else trigger,
        start_time_ms=info.start_time_ms,
        end_time_ms=info.end_time_ms,
        message=info.message or None,
    )


def from_data_quality(refresh: Refresh) -> RefreshInfo:
    """A data quality `Refresh`, its `MONITOR_REFRESH_STATE_*` / `_TRIGGER_*` prefixes dropped."""
    state = refresh.state.value.removeprefix(_STATE_PREFIX) if refresh.state else None
    trigger = refresh.trigger.value.removeprefix(_TRIGGER_PREFIX) if refresh.trigger else None
    return RefreshInfo(
        refresh_id=refresh.refresh_id,
        state=state,
        trigger=trigger,
        start_time_ms=refresh.start_time_ms,
        end_time_ms=refresh.end_time_ms,
        message=refresh.message or None,
    )


def resolve(client: WorkspaceClient, target: RefreshTarget) -> RefreshTarget:
    """The target with its table_id on the data quality API (NoMonitorError when the table does
    not exist); unchanged on the legacy API."""
    if target.api == API_LEGACY or target.object_id:
        return target
    uuid = dq.table_id(client, target.full_table_name)
    if uuid is None:
        raise NoMonitorError(f"table {target.full_table_name} does not exist")
    return RefreshTarget(target.table, target.full_table_name, target.api, uuid)


class NoMonitorError(Exception):
    """The table or its monitor does not exist (deploy the stack first)."""


def queue(client: WorkspaceClient, target: RefreshTarget) -> RefreshInfo:
    """Queue a refresh of the target's monitor; the service runs it in the background."""
    try:
        if target.api == API_LEGACY:
            return from_legacy(legacy.queue_refresh(client, target.full_table_name))
        return from_data_quality(dq.queue_refresh(client, dq.OBJECT_TABLE, _uuid(target)))
    except NotFound:
        raise NoMonitorError(f"{target.full_table_name} has no monitor") from None


def get(client: WorkspaceClient, target: RefreshTarget, refresh_id: int) -> RefreshInfo:
    """One refresh of the target's monitor, as the workspace holds it now."""
    if target.api == API_LEGACY:
        return from_legacy(legacy.get_refresh(client, target.full_table_name, refresh_id))
    return from_data_quality(dq.get_refresh(client, dq.OBJECT_TABLE, _uuid(target), refresh_id))


def recent(client: WorkspaceClient, target: RefreshTarget) -> list[RefreshInfo]:
    """The monitor's refreshes, newest first."""
    try:
        if target.api == API_LEGACY:
            return [from_legacy(r) for r in legacy.list_refreshes(client, target.full_table_name)]
        return [
            from_data_quality(r) for r in dq.list_refreshes(client, dq.OBJECT_TABLE, _uuid(target))
        ]
    except NotFound:
        raise NoMonitorError(f"{target.full_table_name} has no monitor") from None


def cancel(client: WorkspaceClient, target: RefreshTarget, refresh_id: int) -> None:
    """Ask the workspace to cancel one refresh (it ends CANCELED once the service stops it)."""
    if target.api == API_LEGACY:
        legacy.cancel_refresh(client, target.full_table_name, refresh_id)
    else:
        dq.cancel_refresh(client, dq.OBJECT_TABLE, _uuid(target), refresh_id)


def _uuid(target: RefreshTarget) -> str:
    if target.object_id is None:
        raise NoMonitorError(f"table {target.full_table_name} was not looked up")
    return target.object_id


class QueueOutcome(StrEnum):
    """What is known of a request that changes something (queue, cancel) once it failed."""

    NOT_DONE = "not done"  # the workspace refused it: nothing changed
    UNKNOWN = "unknown"  # it may have been done: look before asking again


_REFUSED = (
    BadRequest,
    Unauthenticated,
    PermissionDenied,
    NotFound,
    ResourceConflict,
    TooManyRequests,
    TemporarilyUnavailable,
)


def outcome_of(err: BaseException) -> QueueOutcome:
    """What a failed queue or cancel means: refused (4xx, or 429/503 to the end of the retry
    budget) or unknown (5xx, a connection lost once the request was sent, an unreadable answer:
    the workspace may have acted on it)."""
    if isinstance(err, NoMonitorError):
        return QueueOutcome.NOT_DONE
    if isinstance(err, TimeoutError):
        cause = err.__cause__
        if isinstance(cause, TooManyRequests | TemporarilyUnavailable):
            return QueueOutcome.NOT_DONE
        return QueueOutcome.UNKNOWN
    if isinstance(err, _REFUSED):
        return QueueOutcome.NOT_DONE
    if isinstance(err, requests.ConnectTimeout):
        return QueueOutcome.NOT_DONE  # no connection: nothing was sent
    return QueueOutcome.UNKNOWN


def reason(err: BaseException) -> str:
    """One line on why a call failed (never a secret)."""
    if isinstance(err, NoMonitorError):
        return f"{err} (deploy the stack first)"
    return describe_error(err)


@dataclass
class Followed:
    """One refresh being followed by `wait`: where it is, and the last error reading it."""

    target: RefreshTarget
    refresh_id: int
    info: RefreshInfo | None = None
    error: str | None = None

    @property
    def ended(self) -> bool:
        """True once the refresh succeeded, failed or was cancelled."""
        return self.info is not None and self.info.ended


@dataclass(frozen=True)
class WaitProgress:
    """A snapshot of `wait` after one round of polls, for a progress line."""

    elapsed_s: float
    followed: tuple[Followed, ...]

    def line(self) -> str:
        """`refresh: 1 of 3 ended (40s): dim_host RUNNING, fact PENDING` and one line per
        monitor that could not be read this round."""
        ended = sum(f.ended for f in self.followed)
        waiting = [
            f"{f.target.table} {f.info.state if f.info and f.info.state else 'UNKNOWN'}"
            for f in self.followed
            if not f.ended
        ]
        text = f"refresh: {ended} of {len(self.followed)} ended ({self.elapsed_s:.0f}s)"
        if waiting:
            text += ": " + ", ".join(waiting)
        errors = [f"  could not read {f.target.table}: {f.error}" for f in self.followed if f.error]
        return "\n".join([text, *errors])


def wait(
    client: WorkspaceClient,
    followed: Sequence[Followed],
    timeout_s: float,
    poll_s: float = DEFAULT_POLL_S,
    on_progress: Callable[[WaitProgress], None] | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
    stop_on: Callable[[BaseException], bool] | None = None,
) -> None:
    """Poll each refresh until every one has ended or `timeout_s` passes; `followed` is updated
    in place. A refresh that cannot be read this round (a 5xx, a malformed answer) keeps its
    last known state and is read again next round; `stop_on(err)` true ends the wait at once by
    raising `err` (the workspace stopped answering)."""
    start = monotonic()
    while True:
        for item in followed:
            if item.ended:
                continue
            try:
                item.info = get(client, item.target, item.refresh_id)
                item.error = None
            except Exception as err:
                if stop_on is not None and stop_on(err):
                    raise
                item.error = reason(err)
        elapsed = monotonic() - start
        if on_progress is not None:
            on_progress(WaitProgress(elapsed, tuple(followed)))
        if all(item.ended for item in followed) or elapsed >= timeout_s:
            return
        sleep(min(poll_s, max(0.0, timeout_s - elapsed)))
