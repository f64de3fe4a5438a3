"""`migrate` end to end against the fake CLI and the fake workspace: the commands it runs, the
state and stack file it leaves, the alerts it carries across, the history proof, both ways."""

from __future__ import annotations

import json

import pytest

from monitors.cli.main import main
from monitors.errors import ExitCode
from monitors.naming import (
    ALERT_RESOURCE_TYPE,
    API_LEGACY,
    DQ_RESOURCE_TYPE,
    RESOURCE_TYPE,
    alert_urn,
    monitor_urn,
)
from monitors.stackops.adopt import databricks_provider_version
from monitors.stackops.migrate import migrate
from monitors.stackops.placement import Placement
from tests.stackops.conftest import TABLES, full_name
from tests.stackops.migrate.scene import (
    DQ,
    VERSION,
    Scene,
    alert_id,
    alert_keys,
    records,
)


def state_commands(fake) -> list[list[str]]:
    """The calls that change the state or the stack file, in order (argv without the flags the
    Automation API adds to every call)."""
    changing = ("config set", "config rm", "state", "import", "stack import", "up")
    found = []
    for argv in fake.argvs():
        words = [a for a in argv if a != "--non-interactive"]
        if " ".join(words).startswith(changing):
            found.append(words)
    return found


def test_a_dev_stack_moves_to_data_quality_with_every_monitor_kept(scene: Scene, env, console):
    scene.install()
    report = migrate("dev", DQ, assume_yes=True, env=env)
    assert report.placements == dict.fromkeys(TABLES, Placement.RECORDED)
    assert scene.state_urns() == scene.urns(DQ)
    assert all(r["type"] == DQ_RESOURCE_TYPE for r in scene.state())
    assert records(scene.state_outputs()) == dict.fromkeys(TABLES, DQ)
    config = scene.config()
    assert config["lakehouse-monitors:api"] == DQ
    assert "lakehouse-monitors:migratingTo" not in config
    assert not scene.journal.exists()
    assert set(report.after) == set(TABLES)
    assert all(f.monitor_version == VERSION for f in report.after.values())
    assert "every monitor kept its history" in console.text


def test_the_state_is_changed_by_one_remove_and_one_import_of_the_same_monitors(
    scene: Scene, env, fake
):
    scene.install()
    migrate("dev", DQ, assume_yes=True, env=env)
    legacy = [monitor_urn("dev", t) for t in TABLES]
    commands = state_commands(fake)
    assert [c[:2] for c in commands] == [
        ["config", "set"],
        ["config", "set"],
        ["state", "remove"],
        ["import", "--yes"],
        ["up", "--yes"],
        ["config", "rm"],
    ]
    assert commands[0][-3:] == ["dev", "--", "data_quality"] and "api" in commands[0]
    assert commands[1][-3:] == ["dev", "--", "data_quality"] and "migratingTo" in commands[1]
    assert commands[2] == ["state", "remove", "--yes", "--stack", "dev", "--", *legacy]
    assert commands[5] == ["config", "rm", "migratingTo", "--stack", "dev"]
    imported = state_commands(fake)[3]
    assert imported[:3] == ["import", "--yes", "--skip-preview"]
    assert "--protect=false" in imported and "--generate-code=false" in imported
    assert fake.file_given(0) == {
        "resources": [
            {
                "type": DQ_RESOURCE_TYPE,
                "name": table,
                "id": f"table,{scene.workspace.table_id_of(full_name('dev', table))}",
                "version": databricks_provider_version(),
            }
            for table in TABLES
        ],
        "nameTable": None,
    }


def test_nothing_is_ever_deleted_or_created_in_the_workspace(scene: Scene, env):
    scene.install()
    migrate("dev", DQ, assume_yes=True, env=env)
    methods = {(c.method, c.path.split("/")[3]) for c in scene.workspace.api_calls()}
    assert {m for m, _ in methods} == {"GET"}


def test_prod_is_migrated_under_protection_with_force_and_imported_protected(
    scene: Scene, env, fake, console
):
    scene.stack = "prod"
    scene.install()
    console.answers = ["prod"]
    migrate("prod", DQ, confirm=console.confirm, env=env)
    assert console.prompts == [
        "Monitors are protected in stack 'prod'. Type the stack name to go on: "
    ]
    remove = next(c for c in state_commands(fake) if c[:2] == ["state", "remove"])
    assert "--force" in remove and "--target-dependents" not in remove
    assert "--protect=true" in next(c for c in state_commands(fake) if c[0] == "import")
    assert all(r["protect"] for r in scene.state())
    assert scene.state_urns() == scene.urns(DQ)


def test_a_wrong_stack_name_aborts_before_anything_changed(scene: Scene, env, fake, console):
    scene.stack = "prod"
    scene.install()
    before = scene.stack_file.read_bytes()
    console.answers = ["dev"]
    with pytest.raises(Exception, match="aborted: you typed 'dev', not 'prod'") as caught:
        migrate("prod", DQ, confirm=console.confirm, env=env)
    assert caught.value.exit_code == ExitCode.ABORTED  # type: ignore[attr-defined]
    assert state_commands(fake) == []
    assert scene.stack_file.read_bytes() == before and not scene.journal.exists()


def test_alerts_leave_the_state_with_their_monitor_and_come_back_with_the_same_ids(
    scene: Scene, env, fake
):
    scene.stack, scene.alerts = "prod", True
    scene.install()
    migrate("prod", DQ, assume_yes=True, env=env)
    remove = next(c for c in state_commands(fake) if c[:2] == ["state", "remove"])
    assert "--force" in remove and "--target-dependents" in remove
    imported = fake.file_given(0)["resources"]
    assert [r for r in imported if r["type"] == ALERT_RESOURCE_TYPE] == [
        {
            "type": ALERT_RESOURCE_TYPE,
            "name": f"{table}.{alert}",
            "id": alert_id(table, alert),
            "version": databricks_provider_version(),
        }
        for table, alert in alert_keys()
    ]
    alerts = {r["urn"]: r for r in scene.state() if r["type"] == ALERT_RESOURCE_TYPE}
    assert alerts.keys() == {alert_urn("prod", t, a) for t, a in alert_keys()}
    assert all(r["protect"] and r["id"] == r["importID"] for r in alerts.values())
    assert [a["id"] for a in alerts.values()] == [alert_id(t, a) for t, a in alert_keys()]


def test_anomaly_detection_and_resources_that_depend_on_nothing_are_not_touched(
    scene: Scene, env, fake
):
    scene.install()
    anomaly = {
        "urn": f"urn:pulumi:dev::lakehouse-monitors::{DQ_RESOURCE_TYPE}::schema-anomaly-detection",
        "custom": True,
        "id": "missing ID",
        "type": DQ_RESOURCE_TYPE,
        "inputs": {"objectType": "schema"},
    }
    stacks = fake.world()["stacks"]
    stacks["dev"]["resources"].append(anomaly)
    fake.write(**{**fake.world(), "stacks": stacks})
    migrate("dev", DQ, assume_yes=True, env=env)
    assert [r for r in scene.state() if r["urn"] == anomaly["urn"]] == [anomaly]
    remove = next(c for c in state_commands(fake) if c[:2] == ["state", "remove"])
    assert anomaly["urn"] not in remove


def test_the_history_facts_are_read_through_both_apis_before_and_the_new_one_after(
    scene: Scene, env
):
    scene.install()
    migrate("dev", DQ, assume_yes=True, env=env)
    paths = [c.path for c in scene.workspace.api_calls()]
    legacy = [p for p in paths if p.endswith("/monitor")]
    dq = [p for p in paths if p.startswith("/api/data-quality/v1/monitors/table/")]
    assert len(legacy) == len(TABLES)  # before, through the source API
    assert len(dq) == 2 * len(TABLES)  # before (the same monitor?) and after (the proof)


def test_back_to_legacy_works_the_same_way_with_the_table_name_as_import_id(
    scene: Scene, env, fake
):
    scene.api = DQ
    scene.install()
    report = migrate("dev", API_LEGACY, assume_yes=True, env=env)
    assert report.placements == dict.fromkeys(TABLES, Placement.RECORDED)
    assert scene.state_urns() == scene.urns(API_LEGACY)
    assert all(r["type"] == RESOURCE_TYPE for r in scene.state())
    assert [r["id"] for r in fake.file_given(0)["resources"]] == [
        full_name("dev", t) for t in TABLES
    ]
    assert scene.config()["lakehouse-monitors:api"] == API_LEGACY


def test_a_migrated_stack_has_nothing_to_migrate(scene: Scene, env, fake, console):
    scene.install()
    migrate("dev", DQ, assume_yes=True, env=env)
    calls = len(fake.calls())
    report = migrate("dev", DQ, assume_yes=True, env=env)
    assert report.nothing_to_do
    assert "already deploys every monitor through the Data Quality Monitoring API" in (console.text)
    assert all(
        c["argv"][1] not in ("state", "import", "up", "config")
        for c in fake.calls()[calls:]
        if len(c["argv"]) > 1
    )


def test_the_command_line_migrates_and_exits_0(scene: Scene, project, fake, capsys):
    scene.install()
    code = main(
        [
            "migrate",
            "--stack",
            "dev",
            "--to",
            "data_quality",
            "--yes",
            "--project-dir",
            str(project),
            "--pulumi-root",
            str(fake.root),
        ]
    )
    assert code == ExitCode.OK, capsys.readouterr().err
    assert "every monitor kept its history" in capsys.readouterr().out


def test_the_journal_holds_the_facts_and_the_encrypted_restore_point_while_it_runs(
    scene: Scene, env, fake
):
    seen = {}

    def peek(line: str) -> None:
        if line.startswith("Wrote lakehouse-monitors:api"):
            seen.update(json.loads(scene.journal.read_text()))
            seen["mode"] = scene.journal.stat().st_mode & 0o777

    scene.install()
    migrate("dev", DQ, assume_yes=True, env=env.__class__(env.project_root, env.pulumi_root, peek))
    assert seen["mode"] == 0o600
    assert (seen["source"], seen["target"]) == (API_LEGACY, DQ)
    assert seen["before"]["dim_host"]["monitor_version"] == VERSION
    assert [r["urn"] for r in seen["checkpoint"]["deployment"]["resources"][1:]] == scene.urns(
        API_LEGACY
    )
    assert "--show-secrets" not in next(
        c["argv"] for c in fake.calls() if c["argv"][1:3] == ["stack", "export"]
    )
    assert seen["stack_file"].count("lakehouse-monitors:api") == 0
