"""Fixtures for `refresh` and `cost`: a project copy whose stack file names a fake workspace,
on either monitor API, with every monitor of the dev stack deployed there (the scene:
tests/helpers/operate_scene.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml

from monitors.declared.project import build_project
from monitors.declared.project_input import read_project_input
from monitors.workspace import client as client_module
from tests.fakes.workspace import FakeWorkspace, VirtualClock
from tests.helpers.machine import isolate_from_the_machine
from tests.helpers.operate_scene import APIS, TEST_LIMITS, Scene
from tests.helpers.project_copy import copy_project


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No DATABRICKS_* variables, no ~/.databrickscfg, no real `pulumi`, short budgets."""
    isolate_from_the_machine(monkeypatch, tmp_path)
    monkeypatch.setattr(client_module, "OPERATE_LIMITS", TEST_LIMITS)
    # The SDK's retry backoff sleeps on a virtual clock: the same attempts, no wall time.
    monkeypatch.setattr(client_module, "RealClock", VirtualClock)


@pytest.fixture(params=APIS)
def scene(request, tmp_path, monkeypatch) -> Iterator[Scene]:
    """The dev stack on the API of the parameter, every monitor deployed and initialised."""
    root = copy_project(tmp_path / "project")
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
