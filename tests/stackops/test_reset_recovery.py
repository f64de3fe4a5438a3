"""Reset after things went wrong: unfinished resets, interrupts, unrestorable stack files."""

from __future__ import annotations

import errno
import signal
from dataclasses import replace

import pytest
import yaml

from monitors import atomic
from monitors.cli.main import main
from monitors.errors import ExitCode, OperationFailedError, RefusedError, StackOpsError
from monitors.naming import monitor_urn
from monitors.stackops.reset import tokens
from monitors.stackops.reset.command import reset
from tests.helpers.declarations import TABLES
from tests.helpers.fake_cli import deployed_outputs, monitor_resource, same_all

TOKEN = "2026-11-20T08:00:00Z-abcd"


def resets_in(project, stack):
    config = yaml.safe_load((project / f"Pulumi.{stack}.yaml").read_text())["config"]
    return config.get("lakehouse-monitors:resets")


def with_token(project, stack, table=None, token=TOKEN, purge=False):
    """The stack file as an earlier reset left it: a token (and purge flag) for `table`."""
    path = project / f"Pulumi.{stack}.yaml"
    if table is not None:
        path.write_text(
            path.read_text()
            + f"  lakehouse-monitors:resets:\n    {table}:\n      token: {token}\n"
            + f"      purge: {'true' if purge else 'false'}\n"
        )
    return path.read_bytes()


def scenario(fake, stack, resources, *, outputs=None, preview, up=None, **extra):
    stacks = fake.scenario["stacks"]
    stacks[stack] = {"resources": resources, "outputs": outputs or {}, **extra.pop("state", {})}
    fake.write(stacks=stacks, preview={"steps": preview}, up=up or {"steps": preview}, **extra)


def run_cli(argv, project, fake):
    return main([*argv, "--project-dir", str(project), "--pulumi-root", str(fake.root)])


# ---------------------------------------------------------------- an unfinished reset is finished


def pending(stack, table):
    """The state a delete-before-replace leaves when its create failed."""
    return [
        monitor_resource(stack, t, **({"pendingReplacement": True} if t == table else {}))
        for t in TABLES
    ]


def interrupted_delete(stack, table):
    return {
        "pending_operations": [{"resource": monitor_resource(stack, table), "type": "deleting"}]
    }


@pytest.mark.parametrize(
    ("case", "resources", "state"),
    [
        ("pending replacement", lambda: pending("dev", "dim_host"), {}),
        ("absent", lambda: [monitor_resource("dev", t) for t in TABLES if t != "dim_host"], {}),
        (
            "interrupted delete",
            lambda: [monitor_resource("dev", t) for t in TABLES],
            interrupted_delete("dev", "dim_host"),
        ),
    ],
)
def test_a_reset_whose_replace_did_not_complete_is_finished_with_the_token_in_the_stack_file(
    env, fake, project, console, case, resources, state
):
    with_token(project, "dev", "dim_host")
    steps = same_all("dev", but={"dim_host": "create" if case == "absent" else "replace"})
    scenario(fake, "dev", resources(), preview=steps, state=state)
    report = reset("dev", ["dim_host"], assume_yes=True, env=env)
    assert report.tokens == {"dim_host": TOKEN}
    assert report.reused == {"dim_host"}
    assert not [a for a in fake.argvs() if a[:2] in (["config", "set"], ["config", "rm"])]
    assert resets_in(project, "dev") == {"dim_host": {"token": TOKEN, "purge": False}}
    assert f"dim_host: reusing reset token {TOKEN!r}" in console.text


def test_a_token_the_last_deployment_did_not_record_is_reused(env, fake, project, console):
    # The record is that of a deployment before TOKEN was written: the update meant to apply
    # TOKEN failed before the delete, so the monitor is still present.
    outputs = deployed_outputs(project, "dev")
    with_token(project, "dev", "dim_host")
    steps = same_all("dev", but={"dim_host": "replace"})
    scenario(
        fake, "dev", [monitor_resource("dev", t) for t in TABLES], outputs=outputs, preview=steps
    )
    report = reset("dev", ["dim_host"], assume_yes=True, env=env)
    assert report.tokens == {"dim_host": TOKEN}
    assert "the last deployment did not apply it" in console.text
    assert report.reasons["dim_host"] == (f"reset requested (token {TOKEN!r})",)


def test_a_reset_the_last_deployment_started_but_did_not_complete_is_resumed(
    env, fake, project, console
):
    # What the program records when the update that applies a reset fails on the monitor: the
    # record asks for TOKEN (resetting), and the monitor's `monitors` entry has no table name.
    with_token(project, "dev", "dim_host")
    outputs = deployed_outputs(project, "dev", dim_host=lambda s: replace(s, resetting=True))
    outputs["monitors"]["dim_host"] = {"table_name": None}
    steps = same_all("dev", but={"dim_host": "replace"})
    scenario(
        fake, "dev", [monitor_resource("dev", t) for t in TABLES], outputs=outputs, preview=steps
    )
    report = reset("dev", ["dim_host"], assume_yes=True, env=env)
    assert report.tokens == {"dim_host": TOKEN}
    assert "the last deployment started it and did not complete it" in console.text
    assert report.reasons["dim_host"] == (
        f"finishing the reset requested with token {TOKEN!r}, which the last deployment did "
        "not complete",
    )


def test_a_token_the_last_deployment_applied_gets_a_fresh_one(env, fake, project):
    with_token(project, "dev", "dim_host")
    steps = same_all("dev", but={"dim_host": "replace"})
    outputs = deployed_outputs(project, "dev")  # recorded with TOKEN: that reset completed
    scenario(
        fake, "dev", [monitor_resource("dev", t) for t in TABLES], outputs=outputs, preview=steps
    )
    report = reset("dev", ["dim_host"], assume_yes=True, env=env)
    assert report.tokens["dim_host"] != TOKEN
    assert report.reused == set()
    assert resets_in(project, "dev")["dim_host"]["token"] == report.tokens["dim_host"]


def test_an_interrupted_create_is_refused_with_the_exact_commands_to_resolve_it(env, fake, project):
    before = with_token(project, "prod", "dim_user")
    creating = {
        "resource": {"urn": monitor_urn("prod", "dim_user"), "type": "x"},
        "type": "creating",
    }
    scenario(
        fake,
        "prod",
        pending("prod", "dim_user"),
        preview=same_all("prod"),
        state={"pending_operations": [creating]},
    )
    with pytest.raises(RefusedError) as refused:
        reset("prod", ["dim_user"], assume_yes=True, env=env)
    message = str(refused.value)
    urn = monitor_urn("prod", "dim_user")
    assert "dim_user: a create was interrupted; it may or may not exist in Databricks" in message
    assert (
        "if it exists in Databricks: pulumi refresh --stack prod --yes "
        f"--import-pending-creates '{urn}' "
        "--import-pending-creates 'wanderbricks.wanderbricks_gold.dim_user'"
    ) in message
    assert "if it does not: pulumi refresh --stack prod --yes --clear-pending-creates" in message
    assert (project / "Pulumi.prod.yaml").read_bytes() == before
    assert not [a for a in fake.argvs() if a[:1] in (["config"], ["preview"], ["up"])]


# ---------------------------------------------------------------- interrupted during the update


def interrupted_reset(fake, stack, after, signal_name="SIGINT"):
    steps = same_all(stack, but={"dim_host": "replace"})
    steps.sort(key=lambda s: s["op"] != "replace")  # the replace runs first
    scenario(
        fake,
        stack,
        [monitor_resource(stack, t) for t in TABLES],
        preview=steps,
        up={"steps": steps, "interrupt_after": after, "interrupt_with": signal_name},
    )


def test_ctrl_c_after_the_delete_reports_each_monitor_state_and_how_to_resume(
    env, fake, project, console
):
    interrupted_reset(fake, "dev", after=1)  # delete-replaced done, then ^C
    with pytest.raises(OperationFailedError) as failed:
        try:
            reset("dev", ["dim_host"], assume_yes=True, env=env)
        except KeyboardInterrupt:
            pytest.fail("the interrupt escaped the reset instead of being reported")
    message = str(failed.value)
    assert failed.value.exit_code == ExitCode.FAILED
    assert "Nothing was changed" not in message
    assert "the reset's update in stack 'dev' was interrupted; Pulumi cancelled it:" in message
    assert "update canceled" in message
    assert "dim_host: deleted in Databricks; kept in state as pending replacement" in message
    assert "To finish the reset, run:\n  pulumi up --stack dev\n" in message
    assert "monitors reset --stack dev --table dim_host" in message
    # The token stays, so the resume applies the same reset; the waiting was announced.
    assert set(resets_in(project, "dev")) == {"dim_host"}
    assert "Interrupted. Pulumi is cancelling the update" in console.text
    # The state was read after the CLI had finished cancelling, not before.
    commands = fake.commands()
    assert commands.index("--non-interactive stack export --show-secrets --stack dev", 3) > (
        next(i for i, c in enumerate(commands) if c.startswith("--non-interactive up"))
    )


def test_ctrl_c_during_the_update_exits_1_from_the_command_line_not_aborted(project, fake, capsys):
    interrupted_reset(fake, "dev", after=1)
    code = run_cli(["reset", "--stack", "dev", "--table", "dim_host", "--yes"], project, fake)
    err = capsys.readouterr().err
    assert code == ExitCode.FAILED
    assert "Nothing was changed" not in err
    assert "error: To finish the reset, run:" in err


@pytest.fixture
def sigterm_is_caught(monkeypatch):
    """Keep a SIGTERM from killing the test run if the code under test does not handle it."""
    seen = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: seen.append(signum))
    yield seen
    signal.signal(signal.SIGTERM, previous)


def test_sigterm_during_the_update_is_reported_like_ctrl_c(
    project, fake, capsys, sigterm_is_caught
):
    interrupted_reset(fake, "prod", after=1, signal_name="SIGTERM")
    code = run_cli(["reset", "--stack", "prod", "--table", "dim_host", "--yes"], project, fake)
    err = capsys.readouterr().err
    assert code == ExitCode.FAILED
    assert "was interrupted; Pulumi cancelled it" in err
    assert "dim_host: deleted in Databricks; kept in state as pending replacement" in err
    assert "pulumi up --stack prod" in err


def test_interrupt_at_the_prompt_is_still_nothing_changed(project, fake, monkeypatch, capsys):
    before = (project / "Pulumi.dev.yaml").read_bytes()
    interrupted_reset(fake, "dev", after=1)

    class InterruptedTerminal:
        """A terminal whose user presses Ctrl-C at the prompt."""

        closed = False

        def isatty(self) -> bool:
            return True

        def readline(self) -> str:
            raise KeyboardInterrupt

    monkeypatch.setattr("sys.stdin", InterruptedTerminal())
    code = run_cli(["reset", "--stack", "dev", "--table", "dim_host"], project, fake)
    assert code == ExitCode.ABORTED
    assert "Nothing was changed" in capsys.readouterr().err
    assert (project / "Pulumi.dev.yaml").read_bytes() == before


# ---------------------------------------------------------------- a refusal that cannot undo


def test_a_stack_file_that_cannot_be_put_back_is_reported_with_the_tokens_and_undo_commands(
    env, fake, project, monkeypatch
):
    with_token(project, "dev", "dim_user", token="2026-01-01T00:00:00Z-0001")
    scenario(
        fake,
        "dev",
        [monitor_resource("dev", t) for t in TABLES],
        outputs=deployed_outputs(project, "dev"),
        preview=same_all(
            "dev", but={"dim_host": "replace", "dim_user": "replace", "dim_property": "delete"}
        ),
    )
    stack_file = project / "Pulumi.dev.yaml"
    write_bytes = atomic.write_bytes

    def disk_full(path, data, mode=None):
        if path == stack_file:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return write_bytes(path, data, mode)

    monkeypatch.setattr(tokens, "write_bytes", disk_full)
    with pytest.raises(OperationFailedError) as failed:
        reset("dev", ["dim_host", "dim_user"], assume_yes=True, env=env)
    message = str(failed.value)
    assert failed.value.exit_code == ExitCode.FAILED
    # The refusal itself is not hidden ...
    assert "refusing to reset in stack 'dev'" in message
    assert "monitor dim_property: delete" in message
    # ... and the user learns the file still holds the tokens, and how to take them back.
    assert f"BUT the stack file {stack_file} could not be put back" in message
    assert "No space left on device" in message
    assert "  dim_host: token '" in message and "', purge false" in message
    assert "pulumi config rm --stack dev --path 'resets.dim_host'" in message
    assert (
        "pulumi config set --stack dev --path 'resets.dim_user.token' -- 2026-01-01T00:00:00Z-0001"
        in message
    )
    assert "pulumi config set --stack dev --path 'resets.dim_user.purge' -- false" in message


# ---------------------------------------------------------------- an update that did not recreate


def test_a_reset_whose_update_did_not_recreate_the_monitor_fails_with_the_reason(
    env, fake, project
):
    asked = same_all("dev", but={"dim_host": "replace"})
    scenario(
        fake,
        "dev",
        [monitor_resource("dev", t) for t in TABLES],
        preview=asked,
        up={"steps": same_all("dev")},
    )
    with pytest.raises(OperationFailedError) as failed:
        reset("dev", ["dim_host"], assume_yes=True, env=env)
    message = str(failed.value)
    assert failed.value.exit_code == ExitCode.FAILED
    assert "succeeded but did NOT recreate:\n  dim_host: the engine reported same" in message
    assert "pulumi preview --stack dev --diff" in message


def test_a_reset_that_did_not_recreate_exits_non_zero_from_the_command_line(project, fake):
    asked = same_all("dev", but={"dim_host": "replace"})
    scenario(
        fake,
        "dev",
        [monitor_resource("dev", t) for t in TABLES],
        preview=asked,
        up={"steps": same_all("dev")},
    )
    code = run_cli(["reset", "--stack", "dev", "--table", "dim_host", "--yes"], project, fake)
    assert code == ExitCode.FAILED


def test_a_failing_config_write_is_a_clear_error_and_puts_the_stack_file_back(env, fake, project):
    before = (project / "Pulumi.dev.yaml").read_bytes()
    steps = same_all("dev", but={"dim_host": "replace"})
    scenario(
        fake,
        "dev",
        [monitor_resource("dev", t) for t in TABLES],
        preview=steps,
        fail_commands={"config set resets.dim_user.token": "permission denied"},
    )
    with pytest.raises(StackOpsError) as failed:
        reset("dev", ["dim_host", "dim_user"], assume_yes=True, env=env)
    assert failed.value.exit_code == ExitCode.INVALID
    assert "writing dim_user's reset token failed" in str(failed.value)
    assert "permission denied" in str(failed.value)
    assert (project / "Pulumi.dev.yaml").read_bytes() == before


def test_a_stack_file_edited_while_the_reset_asks_is_not_overwritten(env, fake, project, console):
    scenario(
        fake,
        "dev",
        [monitor_resource("dev", t) for t in TABLES],
        outputs=deployed_outputs(project, "dev"),
        preview=same_all("dev", but={"dim_host": "replace"}),
    )
    stack_file = project / "Pulumi.dev.yaml"

    def edit_then_decline(prompt):
        # Another terminal (a git pull, an editor) changes the file while the prompt waits.
        stack_file.write_text(stack_file.read_text() + "# edited elsewhere\n")
        return "n"

    with pytest.raises(OperationFailedError) as failed:
        reset("dev", ["dim_host"], env=env, confirm=edit_then_decline)
    message = str(failed.value)
    assert message.startswith("aborted. Nothing was changed")
    assert "it was changed by something else after the reset wrote to it" in message
    assert "  dim_host: token '" in message
    assert "pulumi config rm --stack dev --path 'resets.dim_host'" in message
    assert stack_file.read_text().endswith("# edited elsewhere\n")


def test_a_stack_file_the_reset_could_not_write_is_left_alone(env, fake, project, monkeypatch):
    stack_file = project / "Pulumi.dev.yaml"
    before = stack_file.read_bytes()
    scenario(
        fake,
        "dev",
        [monitor_resource("dev", t) for t in TABLES],
        preview=same_all("dev", but={"dim_host": "replace"}),
        fail_commands={"config set": "open Pulumi.dev.yaml: permission denied"},
    )
    write_bytes = atomic.write_bytes

    def read_only(path, data, mode=None):
        if path == stack_file:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return write_bytes(path, data, mode)

    monkeypatch.setattr(tokens, "write_bytes", read_only)
    with pytest.raises(StackOpsError) as failed:
        reset("dev", ["dim_host"], assume_yes=True, env=env)
    assert failed.value.exit_code == ExitCode.INVALID
    assert "writing dim_host's reset token failed" in str(failed.value)
    assert "could not be put back" not in str(failed.value)
    assert stack_file.read_bytes() == before
