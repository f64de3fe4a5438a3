"""Purge the assets a monitor delete leaves behind, for `reset --purge` only.

Deleting a monitor keeps its profile and drift metric tables and its dashboard; a reset that
wants a clean slate drops them between the delete and the create. Only ever called from the
after-delete hook of an explicit `reset --purge`.
"""

from __future__ import annotations

from databricks.sdk import WorkspaceClient

from monitors.workspace import api as workspace

# Suffixes the service gives metric tables; anything else is refused so a wrong name in state
# can never drop a source table.
PROFILE_METRICS_SUFFIX = "_profile_metrics"
DRIFT_METRICS_SUFFIX = "_drift_metrics"


def purge_monitor_assets(
    client: WorkspaceClient,
    *,
    profile_metrics_table_name: str | None,
    drift_metrics_table_name: str | None,
    dashboard_id: str | None,
) -> list[str]:
    """Drop both metric tables and trash the dashboard, each fine if already gone.

    A None name or id is skipped (e.g. no dashboard with skip_builtin_dashboard). Returns one
    line per asset saying what was done. Raises ValueError, before touching anything, for a
    table name that is not a metric table; other Databricks errors propagate.
    """
    _require_suffix(profile_metrics_table_name, PROFILE_METRICS_SUFFIX)
    _require_suffix(drift_metrics_table_name, DRIFT_METRICS_SUFFIX)
    done: list[str] = []
    for table_name in (profile_metrics_table_name, drift_metrics_table_name):
        if table_name:
            dropped = workspace.drop_table(client, table_name)
            done.append(f"dropped table {table_name}" if dropped else f"{table_name} already gone")
    if dashboard_id:
        trashed = workspace.trash_dashboard(client, dashboard_id)
        done.append(
            f"trashed dashboard {dashboard_id}"
            if trashed
            else f"dashboard {dashboard_id} already gone"
        )
    return done


def _require_suffix(table_name: str | None, suffix: str) -> None:
    if table_name and not table_name.endswith(suffix):
        raise ValueError(f"refusing to drop {table_name!r}: a metric table name ends in {suffix}")
