"""Fixtures of the stack-operation tests: the console and the environment of an operation, over
the project copy and the fake CLI (`project`, `fake`: tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitors.stackops.common import Env
from tests.helpers.console import Console
from tests.helpers.fake_cli import FakePulumi


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def env(project: Path, fake: FakePulumi, console: Console) -> Env:
    return Env(project_root=project, pulumi_root=fake.root, out=console.out)
