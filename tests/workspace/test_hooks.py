"""The program's resource hooks, run against the fake workspace through the real SDK."""

from __future__ import annotations

import pulumi
import pytest

from monitors.program import hooks

PROFILE = "main.wanderbricks_gold.fact_booking_daily_profile_metrics"
DRIFT = "main.wanderbricks_gold.fact_booking_daily_drift_metrics"


@pytest.fixture
def logged(monkeypatch):
    messages: list[tuple[str, str]] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda m, *a, **k: messages.append(("warn", m)))
    monkeypatch.setattr(pulumi.log, "info", lambda m, *a, **k: messages.append(("info", m)))
    return messages


def hook_args(**kwargs) -> pulumi.ResourceHookArgs:
    return pulumi.ResourceHookArgs(
        urn="urn:pulumi:dev::lakehouse-monitors::databricks:index/qualityMonitor:QualityMonitor::fact_booking_daily",
        id="main.wanderbricks_gold.fact_booking_daily",
        name="fact_booking_daily",
        type="databricks:index/qualityMonitor:QualityMonitor",
        **kwargs,
    )


def test_refresh_hook_queues_a_refresh_of_the_updated_monitor(
    deploy_monitor, fake_workspace, workspace_client, logged
):
    expected = deploy_monitor(refresh_state=None)
    args = hook_args(new_outputs={"tableName": expected.full_table_name})
    hooks.refresh_after_update(args, client=lambda: workspace_client)
    assert (
        "POST",
        f"/api/2.1/unity-catalog/tables/{expected.full_table_name}/monitor/refreshes",
    ) in (fake_workspace.call_signatures())
    assert [kind for kind, _ in logged] == ["info"]


def test_refresh_hook_failure_only_warns(fake_workspace, workspace_client, logged):
    args = hook_args(new_outputs={"tableName": "main.wanderbricks_gold.no_such_table"})
    hooks.refresh_after_update(args, client=lambda: workspace_client)
    ((kind, message),) = logged
    assert kind == "warn"
    assert "Could not queue a metric refresh for main.wanderbricks_gold.no_such_table" in message


def test_purge_hook_leaves_a_monitor_that_is_not_being_reset_alone(
    deploy_monitor, fake_workspace, workspace_client, logged
):
    deploy_monitor()
    before = len(fake_workspace.api_calls())
    args = hook_args(
        old_outputs={"profileMetricsTableName": PROFILE, "driftMetricsTableName": DRIFT}
    )
    assert (
        hooks.purge_after_delete(args, purge_tables={"dim_host"}, client=lambda: workspace_client)
        == []
    )
    assert len(fake_workspace.api_calls()) == before


def test_purge_hook_drops_metric_tables_and_dashboard_of_a_purging_reset(
    deploy_monitor, fake_workspace, workspace_client, logged
):
    expected = deploy_monitor()
    monitor = workspace_client.quality_monitors.get(expected.full_table_name)
    workspace_client.quality_monitors.delete(expected.full_table_name)
    args = hook_args(
        old_outputs={
            "profileMetricsTableName": monitor.profile_metrics_table_name,
            "driftMetricsTableName": monitor.drift_metrics_table_name,
            "dashboardId": monitor.dashboard_id,
        }
    )
    done = hooks.purge_after_delete(
        args, purge_tables={"fact_booking_daily"}, client=lambda: workspace_client
    )
    assert done == [
        f"dropped table {monitor.profile_metrics_table_name}",
        f"dropped table {monitor.drift_metrics_table_name}",
        f"trashed dashboard {monitor.dashboard_id}",
    ]
    deletes = [c for c in fake_workspace.call_signatures() if c[0] == "DELETE"]
    assert deletes[-3:] == [
        ("DELETE", f"/api/2.1/unity-catalog/tables/{monitor.profile_metrics_table_name}"),
        ("DELETE", f"/api/2.1/unity-catalog/tables/{monitor.drift_metrics_table_name}"),
        ("DELETE", f"/api/2.0/lakeview/dashboards/{monitor.dashboard_id}"),
    ]


def test_a_failed_purge_warns_so_the_monitor_is_still_recreated(workspace_client, logged):
    args = hook_args(old_outputs={"profileMetricsTableName": "main.gold.fact_booking_daily"})
    assert hooks.purge_after_delete(args, {"fact_booking_daily"}, lambda: workspace_client) == []
    ((kind, message),) = logged
    assert kind == "warn" and "purge after delete failed" in message


def test_hooks_use_the_provider_credentials_and_a_short_retry_budget(fake_workspace):
    pulumi.runtime.set_all_config(
        {"databricks:host": fake_workspace.host, "databricks:token": fake_workspace.token}
    )
    try:
        client = hooks.provider_client()
    finally:
        pulumi.runtime.set_all_config({})
    assert client.config.host == fake_workspace.host
    assert client.config.retry_timeout_seconds == hooks.HOOK_RETRY_TIMEOUT_S
    assert client.current_user is not None
