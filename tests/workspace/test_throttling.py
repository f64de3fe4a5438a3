"""The SDK retries 429 and 503 on every method, honouring Retry-After; we rely on that."""

import pytest

from monitors.workspace import legacy as workspace
from monitors.workspace.client import Deadline, Limits, connect, describe_error
from monitors.workspace.credentials import settings_from_config
from tests.fakes.workspace import VirtualClock
from tests.helpers.workspace_monitors import SCHEMA

TABLE = f"{SCHEMA}.fact_booking_daily"
MONITOR = f"/api/2.1/unity-catalog/tables/{TABLE}/monitor"


def statuses(fake, method, path):
    return [c.status for c in fake.api_calls() if (c.method, c.path) == (method, path)]


def test_get_retried_after_429_honouring_retry_after(fake_workspace, workspace_client, sdk_clock):
    fake_workspace.add_monitor(TABLE)
    fake_workspace.fail_next("GET", MONITOR, status=429, retry_after=7)
    assert workspace.get_monitor(workspace_client, TABLE) is not None
    assert statuses(fake_workspace, "GET", MONITOR) == [429, 200]
    assert 7 <= sdk_clock.sleeps[0] < 8


def test_post_refresh_retried_after_503(fake_workspace, workspace_client):
    fake_workspace.add_monitor(TABLE)
    fake_workspace.fail_next("POST", MONITOR + "/refreshes", status=503, times=2)
    assert workspace.queue_refresh(workspace_client, TABLE).refresh_id == 1
    assert statuses(fake_workspace, "POST", MONITOR + "/refreshes") == [503, 503, 200]


def test_table_delete_retried_after_429(fake_workspace, workspace_client):
    fake_workspace.add_table(TABLE + "_profile_metrics")
    path = f"/api/2.1/unity-catalog/tables/{TABLE}_profile_metrics"
    fake_workspace.fail_next("DELETE", path, status=429)
    assert workspace.drop_table(workspace_client, TABLE + "_profile_metrics") is True
    assert statuses(fake_workspace, "DELETE", path) == [429, 200]


def test_dashboard_trash_retried_after_503(fake_workspace, workspace_client):
    dashboard_id = fake_workspace.add_dashboard()
    path = f"/api/2.0/lakeview/dashboards/{dashboard_id}"
    fake_workspace.fail_next("DELETE", path, status=503)
    assert workspace.trash_dashboard(workspace_client, dashboard_id) is True
    assert statuses(fake_workspace, "DELETE", path) == [503, 200]


def test_throttling_past_the_retry_budget_raises_timeout(fake_workspace, workspace_client):
    fake_workspace.add_monitor(TABLE)
    fake_workspace.fail_next("GET", MONITOR, status=429, times=1000, retry_after=20)
    with pytest.raises(TimeoutError):
        workspace.get_monitor(workspace_client, TABLE)
    assert 2 <= len(statuses(fake_workspace, "GET", MONITOR)) <= 4  # 60 s budget, 20 s waits


def test_internal_error_is_not_retried(fake_workspace, workspace_client):
    from databricks.sdk.errors import InternalError

    fake_workspace.add_monitor(TABLE)
    fake_workspace.fail_next("POST", MONITOR + "/refreshes", status=500)
    with pytest.raises(InternalError):
        workspace.queue_refresh(workspace_client, TABLE)
    assert statuses(fake_workspace, "POST", MONITOR + "/refreshes") == [500]


def test_a_retry_after_beyond_the_retry_budget_gives_up_at_once_not_at_the_deadline(
    fake_workspace,
):
    """Throttled with Retry-After 3600 s and a 30 s retry budget, the SDK would sleep until the
    caller's whole deadline (`retries.retried` checks its own only after sleeping): it gives up
    at once instead, with the throttling as the reason."""
    clock = VirtualClock()
    settings = settings_from_config(
        {"databricks:host": fake_workspace.host, "databricks:token": fake_workspace.token}, "t"
    )
    limits = Limits(http_timeout_s=5, retry_timeout_s=30, connect_timeout_s=5, total_s=120)
    client = connect(settings, limits, Deadline(120, now=clock.time), clock=clock).client
    table = "main.gold.t"
    fake_workspace.add_monitor(table)
    fake_workspace.fail_next(
        "GET", f"/api/2.1/unity-catalog/tables/{table}/monitor", times=10, retry_after=3600
    )
    with pytest.raises(TimeoutError) as raised:
        workspace.get_monitor(client, table)
    assert clock.sleeps == []
    assert describe_error(raised.value) == "gave up retrying after injected REQUEST_LIMIT_EXCEEDED"
