"""What the whole suite shares: fixtures several folders use (a folder's own fixtures are in its
`conftest.py`, one nearer a test overrides these). Helpers are in `tests/helpers`, never here."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.declarations import TABLES
from tests.helpers.fake_cli import FakePulumi, fake_pulumi, monitor_resource
from tests.helpers.project_copy import copy_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project (stack files and declarations) the test, or the fake CLI, may edit."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakePulumi:
    """The recording fake `pulumi`, with dev and prod stacks holding all five monitors."""
    fake = fake_pulumi(tmp_path / "fake-cli", monkeypatch)
    fake.write(
        stacks={
            stack: {"resources": [monitor_resource(stack, t) for t in TABLES]}
            for stack in ("dev", "prod")
        }
    )
    return fake
