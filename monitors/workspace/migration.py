"""What `migrate` reads from the workspace: each monitor's history facts, through either API, and
the ID `pulumi import` takes for the target type.

A table has one monitor, which both APIs read (`monitors.workspace.dq`). What says it is the same
monitor with the same history, before and after a migration: its `monitor_version` (the
configuration version in use, databricks-sdk 0.162 `catalog.MonitorInfo.monitor_version` and
`dataquality.DataProfilingConfig.monitor_version`), its profile and drift metric tables (where
the history rows are) and its dashboard. A recreated monitor gets a new dashboard and starts its
version again; its metric tables are recreated. `status` is reported, not compared.

Import IDs (the provider's ImportState): `databricks.QualityMonitor` takes the full table name
(`qualitymonitor/resource_quality_monitor.go`), `databricks.DataQualityMonitor` takes
`table,<table_id>` (`data_quality_monitor/resource_data_quality_monitor.go`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.service.catalog import MonitorInfo
from pydantic import ConfigDict, with_config

from monitors.naming import API_DATA_QUALITY
from monitors.workspace import dq, legacy

# The facts a migration must leave unchanged, in the order they are reported.
HISTORY_FIELDS: tuple[str, ...] = (
    "monitor_version",
    "dashboard_id",
    "profile_metrics_table",
    "drift_metrics_table",
)
_LABELS = {
    "monitor_version": "monitor_version",
    "dashboard_id": "dashboard",
    "profile_metrics_table": "profile metrics table",
    "drift_metrics_table": "drift metrics table",
    "status": "status",
}


@with_config(ConfigDict(strict=True, extra="forbid"))  # how the migration journal reads them
@dataclass(frozen=True)
class MonitorFacts:
    """One monitor's history facts as the API answered them (None where it gave none)."""

    monitor_version: int | None
    dashboard_id: str | None
    profile_metrics_table: str | None
    drift_metrics_table: str | None
    status: str | None

    @classmethod
    def of(cls, info: MonitorInfo) -> MonitorFacts:
        """The facts of a monitor in the legacy SDK's shape (`dq.as_monitor_info` gives that
        shape for the new API, statuses renamed to `MONITOR_STATUS_*`)."""
        status = info.status.value if info.status is not None else None
        return cls(
            info.monitor_version,
            info.dashboard_id,
            info.profile_metrics_table_name,
            info.drift_metrics_table_name,
            status,
        )

    def to_json(self) -> dict[str, Any]:
        """The facts as plain JSON (for the migration journal)."""
        return asdict(self)

    def changes(self, after: MonitorFacts) -> list[str]:
        """Each history fact that differs in `after`, as `what: before -> after`."""
        return [
            f"{_LABELS[name]}: {getattr(self, name)} -> {getattr(after, name)}"
            for name in HISTORY_FIELDS
            if getattr(self, name) != getattr(after, name)
        ]

    def describe(self) -> str:
        """The facts on one line."""
        return ", ".join(f"{_LABELS[f.name]} {getattr(self, f.name)}" for f in fields(self))


def read_facts(client: WorkspaceClient, api_name: str, full_name: str) -> MonitorFacts | None:
    """The table's monitor's facts through the `api_name` API; None when it has no monitor."""
    if api_name == API_DATA_QUALITY:
        info = dq.get_monitor_info(client, full_name)
    else:
        info = legacy.get_monitor(client, full_name)
    return None if info is None else MonitorFacts.of(info)


def import_id(client: WorkspaceClient, api_name: str, full_name: str) -> str | None:
    """The ID `pulumi import` takes for the table's monitor as the `api_name` type; None when
    the table does not exist."""
    if api_name != API_DATA_QUALITY:
        return full_name
    uuid = dq.table_id(client, full_name)
    return None if uuid is None else f"{dq.OBJECT_TABLE},{uuid}"
