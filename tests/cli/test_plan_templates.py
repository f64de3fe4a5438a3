"""`plan` with pattern templates: resolved through databricks-sdk against the (fake) workspace
when credentials are there, reported as unresolved (and why) when they are not."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from monitors.cli.main import main
from monitors.naming import PROJECT_ROOT
from tests.fakes.workspace import FakeWorkspace

GOLD = "wanderbricks_dev.wanderbricks_gold"
FACTS = "monitors/declarations/facts.yaml"
DIMS = "monitors/declarations/dims.yaml"


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No DATABRICKS_* variables, no ~/.databrickscfg, no real `pulumi`."""
    for name in list(os.environ):
        if name.startswith(("DATABRICKS_", "ARM_")):
            monkeypatch.delenv(name)
    monkeypatch.delenv("GOOGLE_CREDENTIALS", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    path = [d for d in os.environ["PATH"].split(os.pathsep) if not Path(d, "pulumi").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(path))


@pytest.fixture
def project(tmp_path) -> Path:
    """The project with a pattern template for the facts and a list template for a new table;
    the facts' own files stay, so the own file wins over the pattern for them."""
    root = tmp_path / "project"
    (root / "monitors").mkdir(parents=True)
    for path in PROJECT_ROOT.glob("Pulumi*.yaml"):
        shutil.copyfile(path, root / path.name)
    shutil.copytree(PROJECT_ROOT / "monitors" / "declarations", root / "monitors" / "declarations")
    (root / FACTS).write_text(yaml.safe_dump({"tables": {"like": "fact\\_%"}, "snapshot": {}}))
    (root / DIMS).write_text(yaml.safe_dump({"tables": ["dim_new"], "snapshot": {}}))
    return root


def shown(document: dict, file: str) -> str:
    """A declaration file's path as the plan shows it (relative to the working directory when
    it can be, absolute otherwise)."""
    (found,) = [path for path in document["templates"] if path.endswith(file)]
    return found


def plan(project: Path, capsys) -> tuple[int, dict, str]:
    code = main(["plan", "--stack", "dev", "--json", "--project-dir", str(project)])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_plan_resolves_a_pattern_with_the_workspace_listing_views_left_out(
    project, capsys, monkeypatch
):
    with FakeWorkspace() as workspace:
        for table in ("fact_booking_daily", "fact_new", "fact_other", "factory"):
            workspace.add_table(f"{GOLD}.{table}")
        workspace.add_table(f"{GOLD}.fact_view", table_type="VIEW")
        monkeypatch.setenv("DATABRICKS_HOST", workspace.host)
        monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
        code, document, _ = plan(project, capsys)
    assert code == 0
    facts = shown(document, FACTS)
    assert document["templates"][facts]["tables"] == ["fact_new", "fact_other"]
    assert document["monitors"]["fact_new"]["declared_in"] == facts
    assert "declared_in" not in document["monitors"]["fact_booking_daily"]  # its own file wins
    assert any("own file wins" in note for note in document["template_notes"])


def test_plan_without_credentials_names_the_unresolved_pattern_and_keeps_the_lists(project, capsys):
    code, document, err = plan(project, capsys)
    assert code == 0
    facts = shown(document, FACTS)
    assert document["templates"][facts]["tables"] is None
    assert "no usable Databricks credentials" in document["templates"][facts]["unresolved"]
    assert f"warning: {facts}: pattern not resolved" in err
    assert document["monitors"]["dim_new"]["declared_in"] == shown(document, DIMS)


def test_plan_of_a_stack_without_templates_shows_no_template_keys(tmp_path, capsys):
    code, document, _ = plan(PROJECT_ROOT, capsys)
    assert code == 0 and "templates" not in document
    assert all("declared_in" not in monitor for monitor in document["monitors"].values())


def test_verify_checks_the_tables_a_pattern_matches_in_the_workspace(project, capsys, monkeypatch):
    with FakeWorkspace() as workspace:
        workspace.add_table(f"{GOLD}.fact_new")
        workspace.add_table(f"{GOLD}.fact_view", table_type="VIEW")
        monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
        argv = ["verify", "--stack", "dev", "--project-dir", str(project), "--json"]
        code = main([*argv, "--host", workspace.host, "--table", "fact_new"])
        report = json.loads(capsys.readouterr().out)
    assert code == 1  # no monitor was deployed on it
    assert [m["table"] for m in report["monitors"]] == ["fact_new"]
