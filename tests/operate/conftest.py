"""Fixtures for `refresh` and `cost`: a project copy whose stack file names a fake workspace,
on either monitor API, with every monitor of the dev stack deployed there."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from monitors.declared.project import build_project
from monitors.declared.project_input import read_project_input
from monitors.naming import API_DATA_QUALITY, API_LEGACY, PROJECT_ROOT
from monitors.workspace import client as client_module
from monitors.workspace.client import Limits
from tests.fakes.workspace import FakeWorkspace

APIS = (API_LEGACY, API_DATA_QUALITY)
# Short budgets so that throttling to the end of the retry budget costs seconds, not minutes.
TEST_LIMITS = Limits(http_timeout_s=5, retry_timeout_s=2, connect_timeout_s=2, total_s=30)


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No DATABRICKS_* variables, no ~/.databrickscfg, no real `pulumi`, short budgets."""
    for name in list(os.environ):
        if name.startswith(("DATABRICKS_", "ARM_", "PULUMI_CONFIG_PASSPHRASE")):
            monkeypatch.delenv(name)
    monkeypatch.delenv("GOOGLE_CREDENTIALS", raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    path = [d for d in os.environ["PATH"].split(os.pathsep) if not Path(d, "pulumi").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(path))
    monkeypatch.setattr(client_module, "OPERATE_LIMITS", TEST_LIMITS)


@dataclass
class Scene:
    """A fake workspace holding the dev stack's monitors, and a project pointing at it."""

    fake: FakeWorkspace
    root: Path
    api: str
    tables: tuple[str, ...]

    def full_name(self, table: str) -> str:
        return build_project(read_project_input("dev", self.root)).settings.full_table_name(table)

    def refreshes_path(self, table: str) -> str:
        """The path a queue of `table`'s refresh takes on this scene's API."""
        name = self.full_name(table)
        if self.api == API_LEGACY:
            return f"/api/2.1/unity-catalog/tables/{name}/monitor/refreshes"
        return f"/api/data-quality/v1/monitors/table/{self.fake.tables[name]['table_id']}/refreshes"

    def set_config(self, **settings: object) -> None:
        path = self.root / "Pulumi.dev.yaml"
        document = yaml.safe_load(path.read_text())
        document["config"].update({f"lakehouse-monitors:{k}": v for k, v in settings.items()})
        path.write_text(yaml.safe_dump(document, sort_keys=False))


@pytest.fixture(params=APIS)
def scene(request, tmp_path, monkeypatch) -> Iterator[Scene]:
    """The dev stack on the API of the parameter, every monitor deployed and initialised."""
    root = tmp_path / "project"
    (root / "monitors").mkdir(parents=True)
    for path in PROJECT_ROOT.glob("Pulumi*.yaml"):
        shutil.copyfile(path, root / path.name)
    shutil.copytree(PROJECT_ROOT / "monitors" / "declarations", root / "monitors" / "declarations")
    with FakeWorkspace() as fake:
        stack = root / "Pulumi.dev.yaml"
        document = yaml.safe_load(stack.read_text())
        document["config"]["databricks:host"] = fake.host
        monkeypatch.setenv("DATABRICKS_TOKEN", fake.token)  # a token is never in the file
        document["config"]["lakehouse-monitors:api"] = request.param
        stack.write_text(yaml.safe_dump(document, sort_keys=False))
        project = build_project(read_project_input("dev", root))
        for table in project.monitors:
            full_name = project.settings.full_table_name(table)
            fake.add_monitor(full_name, output_schema_name=project.settings.output_schema_name)
            fake.initialise_monitor(full_name)
        yield Scene(fake, root, request.param, tuple(project.monitors))
