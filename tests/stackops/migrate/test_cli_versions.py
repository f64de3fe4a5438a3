"""`migrate` takes monitors out of the state with the command the running CLI has: `pulumi state
remove` from 3.254.0, `pulumi state delete` before it (down to the program's floor, 3.231.0)."""

from __future__ import annotations

import pytest
from semver import VersionInfo

from monitors.naming import DQ_RESOURCE_TYPE
from monitors.stackops.state_edit import state_remove_verb
from tests.helpers.migrate import Migrated


@pytest.mark.parametrize(
    ("version", "verb"),
    [("3.231.0", "delete"), ("3.253.9", "delete"), ("3.254.0", "remove"), ("3.274.0", "remove")],
)
def test_the_state_edit_verb_follows_the_cli_version(version: str, verb: str) -> None:
    assert state_remove_verb(VersionInfo.parse(version)) == verb


def test_an_unknown_cli_version_gets_the_verb_every_cli_has() -> None:
    assert state_remove_verb(None) == "delete"


@pytest.mark.slow  # a whole migrate per CLI version (1.3-1.8 s each, --durations)
@pytest.mark.parametrize(
    ("migrated_dev_on", "verb"),
    [("3.231.0", "delete"), ("3.253.0", "delete"), ("3.254.0", "remove")],
    indirect=["migrated_dev_on"],
)
def test_migrate_finishes_on_every_supported_cli(migrated_dev_on: Migrated, verb: str) -> None:
    scene = migrated_dev_on.scene
    state_calls = [a for a in scene.fake.argvs() if "state" in a[:3]]
    assert [a[a.index("state") + 1] for a in state_calls] == [verb]
    assert {r["type"] for r in scene.state()} == {DQ_RESOURCE_TYPE}
