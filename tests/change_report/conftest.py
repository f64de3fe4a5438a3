"""A throw-away git repository holding a copy of the project (tests/helpers/project_repo.py).

Each test commits the shipped declarations and stack files, edits the working tree, and runs
`plan --against` through the real argument parser, so the real repository is never read.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers.project_repo import ProjectRepo, copy_project_files


@pytest.fixture(autouse=True)
def no_databricks_credentials(monkeypatch, tmp_path):
    """No DATABRICKS_* variables and no ~/.databrickscfg: the report's cost section says cost
    is not shown (tests/change_report/test_cost_of_change.py gives it a workspace)."""
    import os

    for name in list(os.environ):
        if name.startswith("DATABRICKS_"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))


@pytest.fixture(scope="session")
def committed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project committed once per session; each test works on a copy."""
    template = ProjectRepo(tmp_path_factory.mktemp("template") / "project")
    template.path.mkdir()
    copy_project_files(template.path)
    template.git("init", "-q", "-b", "main")
    template.commit("the shipped project")
    return template.path


@pytest.fixture
def repo(tmp_path: Path, committed_project: Path) -> ProjectRepo:
    """A repository whose HEAD is the shipped project; edit its working tree in the test."""
    project = ProjectRepo(tmp_path / "project")
    shutil.copytree(committed_project, project.path)
    return project
