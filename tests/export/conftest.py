"""Fixtures for `export`: a fake workspace, the provider's model over it, a project copy (helpers:
`tests.helpers.shipped_monitors`).

Monitors are created in the fake workspace the way the provider creates them from what the
program registers (tests/fakes/provider_read.py `BridgedMonitors.create`), or, for monitors the
seed's scripts made, with `FakeWorkspace.add_monitor` and any body a script could send.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config

from monitors.naming import DECLARATIONS_PATH, PROJECT_ROOT
from tests.fakes.provider_read import BridgedMonitors
from tests.fakes.workspace import FakeWorkspace, VirtualClock
from tests.helpers.machine import isolate_from_the_machine


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No DATABRICKS_* variables, no ~/.databrickscfg, no real `pulumi` on PATH."""
    isolate_from_the_machine(monkeypatch, tmp_path)


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
