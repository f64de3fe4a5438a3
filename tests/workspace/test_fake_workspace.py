"""The fake answers as the real service does, seen through the real SDK."""

import pytest
from databricks.sdk.errors import (
    BadRequest,
    NotFound,
    ResourceAlreadyExists,
    ResourceDoesNotExist,
    Unauthenticated,
)
from databricks.sdk.service.catalog import MonitorInfoStatus, MonitorSnapshot

from tests.helpers.workspace_monitors import SCHEMA

TABLE = f"{SCHEMA}.dim_host"


def create(client, table=TABLE, **kwargs):
    return client.quality_monitors.create(
        table_name=table,
        output_schema_name=SCHEMA,
        assets_dir="/Workspace/Shared/monitors",
        snapshot=MonitorSnapshot(),
        **kwargs,
    )


def test_create_gives_pending_monitor_with_metric_table_names_and_dashboard(
    fake_workspace, workspace_client
):
    fake_workspace.add_table(TABLE)
    monitor = create(workspace_client)
    assert monitor.status is MonitorInfoStatus.MONITOR_STATUS_PENDING
    assert monitor.monitor_version == 0
    assert monitor.profile_metrics_table_name == f"{TABLE}_profile_metrics"
    assert monitor.drift_metrics_table_name == f"{TABLE}_drift_metrics"
    assert monitor.dashboard_id in fake_workspace.dashboards


def test_create_with_skip_builtin_dashboard_has_no_dashboard(fake_workspace, workspace_client):
    fake_workspace.add_table(TABLE)
    assert create(workspace_client, skip_builtin_dashboard=True).dashboard_id is None


def test_create_when_monitor_exists_is_409_already_exists(fake_workspace, workspace_client):
    fake_workspace.add_table(TABLE)
    create(workspace_client)
    with pytest.raises(ResourceAlreadyExists, match="already exists"):
        create(workspace_client)


def test_create_on_missing_table_is_404(workspace_client):
    with pytest.raises(NotFound):
        create(workspace_client)


def test_get_without_monitor_is_resource_does_not_exist(fake_workspace, workspace_client):
    fake_workspace.add_table(TABLE)
    with pytest.raises(ResourceDoesNotExist):
        workspace_client.quality_monitors.get(table_name=TABLE)


def test_delete_leaves_metric_tables_and_dashboard_behind(
    fake_workspace, workspace_client, deploy_monitor
):
    expected = deploy_monitor("dim_host", time_series=False)
    monitor = workspace_client.quality_monitors.get(table_name=expected.full_table_name)
    workspace_client.quality_monitors.delete(table_name=expected.full_table_name)
    assert expected.full_table_name not in fake_workspace.monitors
    assert monitor.profile_metrics_table_name in fake_workspace.tables
    assert fake_workspace.dashboards[monitor.dashboard_id]["lifecycle_state"] == "ACTIVE"


def test_update_replaces_config_and_requires_output_schema(fake_workspace, workspace_client):
    fake_workspace.add_monitor(TABLE, slicing_exprs=["country"])
    updated = workspace_client.quality_monitors.update(
        table_name=TABLE, output_schema_name=SCHEMA, snapshot=MonitorSnapshot()
    )
    assert updated.slicing_exprs is None
    with pytest.raises(BadRequest, match="output_schema_name"):
        workspace_client.api_client.do(
            "PUT", f"/api/2.1/unity-catalog/tables/{TABLE}/monitor", body={}
        )


def test_refresh_list_is_newest_first_and_keeps_last_25(fake_workspace, workspace_client):
    fake_workspace.add_monitor(TABLE)
    for _ in range(30):
        workspace_client.quality_monitors.run_refresh(table_name=TABLE)
    refreshes = workspace_client.quality_monitors.list_refreshes(table_name=TABLE).refreshes
    assert len(refreshes) == 25
    assert [r.refresh_id for r in refreshes] == list(range(30, 5, -1))


def test_wrong_token_is_401(fake_workspace):
    from databricks.sdk import WorkspaceClient

    client = WorkspaceClient(host=fake_workspace.host, token="wrong", auth_type="pat")
    with pytest.raises(Unauthenticated):
        client.tables.get(full_name=TABLE)
