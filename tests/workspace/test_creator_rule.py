"""Adopt warns, before the first `pulumi up`, when the API shows that another identity created a
monitor (only the creator may update it through the legacy API)."""

from __future__ import annotations

import pytest

from monitors.stackops.adopt import adopt
from monitors.stackops.common import Env
from monitors.workspace.creator import (
    CreatorFinding,
    creator_findings,
    creator_rule_lines,
    home_owner,
)
from tests.helpers.console import Console
from tests.helpers.declarations import TABLES
from tests.helpers.fake_cli import FakePulumi, fake_pulumi, full_name, same_all

ALICE_HOME = "/Workspace/Users/alice@example.com/databricks_lakehouse_monitoring"


@pytest.mark.parametrize(
    ("path", "owner"),
    [
        (f"{ALICE_HOME}/dim_host", "alice@example.com"),
        ("/Users/alice@example.com/monitoring/dim_host", "alice@example.com"),
        (
            "/Workspace/Users/7f0c5e0a-1111-2222-3333-444455556666/x",
            "7f0c5e0a-1111-2222-3333-444455556666",
        ),
        ("/Workspace/Users/alice@example.com", "alice@example.com"),
        ("/Workspace/Shared/lakehouse_monitoring/dev/dim_host", None),
        ("/Workspace/Repos/alice@example.com/x", None),
        ("/Workspace/UsersX/alice/x", None),
        (None, None),
    ],
)
def test_the_likely_creator_is_the_owner_of_the_home_folder_holding_the_assets(path, owner):
    assert home_owner(path) == owner


def test_findings_name_the_identity_and_each_monitors_likely_creator(
    fake_workspace, workspace_client
):
    fake_workspace.add_monitor("c.s.dim_host", assets_dir=f"{ALICE_HOME}/dim_host")
    fake_workspace.add_monitor("c.s.dim_user", assets_dir="/Workspace/Shared/m/dim_user")
    me, findings = creator_findings(
        workspace_client, {"dim_host": "c.s.dim_host", "dim_user": "c.s.dim_user", "x": "c.s.x"}
    )
    assert me == "deployer@example.com"
    assert findings == [
        CreatorFinding("dim_host", f"{ALICE_HOME}/dim_host", "alice@example.com"),
        CreatorFinding("dim_user", "/Workspace/Shared/m/dim_user", None),
    ]


def test_another_creator_is_a_warning_naming_the_monitor_creator_and_way_out():
    lines = creator_rule_lines(
        "ci-sp", [CreatorFinding("dim_host", f"{ALICE_HOME}/dim_host", "alice@example.com")]
    )
    assert lines[0].startswith("WARNING: the legacy monitor API lets only a monitor's creator")
    assert "Pulumi runs as ci-sp" in lines[0]
    assert lines[1] == f"  dim_host: {ALICE_HOME}/dim_host -> created by alice@example.com"
    assert "with the creator's credentials" in lines[2]


def test_own_monitors_need_no_warning_whatever_the_case_of_the_name():
    finding = CreatorFinding("dim_host", "/Workspace/Users/Me@Example.com/x", "Me@Example.com")
    assert creator_rule_lines("me@example.com", [finding]) == []


def test_an_unknown_creator_is_a_note_not_a_warning():
    [line] = creator_rule_lines("ci-sp", [CreatorFinding("dim_user", "/Workspace/Shared/x", None)])
    assert line.startswith("Note: the API does not say who created dim_user")


# ---------------------------------------------------------------------------- through adopt


@pytest.fixture
def fake_cli(tmp_path, monkeypatch) -> FakePulumi:
    fake = fake_pulumi(tmp_path / "fake-cli", monkeypatch)
    fake.write(
        stacks={"dev": {"resources": []}},
        cloud={full_name("dev", t): {"tableName": full_name("dev", t)} for t in TABLES},
        preview={"steps": same_all("dev")},
    )
    return fake


def test_adopt_warns_about_monitors_another_identity_created(
    fake_workspace,
    fake_cli,
    project,
    monkeypatch,
):
    for table in TABLES:
        folder = ALICE_HOME if table == "dim_host" else "/Workspace/Shared/old_scripts"
        fake_workspace.add_monitor(full_name("dev", table), assets_dir=f"{folder}/{table}")
    monkeypatch.setenv("DATABRICKS_HOST", fake_workspace.host)
    monkeypatch.setenv("DATABRICKS_TOKEN", fake_workspace.token)
    console = Console()
    adopt("dev", None, env=Env(project_root=project, pulumi_root=fake_cli.root, out=console.out))
    assert "Pulumi runs as deployer@example.com" in console.text
    assert f"  dim_host: {ALICE_HOME}/dim_host -> created by alice@example.com" in console.lines
    assert "Note: the API does not say who created dim_property, dim_user," in console.text
    assert console.lines[-1] == "No monitor would be recreated. Apply with: pulumi up --stack dev"


def test_adopt_still_completes_when_the_creator_check_cannot_run(fake_cli, project):
    console = Console()
    report = adopt(
        "dev", None, env=Env(project_root=project, pulumi_root=fake_cli.root, out=console.out)
    )
    assert report.imported == TABLES
    assert any(
        line.startswith("Could not check who created the monitors (no usable Databricks")
        for line in console.lines
    )
