"""What `coverage` answers: every table of the schema with its state, the counts, what could
not be read, and the next step, with the schema's anomaly detection monitor; as text or as JSON
(`schema_version` 1)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from databricks.sdk import WorkspaceClient

from monitors.declared.settings import StackSettings
from monitors.errors import ExitCode, ListingError, WorkspaceUnreachableError
from monitors.workspace.check_results import join_row
from monitors.workspace.client import Deadline, describe_error, is_unreachable
from monitors.workspace.coverage import (
    MonitorSeen,
    SchemaMonitorCoverage,
    TableCoverage,
    TableState,
    classify,
    export_command,
    read_monitors,
    read_schema_monitor,
)
from monitors.workspace.schema_listing import list_tables

REPORT_SCHEMA_VERSION = 1
DEPLOYED_MEANS = (
    "deployed: the workspace holds a monitor on the table (Pulumi's state is not read; "
    "`verify` checks a deployed monitor against its declaration)"
)


@dataclass(frozen=True)
class CoverageReport:
    """The coverage of one stack's gold schema, as read from the workspace."""

    stack: str
    api: str
    schema: str
    listed: int  # tables the workspace listed in the schema
    declared: int  # tables the stack declares
    tables: tuple[TableCoverage, ...]
    anomaly_detection: SchemaMonitorCoverage  # the schema's own monitor

    def count(self, state: TableState) -> int:
        """How many tables are in `state`."""
        return sum(t.state is state for t in self.tables)

    @property
    def complete(self) -> bool:
        """True when every listed table was read: the counts are true of the whole schema."""
        return self.count(TableState.UNREAD) == 0

    @property
    def exit_code(self) -> ExitCode:
        """0 when every table was read, 1 when some could not be (the counts are partial), or
        the schema monitor the stack declares could not be."""
        unread_schema = (
            self.anomaly_detection.declared and self.anomaly_detection.state is TableState.UNREAD
        )
        return ExitCode.OK if self.complete and not unread_schema else ExitCode.FAILED

    def undeclared(self) -> list[str]:
        """The monitored tables no declaration covers that `export` can declare."""
        return [t.table for t in self.tables if t.state is TableState.UNDECLARED and t.suggestion]

    def document(self) -> dict[str, Any]:
        """The JSON document: counts by state, then every table by name."""
        return {
            "schema_version": REPORT_SCHEMA_VERSION,
            "stack": self.stack,
            "api": self.api,
            "schema": self.schema,
            "complete": self.complete,
            "counts": {
                "listed": self.listed,
                "declared": self.declared,
                **{state.value: self.count(state) for state in TableState},
            },
            "tables": [
                {
                    "table": t.table,
                    "state": t.state.value,
                    "detail": t.detail,
                    **({"suggestion": t.suggestion} if t.suggestion else {}),
                }
                for t in self.tables
            ],
            "anomaly_detection": {
                "declared": self.anomaly_detection.declared,
                "deployed": self.anomaly_detection.deployed,
                "state": self.anomaly_detection.state.value,
                "detail": self.anomaly_detection.detail,
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.document(), indent=2)

    def render(self, settings: StackSettings) -> str:
        """A row per table, the counts in one sentence, then what to do next."""
        header = ["table", "state", "detail"]
        rows = [[t.table, t.state.words, t.detail] for t in self.tables]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(2)] + [0]
        anomaly = self.anomaly_detection
        lines = [
            f"coverage of {self.schema} (stack {self.stack}, {self.api} API): "
            f"{self.listed} table(s) listed, {self.declared} declared",
            f"schema anomaly detection: {anomaly.state.words}"
            + (f"; {anomaly.detail}" if anomaly.detail else ""),
            "",
            join_row(header, widths),
            join_row(["-" * w for w in widths[:2]] + ["------"], widths),
            *(join_row(row, widths) for row in rows),
            "",
            "counts: "
            + "; ".join(f"{self.count(s)} {s.words}" for s in TableState if self.count(s)),
        ]
        if not self.tables:
            lines[-1] = "counts: no table listed and none declared"
        unread = self.count(TableState.UNREAD)
        if unread:
            lines.append(
                f"{unread} table(s) could not be read: the counts above leave them out (see "
                "each one's detail)."
            )
        undeclared = self.undeclared()
        if undeclared:
            lines += ["", "to declare the monitors made outside this stack:"]
            lines.append(f"  {export_command(settings, undeclared)}")
        lines += ["", DEPLOYED_MEANS]
        return "\n".join(lines) + "\n"


def read_coverage(
    client: WorkspaceClient,
    settings: StackSettings,
    declared: Sequence[str],
    deadline: Deadline,
    workers: int,
    on_read: Callable[[MonitorSeen], None] | None = None,
    *,
    per_table_s: float = 0.0,
) -> CoverageReport:
    """List the gold schema, read every listed table's monitor, classify every table, then read
    the schema's anomaly detection monitor. The deadline moves `per_table_s` later for each
    table one worker reads, once they are known."""
    schema = f"{settings.catalog}.{settings.gold_schema}"
    if deadline.expired():
        raise WorkspaceUnreachableError(
            f"coverage's time budget of {deadline.seconds:g} s ran out before it could list "
            f"the tables of {schema}"
        )
    try:
        listed = list_tables(client, settings.catalog, settings.gold_schema)
    except ListingError:
        raise
    except Exception as err:
        if is_unreachable(err):
            raise WorkspaceUnreachableError(
                f"the workspace stopped answering when asked to list the tables of {schema}: "
                f"{describe_error(err)}"
            ) from None
        raise ListingError(f"cannot list the tables of {schema}: {describe_error(err)}") from None
    deadline.extend(per_table_s * -(-len(listed) // max(1, workers)))
    seen = read_monitors(client, settings, listed, deadline, workers, on_read)
    anomaly = read_schema_monitor(client, settings, deadline)
    return CoverageReport(
        stack=settings.stack,
        api=settings.api,
        schema=schema,
        listed=len(listed),
        declared=len(declared),
        tables=tuple(classify(settings, declared, seen)),
        anomaly_detection=anomaly,
    )
