"""After an in-place update a refresh is queued; any failure warns and never raises."""

from monitors.workspace.refresh import queue_refresh_after_update
from tests.helpers.workspace_monitors import SCHEMA

TABLE = f"{SCHEMA}.fact_booking_daily"
REFRESHES = f"/api/2.1/unity-catalog/tables/{TABLE}/monitor/refreshes"


def test_refresh_after_update_returns_refresh_id_without_warning(fake_workspace, workspace_client):
    fake_workspace.add_monitor(TABLE)
    warnings = []
    assert queue_refresh_after_update(workspace_client, TABLE, warnings.append) == "1"
    assert warnings == []
    assert fake_workspace.refreshes[TABLE][0]["trigger"] == "MANUAL"


def test_refresh_after_update_warns_on_500(fake_workspace, workspace_client):
    fake_workspace.add_monitor(TABLE)
    fake_workspace.fail_next("POST", REFRESHES, status=500, message="Backend exploded")
    warnings = []
    assert queue_refresh_after_update(workspace_client, TABLE, warnings.append) is None
    [warning] = warnings
    assert TABLE in warning
    assert "Backend exploded" in warning


def test_refresh_after_update_warns_when_monitor_missing(fake_workspace, workspace_client):
    fake_workspace.add_table(TABLE)
    warnings = []
    assert queue_refresh_after_update(workspace_client, TABLE, warnings.append) is None
    assert "does not exist" in warnings[0]


def test_refresh_after_update_retries_throttling_then_succeeds(fake_workspace, workspace_client):
    fake_workspace.add_monitor(TABLE)
    fake_workspace.fail_next("POST", REFRESHES, status=429)
    fake_workspace.fail_next("POST", REFRESHES, status=503)
    warnings = []
    assert queue_refresh_after_update(workspace_client, TABLE, warnings.append) == "1"
    assert warnings == []
    assert [c.status for c in fake_workspace.api_calls()] == [429, 503, 200]


def test_refresh_after_update_warns_when_throttled_past_retry_budget(
    fake_workspace, workspace_client
):
    fake_workspace.add_monitor(TABLE)
    fake_workspace.fail_next("POST", REFRESHES, status=429, times=1000, retry_after=30)
    warnings = []
    assert queue_refresh_after_update(workspace_client, TABLE, warnings.append) is None
    assert "gave up retrying after injected REQUEST_LIMIT_EXCEEDED" in warnings[0]


def test_refresh_after_update_warns_when_workspace_unreachable(fake_workspace, workspace_client):
    fake_workspace.stop()
    warnings = []
    assert queue_refresh_after_update(workspace_client, TABLE, warnings.append) is None
    assert len(warnings) == 1
