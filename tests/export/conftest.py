"""Fixtures for `export`: a fake workspace, the provider's model over it, a project copy.

Monitors are created in the fake workspace the way the provider creates them from what the
program registers (tests/fakes/provider_read.py `BridgedMonitors.create`), or, for monitors the
seed's scripts made, with `FakeWorkspace.add_monitor` and any body a script could send.
"""

from __future__ import annotations

import copy
import functools
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config

from monitors.declared.loader import load_declarations
from monitors.declared.project import Project, select_monitors
from monitors.declared.settings import StackSettings, load_stack_settings
from monitors.naming import DECLARATIONS_PATH, PROJECT_ROOT
from monitors.program.register import deploy
from tests.fakes.mock_runtime import ProgramRun, run_program
from tests.fakes.provider_read import BridgedMonitors
from tests.fakes.workspace import FakeWorkspace, VirtualClock

STACKS = ("dev", "prod")
SHIPPED = load_declarations()
TABLES = tuple(SHIPPED)
EVERY_MONITOR = [(stack, table) for stack in STACKS for table in TABLES]


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No DATABRICKS_* variables, no ~/.databrickscfg, no real `pulumi` on PATH."""
    for name in list(os.environ):
        if name.startswith(("DATABRICKS_", "ARM_", "PULUMI_CONFIG_PASSPHRASE")):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    path = [d for d in os.environ["PATH"].split(os.pathsep) if not Path(d, "pulumi").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(path))


@pytest.fixture
def workspace() -> Iterator[FakeWorkspace]:
    with FakeWorkspace() as fake:
        yield fake


@pytest.fixture
def client(workspace) -> WorkspaceClient:
    config = Config(
        host=workspace.host, token=workspace.token, auth_type="pat", clock=VirtualClock()
    )
    return WorkspaceClient(config=config)


@pytest.fixture
def provider(client) -> BridgedMonitors:
    return BridgedMonitors(client)


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project's stack files with an empty declarations directory."""
    root = tmp_path / "project"
    (root / DECLARATIONS_PATH).mkdir(parents=True)
    for path in PROJECT_ROOT.glob("Pulumi*.yaml"):
        shutil.copyfile(path, root / path.name)
    return root


@functools.cache
def settings_of(stack: str) -> StackSettings:
    return load_stack_settings(stack)


def run_declarations(stack: str, specs: Mapping[str, Any]) -> ProgramRun:
    """The program over these declarations (all enabled) with the stack's real settings."""
    settings = settings_of(stack).model_copy(update={"enabled": None})
    project = Project(settings, select_monitors(settings, dict(specs), f"Pulumi.{stack}.yaml"))
    return run_program(lambda: deploy(project), stack=stack)


@functools.cache
def _shipped_run(stack: str) -> ProgramRun:
    return run_declarations(stack, SHIPPED)


def registered(stack: str, table: str) -> dict[str, Any]:
    """The inputs the program registers for a shipped monitor (a fresh copy)."""
    return copy.deepcopy(_shipped_run(stack).monitor(table).inputs)


def create_through_program(
    workspace: FakeWorkspace, provider: BridgedMonitors, inputs: Mapping[str, Any]
) -> dict[str, Any]:
    """`pulumi up` creating the monitor from the program's inputs; it initialises at once."""
    workspace.add_table(inputs["tableName"])
    workspace.initialise_after(inputs["tableName"], gets=1)
    return provider.create(inputs)


def answer(client: WorkspaceClient, full_name: str) -> dict[str, Any]:
    """The monitor as the workspace's GET returns it."""
    return dict(client.api_client.do("GET", f"/api/2.1/unity-catalog/tables/{full_name}/monitor"))
