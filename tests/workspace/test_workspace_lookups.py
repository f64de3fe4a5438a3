"""The typed lookups over the SDK fold "missing" into None/False and nothing else."""

import pytest
from databricks.sdk.errors import InternalError

from monitors.workspace import legacy as workspace
from tests.helpers.workspace_monitors import SCHEMA

TABLE = f"{SCHEMA}.dim_user"


def test_get_monitor_is_none_when_table_has_no_monitor(fake_workspace, workspace_client):
    fake_workspace.add_table(TABLE)
    assert workspace.get_monitor(workspace_client, TABLE) is None


def test_get_monitor_is_none_when_table_is_missing(workspace_client):
    assert workspace.get_monitor(workspace_client, TABLE) is None


def test_get_monitor_raises_other_errors(fake_workspace, workspace_client):
    fake_workspace.add_monitor(TABLE)
    path = f"/api/2.1/unity-catalog/tables/{TABLE}/monitor"
    fake_workspace.fail_next("GET", path, status=500)
    with pytest.raises(InternalError):
        workspace.get_monitor(workspace_client, TABLE)


def test_get_table_column_names_in_position_order(fake_workspace, workspace_client):
    fake_workspace.add_table(TABLE, ["user_id", ("email", "string"), ("is_business", "boolean")])
    assert workspace.get_table_column_names(workspace_client, TABLE) == [
        "user_id",
        "email",
        "is_business",
    ]


def test_get_table_column_names_is_none_when_table_missing(workspace_client):
    assert workspace.get_table_column_names(workspace_client, TABLE) is None


def test_drop_table_reports_whether_it_dropped(fake_workspace, workspace_client):
    fake_workspace.add_table(TABLE)
    assert workspace.drop_table(workspace_client, TABLE) is True
    assert TABLE not in fake_workspace.tables
    assert workspace.drop_table(workspace_client, TABLE) is False


def test_trash_dashboard_trashes_then_reports_already_gone(fake_workspace, workspace_client):
    dashboard_id = fake_workspace.add_dashboard()
    assert workspace.trash_dashboard(workspace_client, dashboard_id) is True
    assert fake_workspace.dashboards[dashboard_id]["lifecycle_state"] == "TRASHED"
    assert workspace.trash_dashboard(workspace_client, dashboard_id) is False
    deletes = [c for c in fake_workspace.api_calls() if c.method == "DELETE"]
    assert len(deletes) == 1


def test_trash_dashboard_is_false_when_dashboard_missing(workspace_client):
    assert workspace.trash_dashboard(workspace_client, "0123456789abcdef") is False


def test_queue_refresh_returns_pending_manual_refresh(fake_workspace, workspace_client):
    fake_workspace.add_monitor(TABLE)
    refresh = workspace.queue_refresh(workspace_client, TABLE)
    assert refresh.state.value == "PENDING"
    assert refresh.trigger.value == "MANUAL"


def test_latest_refresh_is_none_before_any_run(fake_workspace, workspace_client):
    fake_workspace.add_monitor(TABLE)
    assert workspace.latest_refresh(workspace_client, TABLE) is None


def test_latest_refresh_is_the_newest(fake_workspace, workspace_client):
    fake_workspace.add_monitor(TABLE)
    fake_workspace.add_refresh(TABLE, "FAILED")
    newest = fake_workspace.add_refresh(TABLE, "SUCCESS")
    assert workspace.latest_refresh(workspace_client, TABLE).refresh_id == newest["refresh_id"]
