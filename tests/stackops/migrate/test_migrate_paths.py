"""`migrate` end to end against the fake CLI and the fake workspace: the commands it runs, the
state and stack file it leaves, the alerts it carries across, the history proof, both ways."""

from __future__ import annotations

import json

import pytest

from monitors.cli.main import main
from monitors.errors import AbortedError, ExitCode
from monitors.naming import (
    ALERT_RESOURCE_TYPE,
    API_LEGACY,
    DQ_RESOURCE_TYPE,
    RESOURCE_TYPE,
    alert_urn,
    anomaly_urn,
    monitor_urn,
)
from monitors.stackops.migrate.command import migrate
from monitors.stackops.migrate.placement import Placement
from monitors.stackops.state_edit import databricks_provider_version
from tests.fakes.terminal import Terminal
from tests.helpers.declarations import TABLES
from tests.helpers.fake_cli import full_name
from tests.helpers.migrate import DQ, VERSION, Migrated, Scene, alert_id, alert_keys, records

# A whole migrate per test (1.2-2.6 s each, measured with --durations): `-m 'not slow'` skips.
# One xdist worker runs the module (`--dist loadgroup`), so its module-scoped migrations
# (`migrated_dev`, `migrated_prod`) run once, not once on each worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("migrate_paths")]


def state_commands(scene: Scene) -> list[list[str]]:
    """The calls that change the state or the stack file, in order (argv without the flag the
    Automation API puts first)."""
    changing = ("config set", "config rm", "state", "import", "stack import", "up")
    found = []
    for argv in scene.fake.argvs():
        words = [a for a in argv if a != "--non-interactive"]
        if " ".join(words).startswith(changing):
            found.append(words)
    return found


# ---------------------------------------------------------------- dev, one migration


def test_every_monitor_ends_as_a_data_quality_monitor_recorded_on_the_new_api(migrated_dev):
    scene = migrated_dev.scene
    assert migrated_dev.report.placements == dict.fromkeys(TABLES, Placement.RECORDED)
    assert scene.state_urns() == scene.urns(DQ)
    assert {r["type"] for r in scene.state()} == {DQ_RESOURCE_TYPE}
    assert records(scene.state_outputs()) == dict.fromkeys(TABLES, DQ)


def test_the_stack_file_says_data_quality_without_the_marker_and_the_journal_is_gone(
    migrated_dev,
):
    config = migrated_dev.scene.config()
    assert config["lakehouse-monitors:api"] == DQ
    assert "lakehouse-monitors:migratingTo" not in config
    assert not migrated_dev.scene.journal.exists()


def test_the_state_changes_by_one_remove_and_one_import_of_the_same_monitors(migrated_dev):
    scene = migrated_dev.scene
    commands = state_commands(scene)
    assert [c[:2] for c in commands] == [
        ["config", "set-all"],
        ["state", "remove"],
        ["import", "--yes"],
        ["up", "--yes"],
        ["config", "rm"],
    ]
    assert commands[0] == [
        "config",
        "set-all",
        "--stack",
        "dev",
        "--plaintext",
        f"api={DQ}",
        "--plaintext",
        f"migratingTo={DQ}",
    ]
    legacy = [monitor_urn("dev", t) for t in TABLES]
    assert commands[1] == ["state", "remove", "--yes", "--stack", "dev", "--", *legacy]
    assert "--protect=false" in commands[2] and "--generate-code=false" in commands[2]
    assert commands[4] == ["config", "rm", "migratingTo", "--stack", "dev"]
    assert scene.fake.file_given(0) == {
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


def test_the_workspace_is_only_read(migrated_dev):
    assert {c.method for c in migrated_dev.scene.workspace.api_calls()} == {"GET"}


def test_the_facts_are_read_through_both_apis_before_and_through_the_new_one_after(
    migrated_dev,
):
    paths = [c.path for c in migrated_dev.scene.workspace.api_calls()]
    legacy = [p for p in paths if p.endswith("/monitor")]
    new = [p for p in paths if p.startswith("/api/data-quality/v1/monitors/table/")]
    assert len(legacy) == len(TABLES)  # before, through the source API
    assert len(new) == 2 * len(TABLES)  # before (the same monitor?), after (the proof)


def test_the_proof_says_each_monitor_kept_its_version_dashboard_and_tables(migrated_dev):
    text = migrated_dev.console.text
    for table in TABLES:
        assert f"  {table}: unchanged (monitor_version {VERSION}, dashboard " in text
    assert all(f.monitor_version == VERSION for f in migrated_dev.report.after.values())
    assert migrated_dev.report.after == migrated_dev.report.before
    assert "every monitor kept its history" in text


def test_the_journal_holds_the_facts_and_the_encrypted_restore_point_while_it_runs(
    migrated_dev: Migrated,
):
    seen = json.loads(str(migrated_dev.journal_seen["text"]))
    assert migrated_dev.journal_seen["mode"] == 0o600
    assert (seen["source"], seen["target"], seen["resumed"]) == (API_LEGACY, DQ, False)
    assert seen["before"]["dim_host"]["monitor_version"] == VERSION
    restore_point = [r["urn"] for r in seen["checkpoint"]["deployment"]["resources"][1:]]
    assert restore_point == migrated_dev.scene.urns(API_LEGACY)
    exports = [a for a in migrated_dev.scene.fake.argvs() if a[1:3] == ["stack", "export"]]
    assert exports and all("--show-secrets" not in a for a in exports)
    assert "lakehouse-monitors:api" not in seen["stack_file"]


def test_a_migrated_stack_has_nothing_to_migrate(migrated_dev, capsys):
    scene = migrated_dev.scene
    calls = len(scene.fake.calls())
    report = migrate("dev", DQ, assume_yes=True, env=_env(scene, print))
    assert report.nothing_to_do
    assert "already deploys every monitor through the Data Quality Monitoring API" in (
        capsys.readouterr().out
    )
    changing = [c["argv"] for c in scene.fake.calls()[calls:]]
    assert not [a for a in changing if {"state", "import", "up", "set", "rm"} & set(a)]


def _env(scene: Scene, out):
    from monitors.stackops.common import Env

    return Env(scene.project, scene.fake.root, out)


# ---------------------------------------------------------------- prod, alerts, anomaly


def test_prod_is_migrated_under_protection(migrated_prod):
    scene = migrated_prod.scene
    commands = state_commands(scene)
    remove = next(c for c in commands if c[:2] == ["state", "remove"])
    assert "--force" in remove
    assert "--protect=true" in next(c for c in commands if c[0] == "import")
    dq = [monitor_urn("prod", t, DQ) for t in TABLES]
    monitors = [r for r in scene.state() if r["urn"] in dq]
    assert len(monitors) == len(TABLES) and all(r["protect"] for r in monitors)


def test_alerts_leave_the_state_with_their_monitor_and_come_back_with_the_same_ids(
    migrated_prod,
):
    scene = migrated_prod.scene
    remove = next(c for c in state_commands(scene) if c[:2] == ["state", "remove"])
    assert "--target-dependents" in remove
    imported = scene.fake.file_given(0)["resources"]
    assert [r for r in imported if r["type"] == ALERT_RESOURCE_TYPE] == [
        {
            "type": ALERT_RESOURCE_TYPE,
            "name": f"{table}.{alert}",
            "id": alert_id(table, alert),
            "version": databricks_provider_version(),
        }
        for table, alert in alert_keys()
    ]
    alerts = [r for r in scene.state() if r["type"] == ALERT_RESOURCE_TYPE]
    assert [r["urn"] for r in alerts] == [alert_urn("prod", t, a) for t, a in alert_keys()]
    assert [r["id"] for r in alerts] == [alert_id(t, a) for t, a in alert_keys()]
    assert all(r["protect"] and "dependencies" not in r for r in alerts)  # as imported


def test_anomaly_detection_is_not_touched(migrated_prod):
    scene = migrated_prod.scene
    anomaly = [r for r in scene.state() if r["urn"] == anomaly_urn("prod")]
    assert anomaly == [migrated_prod.anomaly]
    assert all(anomaly_urn("prod") not in c for c in state_commands(scene))


# ---------------------------------------------------------------- runs of their own


def test_a_wrong_stack_name_aborts_before_anything_changed(scene: Scene, env, console):
    scene.stack = "prod"
    scene.install()
    before = scene.stack_file.read_bytes()
    console.answers = ["dev"]
    with pytest.raises(AbortedError, match="aborted: you typed 'dev', not 'prod'"):
        migrate("prod", DQ, confirm=console.confirm, env=env)
    assert console.prompts == [
        "Monitors are protected in stack 'prod'. Type the stack name to go on: "
    ]
    assert state_commands(scene) == []
    assert scene.stack_file.read_bytes() == before and not scene.journal.exists()


def test_back_to_legacy_from_the_command_line_imports_by_table_name_and_exits_0(
    scene: Scene, project, fake, capsys
):
    scene.api = DQ
    scene.install()
    argv = ["migrate", "--stack", "dev", "--to", "legacy", "--yes"]
    code = main([*argv, "--project-dir", str(project), "--pulumi-root", str(fake.root)])
    assert code == ExitCode.OK, capsys.readouterr().err
    assert scene.state_urns() == scene.urns(API_LEGACY)
    assert {r["type"] for r in scene.state()} == {RESOURCE_TYPE}
    assert [r["id"] for r in fake.file_given(0)["resources"]] == [
        full_name("dev", t) for t in TABLES
    ]
    assert scene.config()["lakehouse-monitors:api"] == API_LEGACY
    assert "every monitor kept its history" in capsys.readouterr().out


def test_migrate_shows_a_progress_line_per_step_on_a_terminal(
    scene: Scene, project, fake, monkeypatch, capsys
):
    scene.api = DQ
    scene.install()
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    argv = ["migrate", "--stack", "dev", "--to", "legacy", "--yes"]
    code = main([*argv, "--project-dir", str(project), "--pulumi-root", str(fake.root)])
    assert code == ExitCode.OK
    progress = [line for line in terminal.getvalue().splitlines() if line.startswith("migrate: ")]
    assert "migrate: reading the stack's state..." in progress
    for table in TABLES:
        assert any(
            line.startswith(f"migrate: {table}: reading its history facts") for line in progress
        )
    assert any(line.startswith("migrate: history proof: reading each monitor") for line in progress)


def test_migrate_json_carries_where_each_monitor_stands(scene: Scene, project, fake, capsys):
    scene.api = DQ
    scene.install()
    argv = ["migrate", "--stack", "dev", "--to", "legacy", "--yes", "--json"]
    code = main([*argv, "--project-dir", str(project), "--pulumi-root", str(fake.root)])
    assert code == ExitCode.OK
    document = json.loads(capsys.readouterr().out)
    assert document["schema_version"] == 1
    assert (document["from"], document["to"]) == (DQ, API_LEGACY)
    assert {t: m["placement"] for t, m in document["monitors"].items()} == dict.fromkeys(
        TABLES, "recorded"
    )
    assert all(m["before"] == m["after"] for m in document["monitors"].values())
