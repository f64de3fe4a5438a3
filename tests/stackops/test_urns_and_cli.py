"""`urns`, the CLI version rule, and the command line's exit codes."""

from __future__ import annotations

import io
import json
import shlex
import subprocess

import pytest
from semver import VersionInfo

from monitors.cli.main import main
from monitors.errors import CliTooOldError
from monitors.naming import monitor_urn
from monitors.stackops.pulumi_cli import MIN_CLI_VERSION, check_cli_version
from monitors.stackops.urns import urns
from tests.fakes.terminal import Terminal
from tests.helpers.declarations import TABLES
from tests.helpers.fake_cli import CATALOG, monitor_resource, same_all


def run(argv, project, fake):
    return main([*argv, "--project-dir", str(project), "--pulumi-root", str(fake.root)])


def test_urns_are_the_naming_urns_marked_with_state(env, fake):
    stacks = fake.scenario["stacks"]
    stacks["dev"]["resources"] = [monitor_resource("dev", t) for t in TABLES if t != "dim_user"]
    fake.write(stacks=stacks)
    found = urns("dev", env=env)
    assert [(m.table, m.urn) for m in found] == [(t, monitor_urn("dev", t)) for t in TABLES]
    assert {m.table: m.in_state for m in found} == {t: t != "dim_user" for t in TABLES}
    assert found[0].urn == (
        "urn:pulumi:dev::lakehouse-monitors::databricks:index/qualityMonitor:QualityMonitor::dim_host"
    )


def test_urns_without_a_cli_still_lists_the_urns(env, console, tmp_path):
    env = type(env)(project_root=env.project_root, pulumi_root=tmp_path / "none", out=console.out)
    found = urns("prod", env=env)
    assert [m.urn for m in found] == [monitor_urn("prod", t) for t in TABLES]
    assert {m.in_state for m in found} == {None}
    assert "not checking the stack's state" in console.text


def test_urns_command_prints_bare_urns_for_scripts(project, fake, capsys):
    assert run(["urns", "--stack", "dev", "--table", "dim_user"], project, fake) == 0
    assert capsys.readouterr().out == monitor_urn("dev", "dim_user") + "\n"


def test_urns_command_json(project, fake, capsys):
    assert run(["urns", "--stack", "prod", "--json"], project, fake) == 0
    printed = json.loads(capsys.readouterr().out)
    urn = monitor_urn("prod", "fact_booking_daily")
    assert printed["schema_version"] == 1
    assert printed["monitors"]["fact_booking_daily"] == {
        "urn": urn,
        "in_state": True,
        "state": "present",
        "commands": [
            f"pulumi state unprotect --stack prod '{urn}'",
            f"pulumi up --stack prod --replace '{urn}'",
        ],
    }


@pytest.mark.parametrize(
    ("version", "ok"),
    [
        ("3.231.0", True),
        ("3.272.0", True),
        ("3.230.9", False),  # honours replacement_trigger, but cannot tell the SDK so
        ("3.208.0", False),
        ("3.207.9", False),
        ("3.1.0", False),
        ("4.0.0", False),
    ],
)
def test_cli_version_minimum_is_3_231(version, ok):
    if ok:
        check_cli_version(VersionInfo.parse(version))
    else:
        with pytest.raises(CliTooOldError):
            check_cli_version(VersionInfo.parse(version))
    assert str(MIN_CLI_VERSION) == "3.231.0"


def test_unreadable_cli_version_is_refused():
    with pytest.raises(CliTooOldError, match="could not read"):
        check_cli_version(None)


def scenario(fake, stack, preview, up=None):
    fake.write(
        stacks=fake.scenario["stacks"], preview={"steps": preview}, up={"steps": up or preview}
    )


@pytest.mark.slow  # 3.9 s: several reset runs through the fake CLI (--durations)
def test_reset_command_exit_codes_are_distinct(project, fake, monkeypatch, capsys):
    asked = same_all("dev", but={"dim_host": "replace"})
    scenario(fake, "dev", asked)
    assert run(["reset", "--stack", "dev", "--table", "dim_host", "--yes"], project, fake) == 0

    scenario(fake, "dev", same_all("dev", but={"dim_host": "replace", "dim_user": "replace"}))
    assert run(["reset", "--stack", "dev", "--table", "dim_host", "--yes"], project, fake) == 3

    scenario(fake, "dev", asked)
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    assert run(["reset", "--stack", "dev", "--table", "dim_host"], project, fake) == 4

    fail = {"urn": monitor_urn("dev", "dim_host"), "op": "delete-replaced", "message": "boom"}
    fake.write(
        stacks=fake.scenario["stacks"], preview={"steps": asked}, up={"steps": asked, "fail": fail}
    )
    assert run(["reset", "--stack", "dev", "--table", "dim_host", "--yes"], project, fake) == 1

    assert run(["reset", "--stack", "dev", "--table", "nope", "--yes"], project, fake) == 2
    assert "error: 'nope' is not a declared monitor" in capsys.readouterr().err


def test_reset_without_a_terminal_asks_for_yes_and_changes_nothing(
    project, fake, monkeypatch, capsys
):
    """CI or a pipe: never wait on a stdin nobody types into (exit 2, nothing changed)."""
    before = (project / "Pulumi.dev.yaml").read_bytes()
    scenario(fake, "dev", same_all("dev", but={"dim_host": "replace"}))
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert run(["reset", "--stack", "dev", "--table", "dim_host"], project, fake) == 2
    err = capsys.readouterr().err
    assert "error: no terminal: pass --yes" in err
    assert "Nothing was changed (the reset tokens were removed again)" in err
    assert (project / "Pulumi.dev.yaml").read_bytes() == before


def test_reset_command_needs_tables_or_all(project, fake):
    with pytest.raises(SystemExit) as usage:
        run(["reset", "--stack", "dev"], project, fake)
    assert usage.value.code == 2
    with pytest.raises(SystemExit):
        run(["reset", "--stack", "dev", "--all", "--table", "dim_host"], project, fake)


def test_adopt_command_refusal_exit_code(project, fake):
    fake.write(
        stacks=fake.scenario["stacks"],
        preview={"steps": same_all("dev", but={"dim_host": "replace"})},
    )
    assert run(["adopt", "--stack", "dev"], project, fake) == 3


# ---------------------------------------------------------------- the raw path, command by command


@pytest.mark.parametrize(
    ("stack", "expected"),
    [
        ("dev", ["pulumi up --stack dev --replace '{urn}'"]),
        (
            "prod",
            [
                "pulumi state unprotect --stack prod '{urn}'",
                "pulumi up --stack prod --replace '{urn}'",
            ],
        ),
    ],
)
def test_urns_print_the_exact_raw_replace_commands_per_monitor(env, fake, stack, expected):
    found = {m.table: m for m in urns(stack, env=env)}
    urn = monitor_urn(stack, "dim_user")
    assert list(found["dim_user"].commands) == [c.format(urn=urn) for c in expected]


def test_urns_text_lists_the_commands_under_each_monitor(project, fake, capsys):
    assert run(["urns", "--stack", "prod"], project, fake) == 0
    lines = capsys.readouterr().out.splitlines()
    urn = monitor_urn("prod", "dim_host")
    at = next(i for i, line in enumerate(lines) if line.endswith(urn))
    assert lines[at + 1 : at + 3] == [
        f"    pulumi state unprotect --stack prod '{urn}'",
        f"    pulumi up --stack prod --replace '{urn}'",
    ]
    assert "the program protects it again in that `up`" in lines[-1]


def test_a_monitor_not_in_state_gets_no_replace_commands(env, fake):
    stacks = fake.scenario["stacks"]
    stacks["dev"]["resources"] = [monitor_resource("dev", t) for t in TABLES if t != "dim_user"]
    fake.write(stacks=stacks)
    found = {m.table: m for m in urns("dev", env=env)}
    assert found["dim_user"].commands == ()
    assert found["dim_host"].commands


def run_printed(command, fake):
    """Run one printed `pulumi ...` command line against the fake CLI, as a user's shell would."""
    argv = shlex.split(command)
    assert argv[0] == "pulumi"
    return subprocess.run(
        [str(fake.root / "bin" / "pulumi"), *argv[1:]], capture_output=True, text=True, check=False
    )


def protected_prod(fake):
    """prod as deployed: every monitor protected in state, and the program registering protect."""
    stacks = fake.scenario["stacks"]
    stacks["prod"]["resources"] = [monitor_resource("prod", t, protect=True) for t in TABLES]
    up = [{**s, "protect": True} for s in same_all("prod")]
    fake.write(stacks=stacks, up={"steps": up})


def test_in_prod_the_printed_commands_recreate_the_monitor_and_leave_it_protected(env, fake):
    protected_prod(fake)
    commands = {m.table: m.commands for m in urns("prod", env=env)}["dim_user"]
    results = [run_printed(c, fake) for c in commands]
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    dim_user = next(
        r for r in fake.resources("prod") if r["urn"] == monitor_urn("prod", "dim_user")
    )
    assert dim_user["protect"] is True  # registered again by the program in that same up
    assert not dim_user.get("pendingReplacement")
    replaced = [c for c in fake.argvs() if "--replace" in c]
    assert replaced == [["up", "--stack", "prod", "--replace", monitor_urn("prod", "dim_user")]]
    # Every other monitor kept its protection throughout.
    assert all(r["protect"] for r in fake.resources("prod"))


def test_in_prod_replace_without_unprotect_fails_on_protection_and_changes_nothing(env, fake):
    protected_prod(fake)
    replace = {m.table: m.commands for m in urns("prod", env=env)}["dim_user"][-1]
    result = run_printed(replace, fake)
    assert result.returncode != 0
    assert "update failed" in result.stderr
    assert not any(r.get("pendingReplacement") for r in fake.resources("prod"))


def test_in_dev_the_printed_replace_command_recreates_the_monitor(env, fake):
    fake.write(stacks=fake.scenario["stacks"], up={"steps": same_all("dev")})
    (command,) = {m.table: m.commands for m in urns("dev", env=env)}["dim_host"]
    assert run_printed(command, fake).returncode == 0
    history = fake.world()["stacks"]["dev"]["history"][0]
    assert history["result"] == "succeeded"
    assert history["resourceChanges"] == {"replace": 1, "same": 4}


@pytest.mark.parametrize(
    ("command", "target", "code"),
    [
        ("adopt", "monitors.stackops.adopt.adopt", 4),
        ("urns", "monitors.stackops.urns.urns", 4),
        ("reset", "monitors.stackops.reset.command.reset", 4),
        ("migrate", "monitors.stackops.migrate.command.migrate", 4),
    ],
)
def test_an_interrupt_outside_an_update_is_a_sentence_and_an_exit_code_not_a_traceback(
    project, fake, monkeypatch, capsys, command, target, code
):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(target, interrupted)
    extra = {"reset": ["--table", "dim_host"], "migrate": ["--to", "data_quality"]}.get(command, [])
    assert run([command, "--stack", "dev", *extra], project, fake) == code
    err = capsys.readouterr().err
    assert err.startswith("\ninterrupted") or err.startswith("\naborted")
    assert "Traceback" not in err


# ---------------------------------------------------------------- half-done monitors, notes


def half_done(fake, stack):
    """dim_host deleted and pending replacement, dim_user's create interrupted (not in the
    resources: the engine records a resource only once its create returned), dim_property's
    delete interrupted."""
    resources = [
        monitor_resource(stack, t, protect=stack == "prod", **extra)
        for t, extra in (
            ("dim_host", {"pendingReplacement": True}),
            ("dim_property", {}),
            ("fact_booking_daily", {}),
            ("fact_property_engagement", {}),
        )
    ]
    pending = [
        {"resource": monitor_resource(stack, "dim_user"), "type": "creating"},
        {"resource": monitor_resource(stack, "dim_property"), "type": "deleting"},
    ]
    stacks = fake.scenario["stacks"]
    stacks[stack] = {"resources": resources, "pending_operations": pending}
    fake.write(stacks=stacks)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_a_monitor_an_update_left_half_done_gets_the_commands_that_finish_it_not_a_replace(
    env, fake, stack
):
    half_done(fake, stack)
    found = {m.table: m for m in urns(stack, env=env)}
    assert found["dim_host"].commands == (f"monitors reset --stack {stack} --table dim_host",)
    user_urn = monitor_urn(stack, "dim_user")
    assert found["dim_user"].commands == (
        f"if it exists in Databricks: pulumi refresh --stack {stack} --yes "
        f"--import-pending-creates '{user_urn}' "
        f"--import-pending-creates '{CATALOG[stack]}.wanderbricks_gold.dim_user'",
        f"if it does not: pulumi refresh --stack {stack} --yes --clear-pending-creates",
    )
    assert found["dim_property"].commands == (f"pulumi refresh --stack {stack} --yes",)
    assert any("--replace" in c for c in found["fact_booking_daily"].commands)


def test_urns_text_says_which_monitors_are_half_done(project, fake, capsys):
    half_done(fake, "prod")
    assert run(["urns", "--stack", "prod"], project, fake) == 0
    lines = capsys.readouterr().out.splitlines()
    marks = {line.split()[0]: line.split()[1] for line in lines if line.startswith(tuple(TABLES))}
    assert marks == {
        "dim_host": "PENDING",
        "dim_property": "INTERRUPTED",
        "dim_user": "INTERRUPTED",
        "fact_booking_daily": "in",
        "fact_property_engagement": "in",
    }
    assert any(
        "deleted in Databricks by an update that did not create it again" in x for x in lines
    )


def test_urns_json_says_each_monitors_state(project, fake, capsys):
    half_done(fake, "dev")
    assert run(["urns", "--stack", "dev", "--json"], project, fake) == 0
    printed = json.loads(capsys.readouterr().out)
    assert {t: m["state"] for t, m in printed["monitors"].items()} == {
        "dim_host": "pending_replacement",
        "dim_property": "deleting",
        "dim_user": "creating",
        "fact_booking_daily": "present",
        "fact_property_engagement": "present",
    }


@pytest.mark.parametrize("argv", [["--json"], ["--table", "dim_host"]])
def test_urns_notes_go_to_stderr_so_scripts_parse_only_urns(project, fake, capsys, tmp_path, argv):
    fake.root = tmp_path / "no-cli"
    assert run(["urns", "--stack", "dev", *argv], project, fake) == 0
    captured = capsys.readouterr()
    assert "not checking the stack's state" in captured.err
    if argv == ["--json"]:
        assert set(json.loads(captured.out)["monitors"]) == set(TABLES)
    else:
        assert captured.out == monitor_urn("dev", "dim_host") + "\n"


def test_a_failing_state_read_lists_the_urns_with_state_unknown(project, fake, capsys):
    fake.write(
        stacks=fake.scenario["stacks"],
        fail_commands={"stack export": "could not deserialize deployment: unexpected end of JSON"},
    )
    assert run(["urns", "--stack", "dev"], project, fake) == 0
    captured = capsys.readouterr()
    assert "reading the stack's state failed (error: could not deserialize" in captured.err
    rows = [line for line in captured.out.splitlines() if line.startswith(tuple(TABLES))]
    assert len(rows) == 5 and all("state unknown" in row for row in rows)
