"""`python -m monitors verify`: the declared monitors, checked through the real SDK."""

from __future__ import annotations

import json

import pytest

from monitors.cli.main import main
from monitors.desired.plan import make_plan
from monitors.errors import MonitorsError
from monitors.spec.project import load_project
from monitors.workspace.client import workspace_client
from monitors.workspace.expected import expected_monitors
from tests.fakes.workspace import FakeWorkspace


@pytest.fixture
def workspace(monkeypatch, tmp_path):
    """A fake workspace, with credentials given only through DATABRICKS_TOKEN."""
    for name in ("DATABRICKS_HOST", "DATABRICKS_CONFIG_PROFILE", "DATABRICKS_CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    with FakeWorkspace() as fake:
        monkeypatch.setenv("DATABRICKS_TOKEN", fake.token)
        yield fake


def deploy_dev(fake: FakeWorkspace) -> None:
    """Create every dev monitor with the exact body the program sends, then initialise it."""
    project = load_project("dev")
    client = workspace_client(host=fake.host)
    for table, request in make_plan(project).requests.items():
        full_name = project.settings.full_table_name(table)
        fake.add_table(full_name)
        client.api_client.do(
            "POST", f"/api/2.1/unity-catalog/tables/{full_name}/monitor", body=request
        )
        fake.initialise_monitor(full_name)
        fake.add_refresh(full_name, "SUCCESS")


def test_snapshot_monitors_expect_no_drift_table_and_time_series_ones_do():
    expected = {e.table: e for e in expected_monitors(load_project("dev"))}
    assert expected["dim_host"].expects_drift_table is False
    assert expected["fact_booking_daily"].expects_drift_table is True
    assert "cancellation_rate_drift" in expected["fact_booking_daily"].custom_drift_metric_names
    assert "cancellation_rate_drift" not in expected["fact_booking_daily"].custom_metric_names


def test_verify_of_an_unknown_table_is_an_error():
    with pytest.raises(MonitorsError, match="unknown table"):
        expected_monitors(load_project("dev"), ["fact_booking_detail"])


def test_verify_passes_when_every_declared_monitor_is_deployed(workspace, capsys):
    deploy_dev(workspace)
    assert main(["verify", "--stack", "dev", "--host", workspace.host, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert len(report["monitors"]) == 5


def test_verify_fails_when_a_declared_metric_is_missing_from_the_profile_table(workspace, capsys):
    deploy_dev(workspace)
    profile = "wanderbricks_dev.wanderbricks_gold_monitoring.dim_user_profile_metrics"
    workspace.add_table(profile, ["window", "column_name", "current_user_count"])
    assert main(["verify", "--stack", "dev", "--host", workspace.host, "--table", "dim_user"]) == 1
    out = capsys.readouterr().out
    assert "dim_user / metrics: missing column(s)" in out
    assert "business_user_rate (in " in out


def test_verify_never_prints_the_token(workspace, capsys):
    deploy_dev(workspace)
    main(["verify", "--stack", "dev", "--host", workspace.host])
    captured = capsys.readouterr()
    assert workspace.token not in captured.out + captured.err
