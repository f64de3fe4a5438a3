"""What stops `migrate` before it changes anything: a stack with pending changes or monitors not
deployed, an unfinished update, a workspace that does not show the same monitor through both
APIs, no credentials, a leftover or unreadable journal, a dependent that could not come back."""

from __future__ import annotations

import errno
import io

import pytest

from monitors.cli.main import main
from monitors.errors import (
    AbortedError,
    CredentialsError,
    ExitCode,
    MonitorsError,
    RefusedError,
    StackOpsError,
)
from monitors.naming import API_LEGACY, monitor_urn
from monitors.stackops.migrate.command import migrate
from monitors.stackops.migrate.journal import Journal, JournalError
from tests.fakes.terminal import Terminal
from tests.helpers.fake_cli import full_name
from tests.helpers.migrate import DQ, Scene


def nothing_changed(scene: Scene, original: bytes) -> None:
    """No state edit, no config write, no journal."""
    changing = {"state", "import", "up", "config set", "config rm", "stack import"}
    for argv in scene.fake.argvs():
        words = [a for a in argv if not a.startswith("--")]
        assert words[0] not in changing and " ".join(words[:2]) not in changing, argv
    assert scene.stack_file.read_bytes() == original
    assert not scene.journal.exists()


def refused(scene: Scene, env, error=RefusedError, **overrides) -> str:
    scene.install(**overrides)
    original = scene.stack_file.read_bytes()
    with pytest.raises(error) as caught:
        migrate(scene.stack, scene.target, assume_yes=True, env=env)
    nothing_changed(scene, original)
    return str(caught.value)


def test_a_stack_with_pending_changes_is_refused(scene: Scene, env):
    steps = scene.same(API_LEGACY)
    steps[2] = {**steps[2], "op": "update", "diffs": ["schedule"]}
    message = refused(scene, env, preview=[{"steps": steps}])
    assert "its preview plans changes the migration's update would apply too" in message
    assert "monitor dim_user: update" in message


def test_a_monitor_not_in_the_state_is_refused(scene: Scene, env, fake):
    scene.install()
    world = fake.world()
    world["stacks"]["dev"]["resources"] = [
        r for r in world["stacks"]["dev"]["resources"] if not r["urn"].endswith("::dim_user")
    ]
    fake.write(**world)
    with pytest.raises(RefusedError) as caught:
        migrate("dev", DQ, assume_yes=True, env=env)
    assert "these are not:\n  dim_user: not in the state" in str(caught.value)


def test_an_update_that_did_not_finish_is_refused(scene: Scene, env, fake):
    scene.install()
    world = fake.world()
    world["stacks"]["dev"]["resources"][0]["pendingReplacement"] = True
    fake.write(**world)
    with pytest.raises(RefusedError, match="an earlier update left these monitors pending"):
        migrate("dev", DQ, assume_yes=True, env=env)


def test_a_monitor_the_workspace_does_not_have_is_refused(scene: Scene, env):
    scene.install()
    original = scene.stack_file.read_bytes()
    del scene.workspace.monitors[full_name("dev", "dim_property")]
    with pytest.raises(RefusedError) as caught:
        migrate("dev", DQ, assume_yes=True, env=env)
    nothing_changed(scene, original)
    assert (
        "the legacy Lakehouse Monitoring API finds no monitor on the table of dim_property"
        in str(caught.value)
    )


def test_the_new_api_must_read_the_same_monitor_as_the_old_one(scene: Scene, env):
    uuid = scene.workspace.table_id_of(full_name("dev", "dim_host"))
    scene.workspace.fail_next(
        "GET", f"/api/data-quality/v1/monitors/table/{uuid}", status=404, message="not found"
    )
    message = refused(scene, env)
    assert "the Data Quality Monitoring API does not read the same monitors" in message
    assert "dim_host: the Data Quality Monitoring API finds no monitor" in message


def test_a_different_monitor_through_the_new_api_is_refused(scene: Scene, env, monkeypatch):
    from monitors.workspace import dq

    real = dq.as_monitor_info

    def another_dashboard(monitor, full_name):
        info = real(monitor, full_name)
        info.dashboard_id = "someone-elses"
        return info

    monkeypatch.setattr(dq, "as_monitor_info", another_dashboard)
    message = refused(scene, env)
    assert "dashboard: " in message and " -> someone-elses" in message


def test_no_credentials_stop_it_before_anything_changes(scene: Scene, env, monkeypatch):
    monkeypatch.delenv("DATABRICKS_TOKEN")
    message = refused(scene, env, error=CredentialsError)
    assert "no usable Databricks credentials" in message


def test_a_leftover_journal_is_refused_until_someone_has_read_it(scene: Scene, env):
    scene.install()
    Journal(scene.journal, API_LEGACY, DQ, "config: {}\n", {"deployment": {}}).save()
    left = scene.journal.read_bytes()
    with pytest.raises(JournalError) as caught:
        migrate("dev", DQ, assume_yes=True, env=env)
    assert "but the stack is not migrating" in str(caught.value)
    assert scene.journal.read_bytes() == left


def test_an_unreadable_journal_stops_a_resumed_migration(scene: Scene, env):
    scene.install()
    scene.set_config(api=DQ, migratingTo=DQ)
    scene.journal.parent.mkdir()
    scene.journal.write_text('{"format": 1, "source": "legacy"')
    with pytest.raises(JournalError, match="cannot be read"):
        migrate("dev", DQ, assume_yes=True, env=env)


def test_a_dependent_that_could_not_be_imported_back_is_refused(scene: Scene, env, fake):
    scene.install()
    world = fake.world()
    child = {
        "urn": "urn:pulumi:dev::lakehouse-monitors::my:index/Widget::w",
        "custom": False,
        "type": "my:index/Widget",
        "dependencies": [monitor_urn("dev", "dim_host")],
    }
    world["stacks"]["dev"]["resources"].insert(1, child)
    fake.write(**world)
    with pytest.raises(RefusedError) as caught:
        migrate("dev", DQ, assume_yes=True, env=env)
    assert f"{child['urn']} depends on monitor dim_host, but it is a component resource" in str(
        caught.value
    )


def test_an_unknown_api_is_refused():
    with pytest.raises(StackOpsError, match="--to must be one of legacy, data_quality"):
        migrate("dev", "v3")


@pytest.mark.parametrize(("stdin", "code"), [("no\n", ExitCode.ABORTED), ("", ExitCode.ABORTED)])
def test_declining_or_closing_the_prompt_exits_4_with_nothing_changed(
    scene: Scene, project, fake, monkeypatch, capsys, stdin, code
):
    scene.install()
    original = scene.stack_file.read_bytes()
    monkeypatch.setattr("sys.stdin", Terminal(stdin))
    argv = ["migrate", "--stack", "dev", "--to", "data_quality"]
    assert main([*argv, "--project-dir", str(project), "--pulumi-root", str(fake.root)]) == code
    nothing_changed(scene, original)
    assert "Traceback" not in capsys.readouterr().err


def test_without_a_terminal_migrate_asks_for_yes_and_changes_nothing(
    scene: Scene, project, fake, monkeypatch, capsys
):
    """CI or a pipe: never wait on a stdin nobody types into (exit 2, nothing changed)."""
    scene.install()
    original = scene.stack_file.read_bytes()
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    argv = ["migrate", "--stack", "dev", "--to", "data_quality"]
    code = main([*argv, "--project-dir", str(project), "--pulumi-root", str(fake.root)])
    assert code == ExitCode.INVALID
    nothing_changed(scene, original)
    assert "error: no terminal: pass --yes" in capsys.readouterr().err


def test_a_refusal_exits_3_and_says_why(scene: Scene, project, fake, capsys):
    steps = scene.same(API_LEGACY)
    steps[0] = {**steps[0], "op": "update"}
    scene.install(preview=[{"steps": steps}])
    argv = ["migrate", "--stack", "dev", "--to", "data_quality", "--yes"]
    code = main([*argv, "--project-dir", str(project), "--pulumi-root", str(fake.root)])
    assert code == ExitCode.REFUSED
    err = capsys.readouterr().err
    assert err.startswith("error: refusing to migrate stack 'dev'")


def test_every_error_is_a_monitors_error(scene: Scene, env):
    """No migrate failure reaches the user as another exception (the CLI maps these)."""
    scene.install(fail_commands={"stack export": "backend unreachable"})
    with pytest.raises(MonitorsError, match="backend unreachable"):
        migrate("dev", DQ, assume_yes=True, env=env)


def test_a_journal_that_cannot_be_written_stops_it_naming_the_file(scene: Scene, env, monkeypatch):
    def read_only(self: Journal) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(self.path))

    monkeypatch.setattr(Journal, "save", read_only)
    message = refused(scene, env, error=StackOpsError)
    assert f"cannot write the migration journal {scene.journal} (Read-only file system)" in message
    assert "Nothing was changed." in message


def test_an_interrupt_while_the_journal_is_written_takes_it_back(scene: Scene, env, monkeypatch):
    save = Journal.save

    def interrupted(self: Journal) -> None:
        save(self)
        raise KeyboardInterrupt

    monkeypatch.setattr(Journal, "save", interrupted)
    scene.install()
    original = scene.stack_file.read_bytes()
    with pytest.raises(AbortedError) as aborted:
        migrate(scene.stack, scene.target, assume_yes=True, env=env)
    assert aborted.value.exit_code == ExitCode.ABORTED
    assert "the journal was taken back. Nothing was changed." in str(aborted.value)
    nothing_changed(scene, original)
    assert list(scene.journal.parent.iterdir()) == []  # no temporary left either
