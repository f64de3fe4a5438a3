"""Fixtures of the migrate tests: the fake workspace reached through the environment, and the
scene (tests/stackops/migrate/scene.py) on top of the fake CLI and a project copy.

A migration runs many CLI processes, so tests that only look at a finished migration share one
(`migrated_dev`, `migrated_prod`: module-scoped, each in its own directories and environment).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from monitors.naming import PROJECT_ROOT
from monitors.stackops.common import Env
from monitors.stackops.migrate.command import migrate
from monitors.stackops.migrate.context import MigrateReport
from tests.fakes.workspace import FakeWorkspace
from tests.stackops.conftest import FAKE_ROOT, TABLES, Console, FakePulumi, full_name
from tests.stackops.migrate.scene import DQ, VERSION, Scene, output_schema


def copy_project(root: Path) -> Path:
    """A copy of the project (Pulumi*.yaml, declarations) the fake CLI may edit."""
    (root / "monitors").mkdir(parents=True)
    for path in PROJECT_ROOT.glob("Pulumi*.yaml"):
        shutil.copyfile(path, root / path.name)
    shutil.copytree(PROJECT_ROOT / "monitors" / "declarations", root / "monitors" / "declarations")
    return root


@pytest.fixture
def workspace(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeWorkspace]:
    """The fake workspace, reached through DATABRICKS_HOST/TOKEN only (no profile, no other
    variable), with both stacks' monitors deployed and initialised."""
    with started_workspace(monkeypatch, tmp_path) as fake:
        yield fake


class started_workspace:
    """The fake workspace with both stacks' monitors, and the environment pointing at it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
        self.monkeypatch, self.tmp = monkeypatch, tmp
        self.fake = FakeWorkspace()

    def __enter__(self) -> FakeWorkspace:
        for name in list(os.environ):
            if name.startswith(("DATABRICKS_", "ARM_")):
                self.monkeypatch.delenv(name)
        home = self.tmp / "home"
        home.mkdir()
        self.monkeypatch.setenv("HOME", str(home))
        fake = self.fake.start()
        self.monkeypatch.setenv("DATABRICKS_HOST", fake.host)
        self.monkeypatch.setenv("DATABRICKS_TOKEN", fake.token)
        for stack in ("dev", "prod"):
            fake.add_schema(output_schema(stack))
            for table in TABLES:
                name = full_name(stack, table)
                fake.add_monitor(name, output_schema_name=output_schema(stack))
                fake.initialise_monitor(name)
                fake.set_monitor_status(name, "MONITOR_STATUS_ACTIVE", monitor_version=VERSION)
        return fake

    def __exit__(self, *exc: object) -> None:
        self.fake.stop()


@pytest.fixture
def scene(fake: FakePulumi, project: Path, workspace: FakeWorkspace) -> Scene:
    return Scene(fake, project, workspace)


@dataclass
class Migrated:
    """A migration that ran to its end, and what it printed."""

    scene: Scene
    report: MigrateReport
    console: Console
    journal_seen: dict[str, object]
    anomaly: dict[str, object] | None = None


def _migrated(
    factory: pytest.TempPathFactory,
    stack: str,
    alerts: bool,
    anomaly: bool = False,
    cli_version: str = "3.272.0",
) -> Iterator[Migrated]:
    tmp = factory.mktemp(f"migrated-{stack}")
    with pytest.MonkeyPatch.context() as mp, started_workspace(mp, tmp) as workspace:
        directory = tmp / "fake-cli"
        directory.mkdir()
        mp.setenv("FAKE_PULUMI_SCENARIO", str(directory / "scenario.json"))
        mp.setenv("FAKE_PULUMI_PYTHON", sys.executable)
        mp.delenv("PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK", raising=False)
        fake = FakePulumi(directory, FAKE_ROOT)
        fake.write(stacks={})
        scene = Scene(fake, copy_project(tmp / "project"), workspace, stack=stack, alerts=alerts)
        scene.install(version=cli_version)
        schema_monitor = scene.add_anomaly_detection() if anomaly else None
        console = Console()
        seen: dict[str, object] = {}

        def out(line: str) -> None:
            console.out(line)
            if line.startswith("Wrote lakehouse-monitors:api"):  # the journal, mid-way
                seen["text"] = scene.journal.read_text()
                seen["mode"] = scene.journal.stat().st_mode & 0o777

        report = migrate(stack, DQ, assume_yes=True, env=Env(scene.project, fake.root, out))
        yield Migrated(scene, report, console, seen, schema_monitor)


@pytest.fixture(scope="module")
def migrated_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Migrated]:
    """Stack dev (no alerts) migrated to data_quality, once per module."""
    yield from _migrated(tmp_path_factory, "dev", alerts=False)


@pytest.fixture
def migrated_dev_on(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Migrated]:
    """Stack dev migrated by the CLI version the test is parametrised with (`cli_version`)."""
    yield from _migrated(tmp_path_factory, "dev", alerts=False, cli_version=request.param)


@pytest.fixture(scope="module")
def migrated_prod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Migrated]:
    """Stack prod, protected, with alerts and schema anomaly detection, migrated once."""
    yield from _migrated(tmp_path_factory, "prod", alerts=True, anomaly=True)
