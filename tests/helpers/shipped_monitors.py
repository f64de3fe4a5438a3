"""The shipped monitors as the program registers them (under the stacks' real settings) and as
the provider creates them in the fake workspace (tests/fakes/provider_read.py)."""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from typing import Any

from databricks.sdk import WorkspaceClient

from monitors.declared.loader import load_declarations
from monitors.declared.project import Project, select_monitors
from monitors.declared.settings import StackSettings, load_stack_settings
from monitors.program.register import deploy
from tests.fakes.mock_runtime import ProgramRun, run_program
from tests.fakes.provider_read import BridgedMonitors
from tests.fakes.workspace import FakeWorkspace

STACKS = ("dev", "prod")
SHIPPED = load_declarations()
EVERY_MONITOR = [(stack, table) for stack in STACKS for table in SHIPPED]


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
