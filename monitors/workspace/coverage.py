"""Which tables of a stack's gold schema are monitored, and by whom: `coverage`.

Every table the workspace lists in the schema (`monitors.workspace.schema_listing`) has its
monitor read through the stack's API (legacy: `GET .../tables/{name}/monitor`; data quality:
`GET /api/data-quality/v1/monitors/table/{table_id}`, the id from the listing), a bounded pool
of workers at a time (`monitors.workspace.pool`). Each table then gets one state:

- declared, deployed: the stack declares it and the workspace holds a monitor on it;
- declared, not deployed: the stack declares it and the workspace holds no monitor on it (or
  does not list the table at all);
- monitored, declared nowhere: a monitor made by a script or the UI (`export` declares it);
- not monitored;
- a metric table: the profile or drift table of a monitor read here (when the stack writes
  metric tables into its gold schema);
- not read: the workspace did not answer for it, so no count above includes it.

The schema itself gets one of the same states for its anomaly detection monitor
(`lakehouse-monitors:anomalyDetection`, on either API), read as `verify` reads it
(`monitors.workspace.dq.get_schema_monitor`: the schema's id, then
`GET /api/data-quality/v1/monitors/schema/{schema_id}`).

"Deployed" is what the workspace holds, not what Pulumi's state records: coverage reads no
state (that needs the Pulumi CLI and the backend's credentials, and says what Pulumi believes,
not what exists). Whether a monitor is the stack's and matches its declaration is `verify`'s
question; one made outside Pulumi becomes the stack's with `adopt`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from databricks.sdk import WorkspaceClient

from monitors.declared.identifiers import name_problem
from monitors.declared.settings import StackSettings
from monitors.errors import UnsafeNameError, WorkspaceUnreachableError
from monitors.naming import API_DATA_QUALITY, short_stack
from monitors.workspace import dq, identifiers, legacy
from monitors.workspace.client import Deadline, describe_error, is_unreachable
from monitors.workspace.pool import ThrottleGate, run_bounded, share_throttling
from monitors.workspace.schema_listing import ListedTable


class TableState(Enum):
    """Where one table of the schema stands; the value is its JSON key."""

    DEPLOYED = "deployed"
    NOT_DEPLOYED = "not_deployed"
    UNDECLARED = "undeclared"
    UNMONITORED = "unmonitored"
    METRIC_TABLE = "metric_table"
    UNREAD = "unread"

    @property
    def words(self) -> str:
        """The state as the text report says it."""
        return _WORDS[self]


_WORDS = {
    TableState.DEPLOYED: "declared and deployed",
    TableState.NOT_DEPLOYED: "declared but not deployed",
    TableState.UNDECLARED: "monitored but declared nowhere",
    TableState.UNMONITORED: "not monitored",
    TableState.METRIC_TABLE: "a monitor's metric table",
    TableState.UNREAD: "not read",
}


@dataclass(frozen=True)
class TableCoverage:
    """One table: its state, why (when there is more to say) and the command that would help."""

    table: str
    state: TableState
    detail: str = ""
    suggestion: str = ""


@dataclass(frozen=True)
class MonitorSeen:
    """What reading one listed table's monitor gave: whether it has one, the metric tables it
    writes, or why it could not be read."""

    table: str
    monitored: bool = False
    metric_tables: tuple[str, ...] = ()
    error: str = ""


def read_monitor(
    client: WorkspaceClient, settings: StackSettings, listed: ListedTable
) -> MonitorSeen:
    """The listed table's monitor through the stack's API; an error answer is kept as the
    reason (WorkspaceUnreachableError when the workspace stopped answering)."""
    full_name = settings.full_table_name(listed.name)
    try:
        checked = identifiers.table_name(full_name)
    except UnsafeNameError:
        return MonitorSeen(listed.name, error="its name cannot be put in a request URL")
    try:
        if settings.api == API_DATA_QUALITY:
            uuid = listed.table_id or dq.table_id(client, checked)
            if uuid is None:
                return MonitorSeen(listed.name, error="the table is gone since it was listed")
            monitor = dq.get_monitor(client, dq.OBJECT_TABLE, uuid)
            if monitor is None:
                return MonitorSeen(listed.name)
            config = monitor.data_profiling_config
            names = (
                (config.profile_metrics_table_name, config.drift_metrics_table_name)
                if config is not None
                else ()
            )
        else:
            info = legacy.get_monitor(client, checked)
            if info is None:
                return MonitorSeen(listed.name)
            names = (info.profile_metrics_table_name, info.drift_metrics_table_name)
    except Exception as err:
        if is_unreachable(err):
            raise WorkspaceUnreachableError(
                f"the workspace stopped answering: {describe_error(err)}"
            ) from None
        return MonitorSeen(listed.name, error=f"could not read its monitor: {describe_error(err)}")
    return MonitorSeen(listed.name, True, tuple(str(n) for n in names if n))


def read_monitors(
    client: WorkspaceClient,
    settings: StackSettings,
    listed: Sequence[ListedTable],
    deadline: Deadline,
    workers: int,
    on_read: Callable[[MonitorSeen], None] | None = None,
) -> list[MonitorSeen]:
    """Every listed table's monitor, `workers` at a time, in the order listed. Once the
    workspace stops answering or `deadline` passes, the tables not read yet say so."""
    gate = ThrottleGate(deadline)
    if workers > 1:
        share_throttling(client, gate)
    stop: list[str] = []
    lock = threading.Lock()

    def read(table: ListedTable) -> MonitorSeen:
        with lock:
            if not stop and deadline.expired():
                stop.append(f"not read: coverage's time budget of {deadline.seconds:g} s ran out")
            reason = stop[0] if stop else None
        if reason is not None:
            return MonitorSeen(table.name, error=reason)
        try:
            return read_monitor(client, settings, table)
        except WorkspaceUnreachableError as exc:
            with lock:
                if not stop:
                    stop.append(f"not read: {exc}")
                    gate.stop()
                return MonitorSeen(table.name, error=stop[0])

    def done(index: int, seen: MonitorSeen) -> None:
        if on_read is not None:
            on_read(seen)

    return run_bounded(list(listed), read, workers, on_done=done, gate=gate)


@dataclass(frozen=True)
class SchemaMonitorCoverage:
    """The gold schema's anomaly detection monitor: whether the stack declares it, its state
    (deployed, not deployed, undeclared, unmonitored or unread, as a table's) and why."""

    declared: bool
    state: TableState
    detail: str = ""

    @property
    def deployed(self) -> bool | None:
        """Whether the workspace holds it; None when it could not be read."""
        if self.state is TableState.UNREAD:
            return None
        return self.state in (TableState.DEPLOYED, TableState.UNDECLARED)


def read_schema_monitor(
    client: WorkspaceClient, settings: StackSettings, deadline: Deadline
) -> SchemaMonitorCoverage:
    """The gold schema's anomaly detection monitor against the stack's `anomalyDetection`; an
    error answer, silence or a spent time budget is kept as the reason it was not read."""
    anomaly = settings.anomaly_detection
    declared = anomaly is not None and anomaly.enabled
    if deadline.expired():
        detail = f"coverage's time budget of {deadline.seconds:g} s ran out"
        return SchemaMonitorCoverage(declared, TableState.UNREAD, detail)
    try:
        monitor = dq.get_schema_monitor(client, settings.gold_schema_name)
    except Exception as err:
        why = "the workspace stopped answering" if is_unreachable(err) else "could not read it"
        detail = f"{why}: {describe_error(err)}"
        return SchemaMonitorCoverage(declared, TableState.UNREAD, detail)
    deployed = monitor is not None and monitor.anomaly_detection_config is not None
    if declared and deployed:
        return SchemaMonitorCoverage(True, TableState.DEPLOYED)
    if declared:
        detail = "no anomaly detection monitor on the schema yet: `pulumi up` creates it"
        return SchemaMonitorCoverage(True, TableState.NOT_DEPLOYED, detail)
    if deployed:
        detail = "made outside this stack (a script, the UI, another stack)"
        return SchemaMonitorCoverage(False, TableState.UNDECLARED, detail)
    return SchemaMonitorCoverage(False, TableState.UNMONITORED)


def export_command(settings: StackSettings, tables: Sequence[str]) -> str:
    """The `export` that writes declarations for these tables (its real arguments)."""
    chosen = " ".join(f"--table {t}" for t in tables)
    return f"monitors export --stack {short_stack(settings.stack)} {chosen}"


def classify(
    settings: StackSettings, declared: Sequence[str], seen: Sequence[MonitorSeen]
) -> list[TableCoverage]:
    """Every listed table's state, and every declared table the listing lacks; by name."""
    declared_set = set(declared)
    schema = settings.full_table_name("")
    metric_of = {name: s.table for s in seen for name in s.metric_tables if name.startswith(schema)}
    found: list[TableCoverage] = []
    for s in seen:
        if s.error:
            found.append(TableCoverage(s.table, TableState.UNREAD, s.error))
        elif s.table in declared_set:
            state = TableState.DEPLOYED if s.monitored else TableState.NOT_DEPLOYED
            detail = "" if s.monitored else "no monitor on it yet: `pulumi up` creates it"
            found.append(TableCoverage(s.table, state, detail))
        elif settings.full_table_name(s.table) in metric_of:
            owner = metric_of[settings.full_table_name(s.table)]
            found.append(
                TableCoverage(s.table, TableState.METRIC_TABLE, f"written by {owner}'s monitor")
            )
        elif s.monitored:
            problem = name_problem(s.table, "table name")
            if problem:
                detail = f"no declaration can name this table: {problem}"
                found.append(TableCoverage(s.table, TableState.UNDECLARED, detail))
            else:
                found.append(
                    TableCoverage(
                        s.table,
                        TableState.UNDECLARED,
                        "made outside this stack (a script, the UI, another stack)",
                        export_command(settings, [s.table]),
                    )
                )
        else:
            found.append(TableCoverage(s.table, TableState.UNMONITORED))
    listed = {s.table for s in seen}
    for table in declared:
        if table not in listed:
            detail = (
                "the workspace does not list this table (it does not exist, or these "
                "credentials cannot see it)"
            )
            found.append(TableCoverage(table, TableState.NOT_DEPLOYED, detail))
    return sorted(found, key=lambda t: t.table)
