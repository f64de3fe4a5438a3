"""Fixtures: a fake workspace per test and a real WorkspaceClient pointed at it."""

from collections.abc import Iterator

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config

from tests.fakes.workspace import FakeWorkspace, VirtualClock


@pytest.fixture(autouse=True)
def isolated_databricks_env(monkeypatch, tmp_path):
    """Keep the developer's DATABRICKS_* variables and ~/.databrickscfg out of every test."""
    import os

    for name in list(os.environ):
        if name.startswith("DATABRICKS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))


@pytest.fixture
def fake_workspace() -> Iterator[FakeWorkspace]:
    with FakeWorkspace() as workspace:
        yield workspace


@pytest.fixture
def sdk_clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def workspace_client(fake_workspace, sdk_clock) -> WorkspaceClient:
    """The real SDK client; its clock is virtual so retry backoff costs no wall time."""
    config = Config(
        host=fake_workspace.host,
        token=fake_workspace.token,
        auth_type="pat",
        clock=sdk_clock,
        retry_timeout_seconds=60,
    )
    return WorkspaceClient(config=config)
