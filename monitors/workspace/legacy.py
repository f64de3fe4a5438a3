"""Thin typed calls over databricks-sdk: the monitor, refresh, table and dashboard endpoints.

The workspace package is the one place the product talks to Databricks outside the provider.
Throttling needs no code here: the SDK retries every request answered 429 or 503, whatever the
method, sleeping for the Retry-After header (plus jitter) until its retry budget
(`retry_timeout_seconds`, default 300 s) runs out, then raises TimeoutError.
Callers see NotFound folded into None/False where "missing" is a normal answer. Every name or id
is checked by `monitors.workspace.identifiers` before it is formatted into a request path.
"""

from __future__ import annotations

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound
from databricks.sdk.service.catalog import MonitorInfo, MonitorRefreshInfo
from databricks.sdk.service.dashboards import LifecycleState

from monitors.workspace.identifiers import object_id, table_name


def get_monitor(client: WorkspaceClient, full_table_name: str) -> MonitorInfo | None:
    """The table's monitor, or None when the table has none (or the table is missing)."""
    try:
        return client.quality_monitors.get(table_name=table_name(full_table_name))
    except NotFound:
        return None


def queue_refresh(client: WorkspaceClient, full_table_name: str) -> MonitorRefreshInfo:
    """Queue a metric refresh of the table's monitor; the service runs it asynchronously."""
    return client.quality_monitors.run_refresh(table_name=table_name(full_table_name))


def list_refreshes(client: WorkspaceClient, full_table_name: str) -> list[MonitorRefreshInfo]:
    """The monitor's recent refreshes (the service keeps the last 25), newest first."""
    response = client.quality_monitors.list_refreshes(table_name=table_name(full_table_name))
    return sorted(
        response.refreshes or [],
        key=lambda r: (r.start_time_ms or 0, r.refresh_id or 0),
        reverse=True,
    )


def get_refresh(
    client: WorkspaceClient, full_table_name: str, refresh_id: int
) -> MonitorRefreshInfo:
    """One refresh of the table's monitor (`GET .../monitor/refreshes/{id}`)."""
    return client.quality_monitors.get_refresh(
        table_name=table_name(full_table_name), refresh_id=int(refresh_id)
    )


def cancel_refresh(client: WorkspaceClient, full_table_name: str, refresh_id: int) -> None:
    """Cancel a queued or running refresh (`POST .../monitor/refreshes/{id}/cancel`; the
    answer has no body the SDK reads)."""
    client.quality_monitors.cancel_refresh(
        table_name=table_name(full_table_name), refresh_id=int(refresh_id)
    )


def latest_refresh(client: WorkspaceClient, full_table_name: str) -> MonitorRefreshInfo | None:
    """The monitor's most recent refresh, or None when it has not run yet."""
    refreshes = list_refreshes(client, full_table_name)
    return refreshes[0] if refreshes else None


def get_table_column_names(client: WorkspaceClient, full_name: str) -> list[str] | None:
    """The table's column names in position order, or None when the table does not exist."""
    try:
        table = client.tables.get(full_name=table_name(full_name))
    except NotFound:
        return None
    columns = sorted(table.columns or [], key=lambda c: c.position or 0)
    return [c.name for c in columns if c.name]


def drop_table(client: WorkspaceClient, full_name: str) -> bool:
    """Drop a table; True if it was dropped, False if it was already gone."""
    try:
        client.tables.delete(full_name=table_name(full_name))
    except NotFound:
        return False
    return True


def dashboard_exists(client: WorkspaceClient, dashboard_id: str) -> bool:
    """True when the Lakeview dashboard exists and is not in the trash."""
    try:
        dashboard = client.lakeview.get(dashboard_id=object_id(dashboard_id))
    except NotFound:
        return False
    return dashboard.lifecycle_state != LifecycleState.TRASHED


def trash_dashboard(client: WorkspaceClient, dashboard_id: str) -> bool:
    """Move a Lakeview dashboard to the trash; False if it was missing or already trashed.

    Looks first so an already-trashed dashboard never depends on how a second trash answers.
    """
    if not dashboard_exists(client, dashboard_id):
        return False
    try:
        client.lakeview.trash(dashboard_id=object_id(dashboard_id))
    except NotFound:
        return False
    return True


def current_user_name(client: WorkspaceClient) -> str | None:
    """The identity the client authenticates as (a user's e-mail, a service principal's
    application id), from SCIM `Me`."""
    return client.current_user.me().user_name
