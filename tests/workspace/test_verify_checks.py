"""Each verify check passes on a healthy monitor and fails (or warns) on its own rule."""

from dataclasses import replace

from monitors.workspace.check_results import CheckStatus
from monitors.workspace.verify.checks import verify_monitor
from tests.helpers.workspace_monitors import SCHEMA

PASS, FAIL, WARN, SKIP = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.WARN, CheckStatus.SKIP


def marks(report):
    return {c.name: c.status for c in report.checks}


def test_verify_passes_every_check_for_healthy_monitor(workspace_client, deploy_monitor):
    report = verify_monitor(workspace_client, deploy_monitor())
    assert marks(report) == {
        "exists": PASS,
        "status": PASS,
        "dashboard": PASS,
        "profile_metrics_table": PASS,
        "drift_metrics_table": PASS,
        "custom_metrics": PASS,
        "latest_refresh": PASS,
    }
    assert report.ok


def test_verify_fails_when_monitor_missing(fake_workspace, workspace_client, deploy_monitor):
    expected = deploy_monitor()
    del fake_workspace.monitors[expected.full_table_name]
    report = verify_monitor(workspace_client, expected)
    assert report.check("exists").status is FAIL
    assert {c.status for c in report.checks[1:]} == {SKIP}
    assert not report.ok


def test_verify_fails_when_monitor_pending(workspace_client, deploy_monitor):
    report = verify_monitor(workspace_client, deploy_monitor(initialise=False))
    assert report.check("status").status is FAIL
    assert "PENDING" in report.check("status").detail


def test_verify_fails_when_monitor_in_error_with_its_message(
    fake_workspace, workspace_client, deploy_monitor
):
    expected = deploy_monitor()
    fake_workspace.set_monitor_status(
        expected.full_table_name, "MONITOR_STATUS_ERROR", failure_msg="INTERNAL_ERROR in refresh"
    )
    check = verify_monitor(workspace_client, expected).check("status")
    assert check.status is FAIL
    assert "INTERNAL_ERROR in refresh" in check.detail


def test_verify_fails_when_monitor_failed(fake_workspace, workspace_client, deploy_monitor):
    expected = deploy_monitor()
    fake_workspace.set_monitor_status(expected.full_table_name, "MONITOR_STATUS_FAILED")
    assert verify_monitor(workspace_client, expected).check("status").status is FAIL


def test_verify_fails_when_monitor_delete_pending(fake_workspace, workspace_client, deploy_monitor):
    expected = deploy_monitor()
    fake_workspace.set_monitor_status(expected.full_table_name, "MONITOR_STATUS_DELETE_PENDING")
    assert verify_monitor(workspace_client, expected).check("status").status is FAIL


def test_verify_fails_when_monitor_version_negative(
    fake_workspace, workspace_client, deploy_monitor
):
    expected = deploy_monitor()
    fake_workspace.set_monitor_status(
        expected.full_table_name, "MONITOR_STATUS_ACTIVE", monitor_version=-1
    )
    check = verify_monitor(workspace_client, expected).check("status")
    assert check.status is FAIL
    assert "corrupted" in check.detail


def test_verify_fails_when_dashboard_trashed(fake_workspace, workspace_client, deploy_monitor):
    expected = deploy_monitor()
    dashboard_id = fake_workspace.monitors[expected.full_table_name]["dashboard_id"]
    fake_workspace.dashboards[dashboard_id]["lifecycle_state"] = "TRASHED"
    assert verify_monitor(workspace_client, expected).check("dashboard").status is FAIL


def test_verify_fails_when_dashboard_missing(fake_workspace, workspace_client, deploy_monitor):
    expected = deploy_monitor()
    fake_workspace.dashboards.clear()
    assert verify_monitor(workspace_client, expected).check("dashboard").status is FAIL


def test_verify_skips_dashboard_when_declared_skipped(workspace_client, deploy_monitor):
    report = verify_monitor(workspace_client, deploy_monitor(skip_builtin_dashboard=True))
    assert report.check("dashboard").status is SKIP
    assert report.ok


def test_verify_fails_when_profile_metrics_table_missing(
    fake_workspace, workspace_client, deploy_monitor
):
    expected = deploy_monitor()
    del fake_workspace.tables[f"{expected.full_table_name}_profile_metrics"]
    report = verify_monitor(workspace_client, expected)
    assert report.check("profile_metrics_table").status is FAIL
    assert report.check("custom_metrics").status is SKIP  # one cause, reported once


def test_verify_fails_when_drift_table_missing_and_drift_configured(
    fake_workspace, workspace_client, deploy_monitor
):
    expected = deploy_monitor(time_series=True)
    del fake_workspace.tables[f"{expected.full_table_name}_drift_metrics"]
    assert verify_monitor(workspace_client, expected).check("drift_metrics_table").status is FAIL


def test_verify_skips_drift_table_when_drift_not_configured(workspace_client, deploy_monitor):
    report = verify_monitor(workspace_client, deploy_monitor("dim_host", time_series=False))
    assert report.check("drift_metrics_table").status is SKIP
    assert report.ok


def test_verify_fails_when_custom_metric_column_missing(workspace_client, deploy_monitor):
    deployed = deploy_monitor(metrics=("total_bookings",))
    expected = replace(deployed, custom_metric_names=("total_bookings", "avg_nights_booked"))
    check = verify_monitor(workspace_client, expected).check("custom_metrics")
    assert check.status is FAIL
    assert "avg_nights_booked" in check.detail
    assert "total_bookings" not in check.detail


def test_verify_finds_drift_custom_metric_in_drift_table(workspace_client, deploy_monitor):
    expected = deploy_monitor(drift_metrics=("booking_count_drift",))
    assert verify_monitor(workspace_client, expected).check("custom_metrics").status is PASS


def test_verify_fails_when_drift_custom_metric_column_missing(
    fake_workspace, workspace_client, deploy_monitor
):
    expected = deploy_monitor(drift_metrics=("booking_count_drift",))
    drift_table = f"{expected.full_table_name}_drift_metrics"
    fake_workspace.add_table(drift_table, ["window", "granularity"])
    check = verify_monitor(workspace_client, expected).check("custom_metrics")
    assert check.status is FAIL
    assert "booking_count_drift" in check.detail


def test_verify_fails_when_latest_refresh_failed(fake_workspace, workspace_client, deploy_monitor):
    expected = deploy_monitor(refresh_state="SUCCESS")
    fake_workspace.add_refresh(expected.full_table_name, "FAILED", message="UNDEFINED_TEMPLATE")
    check = verify_monitor(workspace_client, expected).check("latest_refresh")
    assert check.status is FAIL
    assert "UNDEFINED_TEMPLATE" in check.detail


def test_verify_fails_when_latest_refresh_canceled(workspace_client, deploy_monitor):
    expected = deploy_monitor(refresh_state="CANCELED")
    assert verify_monitor(workspace_client, expected).check("latest_refresh").status is FAIL


def test_verify_passes_while_latest_refresh_running(workspace_client, deploy_monitor):
    expected = deploy_monitor(refresh_state="RUNNING")
    assert verify_monitor(workspace_client, expected).check("latest_refresh").status is PASS


def test_verify_warns_but_passes_when_no_refresh_yet(workspace_client, deploy_monitor):
    report = verify_monitor(workspace_client, deploy_monitor(refresh_state=None))
    assert report.check("latest_refresh").status is WARN
    assert report.ok


def test_verify_fails_the_check_that_hits_a_databricks_error(
    fake_workspace, workspace_client, deploy_monitor
):
    expected = deploy_monitor()
    path = f"/api/2.1/unity-catalog/tables/{SCHEMA}.fact_booking_daily_profile_metrics"
    fake_workspace.fail_next("GET", path, status=403, message="User lacks SELECT")
    report = verify_monitor(workspace_client, expected)
    assert report.check("profile_metrics_table").status is FAIL
    assert "User lacks SELECT" in report.check("profile_metrics_table").detail
    assert report.check("latest_refresh").status is PASS


def test_verify_retries_throttled_lookups(fake_workspace, workspace_client, deploy_monitor):
    expected = deploy_monitor()
    table_path = f"/api/2.1/unity-catalog/tables/{expected.full_table_name}"
    fake_workspace.fail_next("GET", table_path + "_profile_metrics")
    fake_workspace.fail_next("GET", table_path + "/monitor", status=503)
    assert verify_monitor(workspace_client, expected).ok
    assert [c.status for c in fake_workspace.api_calls()].count(429) == 1
    assert [c.status for c in fake_workspace.api_calls()].count(503) == 1


def test_verify_fails_exists_when_source_table_missing(
    fake_workspace, workspace_client, deploy_monitor
):
    expected = deploy_monitor()
    del fake_workspace.tables[expected.full_table_name]
    report = verify_monitor(workspace_client, expected)
    assert report.check("exists").status is FAIL
    assert not report.ok


def test_a_status_databricks_sdk_does_not_know_is_named_as_unreadable_not_as_none(
    fake_workspace, workspace_client, deploy_monitor
):
    """databricks-sdk reads an enum value it does not know as None (`_internal._enum`)."""
    expected = deploy_monitor()
    fake_workspace.set_monitor_status(expected.full_table_name, "MONITOR_STATUS_SUSPENDED")
    status = verify_monitor(workspace_client, expected).check("status")
    assert (status.status, status.detail) == (
        FAIL,
        "no status this program can read (none given, or a value newer than databricks-sdk "
        "knows): check the monitor's page",
    )


def test_a_monitor_version_that_is_no_number_fails_exists_in_words(
    fake_workspace, workspace_client, deploy_monitor
):
    expected = deploy_monitor()
    fake_workspace.monitors[expected.full_table_name]["monitor_version"] = "abc"
    exists = verify_monitor(workspace_client, expected).check("exists")
    assert (exists.status, exists.detail) == (
        FAIL,
        "could not read monitor: the workspace's answer is not in the shape databricks-sdk "
        "reads (a field holds another type than the API documents)",
    )
