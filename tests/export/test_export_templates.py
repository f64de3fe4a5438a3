"""`export` and templates: an own file for a table a list template names would be a second
claim, so it is not written (--force neither); one a pattern covers is written, noting that the
own file now wins over the pattern."""

from __future__ import annotations

import json

import pytest

from monitors.cli.main import main
from monitors.declared.project import build_project
from monitors.declared.project_input import read_project_input
from monitors.naming import DECLARATIONS_PATH
from tests.helpers.shipped_monitors import create_through_program, registered

DIMS = f"{DECLARATIONS_PATH}/dims.yaml"
FACTS = f"{DECLARATIONS_PATH}/facts.yaml"


@pytest.fixture
def deployed(workspace, provider, project, monkeypatch):
    """dim_user and fact_booking_daily monitored in dev; a list template naming dim_user and a
    pattern template covering the facts in the project."""
    for table in ("dim_user", "fact_booking_daily"):
        create_through_program(workspace, provider, registered("dev", table))
    (project / DIMS).write_text("tables: [dim_user]\nsnapshot: {}\n")
    (project / FACTS).write_text("tables: {like: 'fact\\_%'}\nsnapshot: {}\n")
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    return workspace


def exported(project, workspace, capsys, *extra: str) -> dict:
    """`export --json` of the project against the workspace: each table's result."""
    argv = ["export", "--stack", "dev", "--project-dir", str(project), "--host", workspace.host]
    assert main([*argv, "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)["tables"]


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["", "--force"])
def test_a_table_a_list_template_names_is_not_written_naming_the_template(
    deployed, project, capsys, force
):
    result = exported(project, deployed, capsys, "--table", "dim_user", *force)["dim_user"]
    assert result["outcome"] == "skipped"
    assert f"{DIMS} lists it" in result["detail"]
    assert "remove it from that list first" in result["detail"]
    assert not (project / DECLARATIONS_PATH / "dim_user.yaml").exists()


def test_a_table_a_pattern_covers_is_written_noting_the_own_file_now_wins(
    deployed, project, capsys
):
    table = "fact_booking_daily"
    result = exported(project, deployed, capsys, "--table", table)[table]
    assert result["outcome"] == "written"
    assert [n["field"] for n in result["notes"]] == ["tables"]
    assert f"{FACTS} covers it" in result["notes"][0]["message"]
    assert "own file now takes precedence" in result["notes"][0]["message"]
    # As the note says: the project loads, and the own file declares the table.
    project_read = build_project(read_project_input("dev", project))
    assert project_read.file_of("fact_booking_daily").endswith("fact_booking_daily.yaml")
