"""`monitors coverage --stack S`: the declared tables come from the project (what
`plan` and the program deploy), the states from the workspace through the stack's API; JSON
with `schema_version`, documented exit codes, faults as sentences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from monitors.cli import coverage as coverage_command
from monitors.cli.main import main
from monitors.cli.output import ScrubbedStream
from monitors.declared.project import build_project
from monitors.declared.project_input import read_project_input
from monitors.errors import ExitCode
from tests.cli.test_verify_command import isolated, workspace

__all__ = ["isolated", "workspace"]  # fixtures, shared with test_verify_command

GOLD = "wanderbricks_dev.wanderbricks_gold"
TABLES = "/api/2.1/unity-catalog/tables"


def use_api(project: Path, api: str) -> None:
    set_config(project, "api", api)


def set_config(project: Path, name: str, value: object) -> None:
    path = project / "Pulumi.dev.yaml"
    document = yaml.safe_load(path.read_text())
    document["config"][f"lakehouse-monitors:{name}"] = value
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def seed(fake) -> None:
    """dim_user deployed, dim_host declared and present but unmonitored, the other declared
    tables absent; a scripted monitor and an unmonitored table besides."""
    fake.add_monitor(f"{GOLD}.dim_user")
    fake.add_table(f"{GOLD}.dim_host")
    fake.add_monitor(f"{GOLD}.ad_hoc_revenue")
    fake.add_table(f"{GOLD}.staging_events")


def coverage(project: Path, fake, *extra: str) -> int:
    return main(
        ["coverage", "--stack", "dev", "--project-dir", str(project), "--host", fake.host, *extra]
    )


@pytest.mark.parametrize("api", ["legacy", "data_quality"])
def test_coverage_reports_every_table_of_the_gold_schema(
    workspace, project, monkeypatch, capsys, api
):
    use_api(project, api)
    seed(workspace)
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    assert coverage(project, workspace, "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert document["schema_version"] == 1
    assert document["api"] == api
    states = {t["table"]: t["state"] for t in document["tables"]}
    assert states == {
        "dim_user": "deployed",
        "dim_host": "not_deployed",
        "dim_property": "not_deployed",
        "fact_booking_daily": "not_deployed",
        "fact_property_engagement": "not_deployed",
        "ad_hoc_revenue": "undeclared",
        "staging_events": "unmonitored",
    }


def test_the_declared_tables_are_the_projects_monitors(workspace, project, monkeypatch, capsys):
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    assert coverage(project, workspace, "--json") == 0
    document = json.loads(capsys.readouterr().out)
    declared = list(build_project(read_project_input("dev", project)).monitors)
    assert document["counts"]["declared"] == len(declared)
    assert sorted(t["table"] for t in document["tables"]) == sorted(declared)


def test_the_text_report_names_the_export_that_declares_a_scripted_monitor(
    workspace, project, monkeypatch, capsys
):
    seed(workspace)
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    assert coverage(project, workspace) == 0
    out = capsys.readouterr().out
    assert "ad_hoc_revenue            monitored but declared nowhere" in out
    assert "  monitors export --stack dev --table ad_hoc_revenue\n" in out
    assert "counts: 1 declared and deployed; 4 declared but not deployed; " in out


@pytest.mark.parametrize("api", ["legacy", "data_quality"])
def test_coverage_says_whether_the_declared_schema_monitor_is_deployed(
    workspace, project, monkeypatch, capsys, api
):
    use_api(project, api)
    set_config(project, "anomalyDetection", {"enabled": True})
    seed(workspace)
    workspace.add_schema_monitor(GOLD)
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    assert coverage(project, workspace) == 0
    assert "\nschema anomaly detection: declared and deployed\n" in capsys.readouterr().out
    assert coverage(project, workspace, "--json") == 0
    assert json.loads(capsys.readouterr().out)["anomaly_detection"] == {
        "declared": True,
        "deployed": True,
        "state": "deployed",
        "detail": "",
    }


def test_a_refused_listing_is_a_sentence_and_exit_1(workspace, project, monkeypatch, capsys):
    seed(workspace)
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    workspace.fail_next(
        "GET", TABLES, status=403, message="User does not have USE SCHEMA on Schema"
    )
    assert coverage(project, workspace) == ExitCode.FAILED
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        f"error: cannot list the tables of {GOLD}: User does not have USE SCHEMA on Schema"
        in captured.err
    )
    assert "Traceback" not in captured.err


def test_a_table_not_read_makes_the_counts_partial_and_exit_1(
    workspace, project, monkeypatch, capsys
):
    seed(workspace)
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    workspace.fail_next("GET", f"{TABLES}/{GOLD}.ad_hoc_revenue/monitor", status=500)
    assert coverage(project, workspace) == ExitCode.FAILED
    out = capsys.readouterr().out
    assert "1 table(s) could not be read: the counts above leave them out" in out


def test_a_terminal_gets_one_progress_line_per_table(workspace, project, monkeypatch, capsys):
    seed(workspace)
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    monkeypatch.setattr(ScrubbedStream, "isatty", lambda self: True)
    assert coverage(project, workspace) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if "] " in line]
    assert sorted(line.split("] ")[1] for line in lines) == [
        "ad_hoc_revenue: monitored",
        "dim_host: no monitor",
        "dim_user: monitored",
        "staging_events: no monitor",
    ]


def test_json_output_prints_no_progress(workspace, project, monkeypatch, capsys):
    seed(workspace)
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    monkeypatch.setattr(ScrubbedStream, "isatty", lambda self: True)
    assert coverage(project, workspace, "--json") == 0
    assert "coverage: [" not in capsys.readouterr().err


def test_every_exit_code_of_coverage_is_documented():
    documented = {code for code, _ in coverage_command.EXIT_CODES}
    assert documented == {ExitCode.OK, ExitCode.FAILED, ExitCode.INVALID, ExitCode.ABORTED}
    assert all(
        f" {int(code)} " in coverage_command.__doc__.replace("\n", " ") for code in documented
    )


def test_a_pattern_templates_tables_count_as_declared(workspace, project, monkeypatch, capsys):
    seed(workspace)
    workspace.add_monitor(f"{GOLD}.fact_new")  # declared by the pattern only
    (project / "monitors/declarations/facts.yaml").write_text(
        "tables: {like: 'fact\\_%'}\nsnapshot: {}\n"
    )
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    assert coverage(project, workspace, "--json") == 0
    states = {t["table"]: t["state"] for t in json.loads(capsys.readouterr().out)["tables"]}
    assert states["fact_new"] == "deployed"
