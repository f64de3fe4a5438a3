"""The report: one readable table, a stable JSON shape, and ok only when all monitors pass."""

import json

from monitors.workspace.verify.checks import CHECKS
from monitors.workspace.verify.run import verify_monitors


def test_report_ok_only_when_every_monitor_passes(workspace_client, deploy_monitor):
    healthy = deploy_monitor("fact_booking_daily")
    pending = deploy_monitor("dim_host", time_series=False, initialise=False)
    assert verify_monitors(workspace_client, [healthy]).ok
    assert not verify_monitors(workspace_client, [healthy, pending]).ok


def test_render_table_has_a_row_per_monitor_and_a_mark_per_check(workspace_client, deploy_monitor):
    expected = [
        deploy_monitor("fact_booking_daily"),
        deploy_monitor("dim_host", time_series=False, refresh_state=None),
    ]
    lines = verify_monitors(workspace_client, expected).render_table().splitlines()
    assert lines[0].split() == [
        "monitor",
        "exists",
        "status",
        "dashboard",
        "profile",
        "tbl",
        "drift",
        "tbl",
        "metrics",
        "refresh",
    ]
    assert lines[2].split() == ["fact_booking_daily", "ok", "ok", "ok", "ok", "ok", "ok", "ok"]
    assert lines[3].split() == ["dim_host", "ok", "ok", "ok", "ok", "-", "ok", "warn"]
    assert "Warnings:" in lines
    assert "Failures:" not in lines
    assert lines[-1] == "2 of 2 monitors pass."


def test_render_table_explains_failures_under_the_table(
    fake_workspace, workspace_client, deploy_monitor
):
    expected = deploy_monitor()
    fake_workspace.set_monitor_status(
        expected.full_table_name, "MONITOR_STATUS_FAILED", failure_msg="output_data_type invalid"
    )
    text = verify_monitors(workspace_client, [expected]).render_table()
    assert "FAIL" in text.splitlines()[2]
    assert "Failures:\n  fact_booking_daily / status: FAILED: output_data_type invalid" in text
    assert text.rstrip().endswith("0 of 1 monitors pass.")


def test_to_json_has_a_stable_shape(workspace_client, deploy_monitor):
    doc = json.loads(verify_monitors(workspace_client, [deploy_monitor()]).to_json())
    assert doc["schema_version"] == 1
    assert doc["ok"] is True
    [monitor] = doc["monitors"]
    assert set(monitor) == {"table", "full_table_name", "ok", "checks"}
    assert list(monitor["checks"]) == [name for name, _ in CHECKS]
    assert monitor["checks"]["exists"] == {
        "status": "pass",
        "detail": "main.wanderbricks_gold.fact_booking_daily",
    }
