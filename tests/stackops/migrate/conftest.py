"""Fixtures of the migrate tests: the fake workspace reached through the environment, and the
scene (tests/helpers/migrate.py) on top of the fake CLI and a project copy.

A migration runs many CLI processes, so tests that only look at a finished migration share one
(`migrated_dev`, `migrated_prod`: module-scoped, each in its own directories and environment).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.workspace import FakeWorkspace
from tests.helpers.fake_cli import FakePulumi
from tests.helpers.migrate import Migrated, Scene, migrated, started_workspace


@pytest.fixture
def workspace(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeWorkspace]:
    """The fake workspace, reached through DATABRICKS_HOST/TOKEN only (no profile, no other
    variable), with both stacks' monitors deployed and initialised."""
    with started_workspace(monkeypatch, tmp_path) as fake:
        yield fake


@pytest.fixture
def scene(fake: FakePulumi, project: Path, workspace: FakeWorkspace) -> Scene:
    return Scene(fake, project, workspace)


@pytest.fixture(scope="module")
def migrated_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Migrated]:
    """Stack dev (no alerts) migrated to data_quality, once per module."""
    yield from migrated(tmp_path_factory, "dev", alerts=False)


@pytest.fixture
def migrated_dev_on(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Migrated]:
    """Stack dev migrated by the CLI version the test is parametrised with (`cli_version`)."""
    yield from migrated(tmp_path_factory, "dev", alerts=False, cli_version=request.param)


@pytest.fixture(scope="module")
def migrated_prod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Migrated]:
    """Stack prod, protected, with alerts and schema anomaly detection, migrated once."""
    yield from migrated(tmp_path_factory, "prod", alerts=True, anomaly=True)
