"""The tutorial's commands in blocks marked `console test` run, in order, on a copy of the project
against the fake workspace, and each succeeds: a newcomer following the page is not let down.
(tests/engine/test_tutorial.py runs them, and the `console engine` blocks, with the real CLI.)

What runs for real: every `monitors` command (in process, as the console command runs it) and
every plain `pulumi config set` (through the fake CLI, tests/fakes/pulumi_cli, which edits the
stack file as the real one does; the stack `pulumi stack init dev` selected is passed as
`--stack dev`). What is stood in: `pulumi up` registers what `monitors plan` prints straight
into the fake workspace, as tests/cli/test_verify_command.py deploys (the real `pulumi up` of
the same program is the engine suite's, tests/engine); `pulumi config set --secret` reaches the
fake CLI, which does not encrypt, as DATABRICKS_TOKEN instead (the source `verify` reads where
no CLI is installed). Any other command in a tested block fails the test.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config

from monitors.cli.main import main
from monitors.declared.project import build_project
from monitors.declared.project_input import read_project_input
from monitors.desired.plan import make_plan
from monitors.naming import PROJECT_ROOT
from tests.docs.tutorial import BOTH, commands, filled
from tests.fakes.workspace import FakeWorkspace
from tests.helpers.machine import isolate_from_the_machine

FAKE_PULUMI = PROJECT_ROOT / "tests" / "fakes" / "pulumi_cli" / "bin" / "pulumi"
STACK = "dev"


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """No DATABRICKS_* variables, no ~/.databrickscfg, no real `pulumi` on PATH."""
    isolate_from_the_machine(monkeypatch, tmp_path)


def pulumi_up(workspace: FakeWorkspace, project: Path) -> None:
    """What `pulumi up` leaves in the workspace: each planned monitor created and initialised."""
    plan = make_plan(build_project(read_project_input(STACK, project)))
    client = WorkspaceClient(
        config=Config(host=workspace.host, token=workspace.token, auth_type="pat")
    )
    for table, request in plan.requests.items():
        full_name = plan.project.settings.full_table_name(table)
        workspace.add_table(full_name)
        client.api_client.do(
            "POST", f"/api/2.1/unity-catalog/tables/{full_name}/monitor", body=request
        )
        workspace.initialise_monitor(full_name)
        workspace.add_refresh(full_name, "SUCCESS")


def run(words: list[str], workspace: FakeWorkspace, project: Path, monkeypatch, tmp_path) -> int:
    words = filled(words, workspace.host, workspace.token)
    if words[0] == "monitors":
        return main([*words[1:], "--project-dir", str(project)])
    if words[:3] == ["pulumi", "config", "set"] and "--secret" in words:
        monkeypatch.setenv("DATABRICKS_TOKEN", words[-1])
        return 0
    if words[:3] == ["pulumi", "config", "set"]:
        scenario = tmp_path / "scenario.json"
        scenario.write_text(json.dumps({"stacks": {STACK: {"resources": [], "outputs": {}}}}))
        env = {**os.environ, "FAKE_PULUMI_SCENARIO": str(scenario)}
        env["FAKE_PULUMI_PYTHON"] = sys.executable
        command = [str(FAKE_PULUMI), *words[1:], "--stack", STACK]
        return subprocess.run(command, cwd=project, env=env, check=False).returncode
    if words == ["pulumi", "up"]:
        pulumi_up(workspace, project)
        return 0
    raise AssertionError(f"the tutorial test cannot run {shlex.join(words)}: mark its block plain")


def test_the_tutorial_marks_its_commands_for_testing():
    """The page says its commands are tested; a page that lost its marks would test nothing."""
    programs = {words[0] for words in commands(BOTH)}
    assert programs == {"monitors", "pulumi"}


def test_every_tested_command_of_the_tutorial_succeeds(
    isolated, project, monkeypatch, tmp_path, capsys
):
    with FakeWorkspace() as workspace:
        for words in commands(BOTH):
            code = run(words, workspace, project, monkeypatch, tmp_path)
            captured = capsys.readouterr()
            assert code == 0, f"{shlex.join(words)} exited {code}:\n{captured.out}{captured.err}"
