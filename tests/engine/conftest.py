"""The engine suite's fixtures: the real `pulumi`, a scratch copy of the project, a loopback
workspace, and the commands users run, each in an environment that reaches nothing else.

Every run gets its own file backend, `HOME` and Databricks config file; the plugin cache
(`PULUMI_HOME`) is shared by the session. The environment follows pulumi's providertest
`pulumitest/newStack.go` (file backend, passphrase, no update check) and pulumi's
`sdk/go/common/env/env.go` names; automatic plugin download is off
(`PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION`, pkg/engine/plugins.go), so a missing plugin is
an immediate error, never a download attempt.

Without the binaries the suite skips, saying how to build them; with `LHM_ENGINE_REQUIRED=1`
(as `.ci/run` sets) a missing binary fails every test instead.
`Project` and the names it uses are in `tests.helpers.real_engine`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.engine.binaries import REPO, Engine, find_engine
from tests.engine.isolation import isolated_env, required
from tests.fakes.workspace import FakeWorkspace
from tests.helpers.real_engine import (
    CATALOGS,
    EXTRA_CATALOGS,
    EXTRA_GOLD,
    EXTRA_OUTPUT,
    GOLD,
    OUTPUT,
    PASSPHRASE,
    TABLES,
    TOKEN,
    Project,
)


@pytest.fixture(scope="session")
def engine() -> Engine:
    return required(find_engine, "LHM_ENGINE_REQUIRED", "the engine suite")


@pytest.fixture(scope="session")
def pulumi_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One plugin cache for the session (nothing is downloaded into it)."""
    return tmp_path_factory.mktemp("pulumi-home")


@pytest.fixture
def workspace() -> Iterator[FakeWorkspace]:
    """The loopback workspace with both stacks' gold tables; fails the test on any request it
    does not know (a fake must never answer by guessing)."""
    fake = FakeWorkspace(token=TOKEN)
    fake.initialise_created_after_gets = 1
    for catalog in (*CATALOGS.values(), *EXTRA_CATALOGS):
        for output in (OUTPUT, *EXTRA_OUTPUT):
            fake.add_schema(f"{catalog}.{output}")
        for gold in (GOLD, *EXTRA_GOLD):
            for table in TABLES:
                fake.add_table(f"{catalog}.{gold}.{table}")
    with fake:
        yield fake
    assert not fake.unknown_requests, (
        "the provider or the program made requests the fake workspace does not know: "
        + ", ".join(dict.fromkeys(fake.unknown_requests))
    )


@pytest.fixture
def project(tmp_path: Path, engine: Engine, pulumi_home: Path, workspace: FakeWorkspace) -> Project:
    """A scratch copy of the project with the provider attached by path, a file backend of its
    own, and an environment that reaches only the loopback workspace."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("Pulumi.dev.yaml", "Pulumi.prod.yaml", "__main__.py"):
        shutil.copyfile(REPO / name, root / name)
    shutil.copytree(
        REPO / "monitors", root / "monitors", ignore=shutil.ignore_patterns("__pycache__")
    )
    (root / ".venv").symlink_to(REPO / ".venv")
    # The provider by path (`plugins.providers`, pulumi sdk/go/common/workspace/project.go
    # `ProjectPlugin`): the engine takes it from there whatever version the SDK asks for.
    settings = yaml.safe_load((REPO / "Pulumi.yaml").read_text())
    settings["plugins"] = {
        "providers": [{"name": "databricks", "path": str(engine.provider.parent)}]
    }
    (root / "Pulumi.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    (tmp_path / "state").mkdir()
    env = isolated_env(
        tmp_path,
        pulumi_home,
        PASSPHRASE,
        PATH=f"{engine.bin}{os.pathsep}{os.environ.get('PATH', '')}",
        PULUMI_SKIP_CONFIRMATIONS="true",
    )
    return Project(root=root, engine=engine, env=env, workspace=workspace)


ENGINE_TESTS = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every engine test runs on one xdist worker, in file order (`--dist loadgroup`): they share
    one plugin cache (tests/engine/isolation.py), which no test has shown safe to share. Each is
    `slow` too (a real `pulumi` run), so `-m "not slow"` leaves the suite out."""
    for item in items:
        if ENGINE_TESTS in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("engine"))
            item.add_marker(pytest.mark.slow)
