"""reset --purge drops the metric tables and trashes the dashboard between delete and create."""

import pytest
from databricks.sdk.errors import PermissionDenied
from databricks.sdk.service.catalog import MonitorSnapshot

from monitors.workspace.purge import purge_monitor_assets
from tests.workspace.conftest import SCHEMA

TABLE = f"{SCHEMA}.dim_host"
TABLES = "/api/2.1/unity-catalog/tables"


def assets_of(monitor):
    return {
        "profile_metrics_table_name": monitor.profile_metrics_table_name,
        "drift_metrics_table_name": monitor.drift_metrics_table_name,
        "dashboard_id": monitor.dashboard_id,
    }


def test_purge_between_delete_and_create_runs_in_that_order(
    fake_workspace, workspace_client, deploy_monitor
):
    deploy_monitor("dim_host", time_series=False, drift_metrics=("rating_drift",))
    old = workspace_client.quality_monitors.get(table_name=TABLE)
    start = len(fake_workspace.api_calls())

    workspace_client.quality_monitors.delete(table_name=TABLE)
    done = purge_monitor_assets(workspace_client, **assets_of(old))
    new = workspace_client.quality_monitors.create(
        table_name=TABLE,
        output_schema_name=SCHEMA,
        assets_dir="/Workspace/Shared/monitors",
        snapshot=MonitorSnapshot(),
    )

    writes = [
        (c.method, c.path)
        for c in fake_workspace.api_calls()[start:]
        if c.method in ("POST", "DELETE")
    ]
    assert writes == [
        ("DELETE", f"{TABLES}/{TABLE}/monitor"),
        ("DELETE", f"{TABLES}/{TABLE}_profile_metrics"),
        ("DELETE", f"{TABLES}/{TABLE}_drift_metrics"),
        ("DELETE", f"/api/2.0/lakeview/dashboards/{old.dashboard_id}"),
        ("POST", f"{TABLES}/{TABLE}/monitor"),
    ]
    assert done == [
        f"dropped table {TABLE}_profile_metrics",
        f"dropped table {TABLE}_drift_metrics",
        f"trashed dashboard {old.dashboard_id}",
    ]
    assert f"{TABLE}_profile_metrics" not in fake_workspace.tables
    assert fake_workspace.dashboards[old.dashboard_id]["lifecycle_state"] == "TRASHED"
    assert new.dashboard_id != old.dashboard_id


def test_purge_is_fine_when_assets_already_gone(fake_workspace, workspace_client):
    done = purge_monitor_assets(
        workspace_client,
        profile_metrics_table_name=f"{TABLE}_profile_metrics",
        drift_metrics_table_name=f"{TABLE}_drift_metrics",
        dashboard_id="0123456789abcdef",
    )
    assert done == [
        f"{TABLE}_profile_metrics already gone",
        f"{TABLE}_drift_metrics already gone",
        "dashboard 0123456789abcdef already gone",
    ]


def test_purge_skips_assets_it_has_no_name_for(fake_workspace, workspace_client):
    fake_workspace.add_table(f"{TABLE}_profile_metrics")
    done = purge_monitor_assets(
        workspace_client,
        profile_metrics_table_name=f"{TABLE}_profile_metrics",
        drift_metrics_table_name=None,
        dashboard_id=None,
    )
    assert done == [f"dropped table {TABLE}_profile_metrics"]
    assert len(fake_workspace.api_calls()) == 1


def test_purge_refuses_a_name_that_is_not_a_metric_table(fake_workspace, workspace_client):
    fake_workspace.add_table(TABLE)
    with pytest.raises(ValueError, match="refusing to drop"):
        purge_monitor_assets(
            workspace_client,
            profile_metrics_table_name=f"{TABLE}_profile_metrics",
            drift_metrics_table_name=TABLE,
            dashboard_id=None,
        )
    assert fake_workspace.api_calls() == []
    assert TABLE in fake_workspace.tables


def test_purge_retries_throttled_table_drop(fake_workspace, workspace_client):
    fake_workspace.add_table(f"{TABLE}_profile_metrics")
    fake_workspace.fail_next("DELETE", f"{TABLES}/{TABLE}_profile_metrics", status=429)
    done = purge_monitor_assets(
        workspace_client,
        profile_metrics_table_name=f"{TABLE}_profile_metrics",
        drift_metrics_table_name=None,
        dashboard_id=None,
    )
    assert done == [f"dropped table {TABLE}_profile_metrics"]


def test_purge_raises_errors_other_than_missing(fake_workspace, workspace_client):
    fake_workspace.add_table(f"{TABLE}_profile_metrics")
    fake_workspace.fail_next("DELETE", f"{TABLES}/{TABLE}_profile_metrics", status=403)
    with pytest.raises(PermissionDenied):
        purge_monitor_assets(
            workspace_client,
            profile_metrics_table_name=f"{TABLE}_profile_metrics",
            drift_metrics_table_name=None,
            dashboard_id=None,
        )
