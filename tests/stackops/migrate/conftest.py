"""Fixtures of the migrate tests: the fake workspace reached through the environment, and the
scene (tests/stackops/migrate/scene.py) on top of the fake CLI and the project copy."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.workspace import FakeWorkspace
from tests.stackops.conftest import TABLES, FakePulumi, full_name
from tests.stackops.migrate.scene import VERSION, Scene, output_schema


@pytest.fixture
def workspace(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeWorkspace]:
    """The fake workspace, reached through DATABRICKS_HOST/TOKEN only (no profile, no other
    variable), with both stacks' monitors deployed and initialised."""
    for name in list(os.environ):
        if name.startswith(("DATABRICKS_", "ARM_")):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    with FakeWorkspace() as fake:
        monkeypatch.setenv("DATABRICKS_HOST", fake.host)
        monkeypatch.setenv("DATABRICKS_TOKEN", fake.token)
        for stack in ("dev", "prod"):
            fake.add_schema(output_schema(stack))
            for table in TABLES:
                name = full_name(stack, table)
                fake.add_monitor(name, output_schema_name=output_schema(stack))
                fake.initialise_monitor(name)
                fake.set_monitor_status(name, "MONITOR_STATUS_ACTIVE", monitor_version=VERSION)
        yield fake


@pytest.fixture
def scene(fake: FakePulumi, project: Path, workspace: FakeWorkspace) -> Scene:
    return Scene(fake, project, workspace)
