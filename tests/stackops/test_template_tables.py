"""Stack operations and pattern templates: a table a pattern covers is accepted by name without
the workspace; an operation on every monitor lists the gold schema (as `plan` does) to include
the pattern's tables, and refuses, naming the template, when it cannot."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from monitors.cli.main import main
from monitors.declared.project import build_project
from monitors.declared.settings import read_stack_config
from monitors.errors import CredentialsError, ExitCode, UnknownTableError
from monitors.naming import monitor_urn
from monitors.stackops.common import Env, resolve_tables
from monitors.stackops.reset.command import reset
from monitors.stackops.urns import urns
from tests.fakes.workspace import FakeWorkspace
from tests.helpers.declarations import TABLES
from tests.helpers.fake_cli import FakePulumi, monitor_resource, step
from tests.helpers.project import project_input

FACTS = "tables: {like: 'fact\\_%'}\nsnapshot: {}\n"
GOLD = "wanderbricks_dev.wanderbricks_gold"
PATTERN_FILE = "monitors/declarations/facts.yaml"
NEW = "fact_new"  # in the workspace only: the pattern declares it


def project():
    return build_project(project_input("dev", read_stack_config("dev"), {"d/facts.yaml": FACTS}))


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No DATABRICKS_* variables and no ~/.databrickscfg: a test gives credentials itself."""
    for name in list(os.environ):
        if name.startswith(("DATABRICKS_", "ARM_")):
            monkeypatch.delenv(name)
    monkeypatch.delenv("GOOGLE_CREDENTIALS", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))


@pytest.fixture
def patterned(project: Path, fake: FakePulumi) -> Path:
    """The project copy with a pattern template over the facts (their own files win), and the
    pattern's new table deployed in the dev stack."""
    (project / PATTERN_FILE).write_text(FACTS)
    stacks = fake.scenario["stacks"]
    stacks["dev"]["resources"].append(monitor_resource("dev", NEW))
    fake.write(stacks=stacks)
    return project


@pytest.fixture
def workspace(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeWorkspace]:
    """The loopback workspace holding the gold tables and the pattern's new one, and the
    credentials to reach it."""
    with FakeWorkspace() as workspace:
        for table in (*TABLES, NEW):
            workspace.add_table(f"{GOLD}.{table}")
        monkeypatch.setenv("DATABRICKS_HOST", workspace.host)
        monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
        yield workspace


def test_a_table_a_pattern_covers_is_accepted_by_name():
    assert resolve_tables("dev", project(), ["fact_new"], Env()) == ["fact_new"]


def test_a_table_no_declaration_covers_is_still_refused():
    with pytest.raises(UnknownTableError, match="'dim_new' is not a declared monitor"):
        resolve_tables("dev", project(), ["dim_new"], Env())


def test_urns_of_every_monitor_include_the_tables_a_pattern_covers(patterned, env, workspace):
    found = urns("dev", env=env)
    assert [m.table for m in found] == sorted([*TABLES, NEW])
    assert {m.table: m.urn for m in found}[NEW] == monitor_urn("dev", NEW)


@pytest.mark.slow
def test_reset_of_every_monitor_resets_the_tables_a_pattern_covers(patterned, env, fake, workspace):
    every = sorted([*TABLES, NEW])
    steps = [step("replace", "dev", t) for t in every]
    fake.write(stacks=fake.scenario["stacks"], preview={"steps": steps}, up={"steps": steps})
    report = reset("dev", None, assume_yes=True, env=env)
    assert sorted(report.tokens) == every
    config = yaml.safe_load((patterned / "Pulumi.dev.yaml").read_text())["config"]
    assert NEW in config["lakehouse-monitors:resets"]


@pytest.mark.parametrize(
    "argv",
    [["reset", "--all", "--yes"], ["urns"], ["adopt"]],
    ids=["reset --all", "urns", "adopt"],
)
def test_an_operation_on_every_monitor_without_credentials_refuses_naming_the_pattern_file(
    patterned, fake, capsys, argv
):
    code = main(
        [*argv, "--stack", "dev", "--project-dir", str(patterned), "--pulumi-root", str(fake.root)]
    )
    err = capsys.readouterr().err
    assert code == ExitCode.INVALID
    assert PATTERN_FILE in err and "could not be listed" in err
    assert "name the tables to act on with --table" in err
    assert not [a for a in fake.argvs() if a[:2] == ["config", "set"] or "preview" in a]


def test_the_refusal_is_the_listing_error_by_meaning(patterned, env):
    with pytest.raises(CredentialsError, match="no usable Databricks credentials") as refused:
        urns("dev", env=env)
    assert str(refused.value).endswith("or name the tables to act on with --table.")


@pytest.mark.slow
def test_named_tables_a_pattern_covers_need_no_listing(patterned, env, fake):
    steps = [step("replace" if t == NEW else "same", "dev", t) for t in sorted([*TABLES, NEW])]
    fake.write(stacks=fake.scenario["stacks"], preview={"steps": steps}, up={"steps": steps})
    assert [m.urn for m in urns("dev", [NEW], env=env)] == [monitor_urn("dev", NEW)]
    assert list(reset("dev", [NEW], assume_yes=True, env=env).tokens) == [NEW]
