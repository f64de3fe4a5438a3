"""`monitors verify` in a stack that deploys alerts: one table for the monitors, one
for the alerts (with whether each would fire now), and the exit code covering both."""

from __future__ import annotations

import json

import yaml
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config

from monitors.cli.output import ScrubbedStream
from monitors.declared.project import build_project
from monitors.declared.project_input import read_project_input
from tests.cli import test_verify_command as verify_command
from tests.cli.test_verify_command import verify
from tests.helpers.alerts import ALERTING
from tests.workspace.test_verify_alerts import PROFILE, deploy

# The verify command tests' fixtures: no developer credentials, a fake workspace (the project
# copy is tests/conftest.py's).
isolated = verify_command.isolated
workspace = verify_command.workspace


def with_alerts(root) -> None:
    path = root / "Pulumi.dev.yaml"
    document = yaml.safe_load(path.read_text())
    document["config"]["lakehouse-monitors:alerts"] = ALERTING
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def test_verify_prints_the_alerts_after_the_monitors(workspace, project, monkeypatch, capsys):
    with_alerts(project)
    client = WorkspaceClient(
        config=Config(host=workspace.host, token=workspace.token, auth_type="pat")
    )
    deploy(workspace, client, build_project(read_project_input("dev", project)))
    for table in build_project(read_project_input("dev", project)).monitors:
        workspace.add_refresh(f"wanderbricks_dev.wanderbricks_gold.{table}", "SUCCESS")
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    assert verify(project, "--host", workspace.host) == 0
    out = capsys.readouterr().out
    assert "5 of 5 monitors pass.\n\nalert " in out
    assert (
        "fact_booking_daily.cancellation_spike           ok      ok          ok     yes, 0.31"
        in out
    )
    assert out.endswith("4 of 4 alerts pass.\n")


def test_a_failing_alert_fails_verify_and_its_json(workspace, project, monkeypatch, capsys):
    with_alerts(project)
    client = WorkspaceClient(
        config=Config(host=workspace.host, token=workspace.token, auth_type="pat")
    )
    deploy(workspace, client, build_project(read_project_input("dev", project)))
    del workspace.metric_rows[PROFILE]
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    assert verify(project, "--host", workspace.host, "--json") == 1
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is False
    assert [a["ok"] for a in document["alerts"]["alerts"]] == [True, False, True, True]


def test_a_terminal_gets_one_progress_line_per_alert(workspace, project, monkeypatch, capsys):
    with_alerts(project)
    client = WorkspaceClient(
        config=Config(host=workspace.host, token=workspace.token, auth_type="pat")
    )
    deploy(workspace, client, build_project(read_project_input("dev", project)))
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    monkeypatch.setattr(ScrubbedStream, "isatty", lambda self: True)
    verify(project, "--host", workspace.host, "--workers", "3")
    lines = [line for line in capsys.readouterr().err.splitlines() if "alerts [" in line]
    assert sorted(line.split("] ")[0] for line in lines) == [
        f"verify: alerts [{i}/4" for i in range(1, 5)
    ]
    assert any(line.endswith("fact_booking_daily.cancellation_spike: ok") for line in lines)
