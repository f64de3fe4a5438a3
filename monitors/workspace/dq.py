"""Thin calls to the Data Quality Monitoring API (databricks-sdk 0.162 `WorkspaceClient.
data_quality`, `service/dataquality.py` `DataQualityAPI`), for verify, the hooks and purge.

The new API keys monitors on UUIDs: `(object_type, object_id)` with `object_id` the table's
`table_id` (`GET /api/2.1/unity-catalog/tables/{full_name}`) or the schema's `schema_id`
(`GET /api/2.1/unity-catalog/schemas/{full_name}`). Every name and id is checked by
`monitors.workspace.identifiers` before it reaches a URL. Answers are also given in the legacy
SDK's shapes (`catalog.MonitorInfo`, `catalog.MonitorRefreshInfo`, statuses and refresh states
renamed from `DATA_PROFILING_STATUS_*` and `MONITOR_REFRESH_STATE_*`), so verify judges both
backends by the same checks.
"""

from __future__ import annotations

from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound
from databricks.sdk.service.catalog import MonitorInfo, MonitorRefreshInfo
from databricks.sdk.service.dataquality import Monitor, Refresh

from monitors.errors import UnsafeNameError
from monitors.workspace.identifiers import object_id, schema_name, table_name

OBJECT_TABLE = "table"
OBJECT_SCHEMA = "schema"
_STATUS_PREFIX = ("DATA_PROFILING_STATUS_", "MONITOR_STATUS_")
_REFRESH_PREFIX = "MONITOR_REFRESH_STATE_"


def object_type(value: object) -> str:
    """`table` or `schema`; UnsafeNameError for anything else (it goes into the URL)."""
    if value not in (OBJECT_TABLE, OBJECT_SCHEMA):
        raise UnsafeNameError(f"refusing object type {value!r}: not 'table' or 'schema'")
    return str(value)


def table_id(client: WorkspaceClient, full_name: str) -> str | None:
    """The table's UUID, or None when the table does not exist."""
    try:
        return client.tables.get(full_name=table_name(full_name)).table_id
    except NotFound:
        return None


def schema_id(client: WorkspaceClient, full_name: str) -> str | None:
    """The schema's UUID, or None when the schema does not exist."""
    try:
        return client.schemas.get(full_name=schema_name(full_name)).schema_id
    except NotFound:
        return None


def get_monitor(client: WorkspaceClient, kind: str, uuid: str) -> Monitor | None:
    """The object's monitor, or None when it has none."""
    try:
        return client.data_quality.get_monitor(
            object_type=object_type(kind), object_id=object_id(uuid, "object id")
        )
    except NotFound:
        return None


def get_table_monitor(client: WorkspaceClient, full_name: str) -> Monitor | None:
    """A table's monitor by the table's name, or None (no table, or no monitor)."""
    uuid = table_id(client, full_name)
    return None if uuid is None else get_monitor(client, OBJECT_TABLE, uuid)


def get_schema_monitor(client: WorkspaceClient, full_name: str) -> Monitor | None:
    """A schema's monitor by the schema's name, or None (no schema, or no monitor)."""
    uuid = schema_id(client, full_name)
    return None if uuid is None else get_monitor(client, OBJECT_SCHEMA, uuid)


def queue_refresh(client: WorkspaceClient, kind: str, uuid: str) -> Refresh:
    """Queue a metric refresh (`POST .../monitors/{type}/{id}/refreshes`); the service runs it
    asynchronously."""
    kind, uuid = object_type(kind), object_id(uuid, "object id")
    return client.data_quality.create_refresh(
        object_type=kind, object_id=uuid, refresh=Refresh(object_type=kind, object_id=uuid)
    )


def list_refreshes(client: WorkspaceClient, kind: str, uuid: str) -> list[Refresh]:
    """The monitor's refreshes, newest first (the SDK follows `next_page_token`)."""
    refreshes = client.data_quality.list_refresh(
        object_type=object_type(kind), object_id=object_id(uuid, "object id")
    )
    return sorted(refreshes, key=lambda r: (r.start_time_ms or 0, r.refresh_id or 0), reverse=True)


def get_refresh(client: WorkspaceClient, kind: str, uuid: str, refresh_id: int) -> Refresh:
    """One refresh (`GET .../monitors/{type}/{id}/refreshes/{refresh_id}`)."""
    return client.data_quality.get_refresh(
        object_type=object_type(kind),
        object_id=object_id(uuid, "object id"),
        refresh_id=int(refresh_id),
    )


def cancel_refresh(
    client: WorkspaceClient, kind: str, uuid: str, refresh_id: int
) -> Refresh | None:
    """Cancel a queued or running refresh (`POST .../refreshes/{refresh_id}/cancel`); the
    refresh as the answer gives it (`CancelRefreshResponse.refresh`), if it does."""
    answer = client.data_quality.cancel_refresh(
        object_type=object_type(kind),
        object_id=object_id(uuid, "object id"),
        refresh_id=int(refresh_id),
    )
    return answer.refresh


def as_monitor_info(monitor: Monitor, full_name: str) -> MonitorInfo:
    """A table monitor in the legacy SDK's shape (what verify checks)."""
    config = monitor.data_profiling_config
    if config is None:
        return MonitorInfo.from_dict({"table_name": full_name})
    status = config.status.value if config.status is not None else None
    if status is not None and status.startswith(_STATUS_PREFIX[0]):
        status = _STATUS_PREFIX[1] + status.removeprefix(_STATUS_PREFIX[0])
    legacy: dict[str, Any] = {
        "table_name": config.monitored_table_name or full_name,
        "status": status,
        "monitor_version": config.monitor_version,
        "latest_monitor_failure_msg": config.latest_monitor_failure_message,
        "dashboard_id": config.dashboard_id,
        "profile_metrics_table_name": config.profile_metrics_table_name,
        "drift_metrics_table_name": config.drift_metrics_table_name,
        "assets_dir": config.assets_dir,
    }
    return MonitorInfo.from_dict({k: v for k, v in legacy.items() if v is not None})


def as_refresh_info(refresh: Refresh) -> MonitorRefreshInfo:
    """A refresh in the legacy SDK's shape."""
    state = refresh.state.value.removeprefix(_REFRESH_PREFIX) if refresh.state else None
    legacy: dict[str, Any] = {
        "refresh_id": refresh.refresh_id,
        "state": state,
        "start_time_ms": refresh.start_time_ms,
        "end_time_ms": refresh.end_time_ms,
        "message": refresh.message,
    }
    return MonitorRefreshInfo.from_dict({k: v for k, v in legacy.items() if v is not None})


def get_monitor_info(
    client: WorkspaceClient, full_name: str, uuid: str | None = None
) -> MonitorInfo | None:
    """A table's data quality monitor as `catalog.MonitorInfo`, or None; `uuid`, the table's
    id when the caller has it already, saves looking it up."""
    if uuid is None:
        monitor = get_table_monitor(client, full_name)
    else:
        monitor = get_monitor(client, OBJECT_TABLE, uuid)
    return None if monitor is None else as_monitor_info(monitor, full_name)


def latest_refresh_info(
    client: WorkspaceClient, full_name: str, uuid: str | None = None
) -> MonitorRefreshInfo | None:
    """A table monitor's most recent refresh as `catalog.MonitorRefreshInfo`, or None; `uuid`
    as for `get_monitor_info`."""
    uuid = uuid or table_id(client, full_name)
    if uuid is None:
        return None
    refreshes = list_refreshes(client, OBJECT_TABLE, uuid)
    return as_refresh_info(refreshes[0]) if refreshes else None
