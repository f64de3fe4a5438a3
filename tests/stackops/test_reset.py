"""Reset: exact commands, the refusal check, confirmation, error paths, failure reporting."""

from __future__ import annotations

import re

import pytest
import yaml

from monitors.errors import (
    AbortedError,
    CliNotFoundError,
    CliTooOldError,
    OperationFailedError,
    RefusedError,
    StackMissingError,
    UnknownTableError,
)
from monitors.naming import monitor_urn
from monitors.stackops.reset.command import reset
from tests.helpers.declarations import TABLES
from tests.helpers.fake_cli import same_all, step

TOKEN = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ-[0-9a-f]{4}$")


def resets_in(project, stack):
    config = yaml.safe_load((project / f"Pulumi.{stack}.yaml").read_text())["config"]
    return config.get("lakehouse-monitors:resets")


def plan(fake, stack, preview, up=None, **extra):
    fake.write(
        stacks=fake.scenario["stacks"],
        preview={"steps": preview},
        up={"steps": up if up is not None else preview},
        **extra,
    )


def test_reset_writes_token_and_purge_by_path_then_previews_and_updates(
    env, fake, project, console
):
    plan(fake, "dev", same_all("dev", but={"dim_host": "replace"}))
    report = reset("dev", ["dim_host"], purge=True, assume_yes=True, env=env)

    token = report.tokens["dim_host"]
    assert TOKEN.match(token)
    assert fake.commands() == [
        "version",
        "--non-interactive stack select --stack dev",
        # Where each monitor stands, and the last deployment's record: before anything is written.
        "--non-interactive stack export --show-secrets --stack dev",
        "--non-interactive stack output --json --stack dev",
        "--non-interactive stack output --json --show-secrets --stack dev",
        f"config set --path resets.dim_host.token --plaintext --stack dev --non-interactive -- "
        f"{token}",
        "config set --path resets.dim_host.purge --plaintext --stack dev --non-interactive -- true",
        "--non-interactive preview --exec-kind auto.local --event-log <event-log> --stack dev",
        "--non-interactive up --yes --skip-preview --exec-kind auto.local --event-log <event-log> "
        "--stack dev",
        "--non-interactive stack output --json --stack dev",
        "--non-interactive stack output --json --show-secrets --stack dev",
        "--non-interactive stack history --json --show-secrets --page-size 1 --page 1 --stack dev",
    ]
    assert resets_in(project, "dev") == {"dim_host": {"token": token, "purge": True}}
    assert report.outcomes == {"dim_host": "deleted and recreated"}
    assert "metric tables are dropped" in console.text
    # Every command after `version` ran in the project copy, as the Automation API.
    assert {c["cwd"] for c in fake.calls()[1:]} == {str(project)}
    assert {c["env"].get("PULUMI_AUTOMATION_API") for c in fake.calls()[1:]} == {"true"}
    # The events arrived over the Automation API's gRPC event stream (CLI > 3.205).
    assert all(
        argv[argv.index("--event-log") + 1].startswith("tcp://127.0.0.1:")
        for argv in fake.argvs()
        if "--event-log" in argv
    )


def test_reset_uses_no_replace_or_target_flags_the_token_does_the_work(env, fake):
    plan(fake, "dev", same_all("dev", but={"dim_user": "replace"}))
    reset("dev", ["dim_user"], assume_yes=True, env=env)
    flags = {a for argv in fake.argvs() for a in argv}
    assert not flags & {"--replace", "--target", "--target-dependents", "--refresh"}


def test_reset_all_writes_a_fresh_token_for_every_enabled_monitor(env, fake, project, console):
    plan(fake, "dev", [step("replace", "dev", t) for t in TABLES])
    report = reset("dev", None, assume_yes=True, env=env)
    written = [a[3] for a in fake.argvs() if a[:2] == ["config", "set"]]
    assert written == [f"resets.{t}.{k}" for t in TABLES for k in ("token", "purge")]
    assert set(resets_in(project, "dev")) == set(TABLES)
    assert len(set(report.tokens.values())) == len(TABLES)
    assert "history older than about 30 days" in console.text


@pytest.mark.parametrize("shorthand", ["old-token", "123"], ids=["text", "number"])
def test_reset_replaces_a_bare_token_with_the_object_form(env, fake, project, shorthand):
    path = project / "Pulumi.dev.yaml"
    path.write_text(path.read_text() + f"  lakehouse-monitors:resets:\n    dim_host: {shorthand}\n")
    plan(fake, "dev", same_all("dev", but={"dim_host": "replace"}))
    report = reset("dev", ["dim_host"], assume_yes=True, env=env)
    assert "--non-interactive config rm resets.dim_host --stack dev --path" in fake.commands()
    assert resets_in(project, "dev") == {
        "dim_host": {"token": report.tokens["dim_host"], "purge": False}
    }


@pytest.mark.parametrize("op", ["replace", "delete"])
def test_reset_refuses_an_unasked_replace_or_delete_and_restores_config(env, fake, project, op):
    before = (project / "Pulumi.dev.yaml").read_bytes()
    plan(fake, "dev", same_all("dev", but={"dim_host": "replace", "dim_user": op}))
    with pytest.raises(RefusedError) as refused:
        reset("dev", ["dim_host"], assume_yes=True, env=env)
    assert f"monitor dim_user: {op}" in str(refused.value)
    assert refused.value.exit_code == 3
    assert (project / "Pulumi.dev.yaml").read_bytes() == before
    assert not [a for a in fake.argvs() if "up" in a]


def test_reset_refuses_an_unasked_replace_of_any_resource_not_only_monitors(env, fake, project):
    before = (project / "Pulumi.dev.yaml").read_bytes()
    provider = "urn:pulumi:dev::lakehouse-monitors::pulumi:providers:databricks::default_1_118_0"
    plan(
        fake,
        "dev",
        [*same_all("dev", but={"dim_host": "replace"}), {"op": "replace", "urn": provider}],
    )
    with pytest.raises(RefusedError, match="pulumi:providers:databricks"):
        reset("dev", ["dim_host"], assume_yes=True, env=env)
    assert (project / "Pulumi.dev.yaml").read_bytes() == before


def test_reset_refuses_when_the_preview_does_not_recreate_an_asked_monitor(env, fake, project):
    before = (project / "Pulumi.dev.yaml").read_bytes()
    plan(fake, "dev", same_all("dev"))
    with pytest.raises(RefusedError, match="does not recreate dim_host"):
        reset("dev", ["dim_host"], assume_yes=True, env=env)
    assert (project / "Pulumi.dev.yaml").read_bytes() == before


def test_reset_preview_failure_restores_config_and_shows_the_engine_error(env, fake, project):
    before = (project / "Pulumi.prod.yaml").read_bytes()
    urn = monitor_urn("prod", "dim_user")
    fake.write(
        stacks=fake.scenario["stacks"],
        preview={
            "steps": same_all("prod", but={"dim_user": "replace"}),
            "fail": {
                "urn": urn,
                "op": "replace",
                "message": "unable to replace resource, as it is currently marked for protection",
            },
        },
    )
    with pytest.raises(OperationFailedError, match="marked for protection") as failed:
        reset("prod", ["dim_host"], assume_yes=True, env=env)
    assert urn in str(failed.value)
    assert (project / "Pulumi.prod.yaml").read_bytes() == before


def test_protected_stack_requires_typing_the_stack_name(env, fake, console, project):
    plan(fake, "prod", same_all("prod", but={"fact_booking_daily": "replace"}))
    console.answers = ["prod"]
    report = reset("prod", ["fact_booking_daily"], confirm=console.confirm, env=env)
    assert console.prompts == [
        "Monitors are protected in stack 'prod'. Type the stack name to go on: "
    ]
    assert report.outcomes == {"fact_booking_daily": "deleted and recreated"}
    assert "DELETE and then RECREATE" in console.text
    assert monitor_urn("prod", "fact_booking_daily") in console.text


@pytest.mark.parametrize("answer", ["yes", "y", "dev", "PROD", ""])
def test_protected_stack_wrong_name_aborts_and_restores_config(env, fake, console, project, answer):
    before = (project / "Pulumi.prod.yaml").read_bytes()
    plan(fake, "prod", same_all("prod", but={"dim_host": "replace"}))
    console.answers = [answer]
    with pytest.raises(AbortedError) as aborted:
        reset("prod", ["dim_host"], confirm=console.confirm, env=env)
    assert aborted.value.exit_code == 4
    assert (project / "Pulumi.prod.yaml").read_bytes() == before
    assert not [a for a in fake.argvs() if "up" in a]


def test_unprotected_stack_asks_yes_or_no(env, fake, console, project):
    before = (project / "Pulumi.dev.yaml").read_bytes()
    plan(fake, "dev", same_all("dev", but={"dim_host": "replace"}))
    console.answers = ["n"]
    with pytest.raises(AbortedError):
        reset("dev", ["dim_host"], confirm=console.confirm, env=env)
    assert console.prompts == ["Go on? [y/N] "]
    assert (project / "Pulumi.dev.yaml").read_bytes() == before
    console.answers = ["y"]
    assert reset("dev", ["dim_host"], confirm=console.confirm, env=env).outcomes


def test_yes_skips_confirmation_even_in_a_protected_stack(env, fake, console):
    plan(fake, "prod", same_all("prod", but={"dim_host": "replace"}))
    reset("prod", ["dim_host"], assume_yes=True, confirm=console.confirm, env=env)
    assert console.prompts == []


def test_interrupt_at_the_prompt_restores_config(env, fake, project):
    before = (project / "Pulumi.dev.yaml").read_bytes()
    plan(fake, "dev", same_all("dev", but={"dim_host": "replace"}))

    def interrupt(prompt):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reset("dev", ["dim_host"], confirm=interrupt, env=env)
    assert (project / "Pulumi.dev.yaml").read_bytes() == before


def test_unknown_table_is_a_clear_error_before_any_cli_call(env, fake):
    with pytest.raises(UnknownTableError, match="'fact_nope' is not a declared monitor"):
        reset("prod", ["dim_host", "fact_nope"], assume_yes=True, env=env)
    assert fake.calls() == []


def test_declared_but_disabled_table_is_named_as_such(env, fake, project):
    path = project / "Pulumi.prod.yaml"
    path.write_text(path.read_text().replace("    - dim_user\n", ""))
    with pytest.raises(UnknownTableError, match="'dim_user' is declared but not enabled"):
        reset("prod", ["dim_user"], assume_yes=True, env=env)
    assert fake.calls() == []


def test_missing_stack_is_a_clear_error_and_changes_nothing(env, fake, project):
    before = (project / "Pulumi.dev.yaml").read_bytes()
    fake.write(stacks={"prod": fake.scenario["stacks"]["prod"]})
    with pytest.raises(StackMissingError, match="stack 'dev' does not exist"):
        reset("dev", ["dim_host"], assume_yes=True, env=env)
    assert fake.commands() == ["version", "--non-interactive stack select --stack dev"]
    assert (project / "Pulumi.dev.yaml").read_bytes() == before


def test_missing_cli_is_a_clear_error_and_changes_nothing(env, project, tmp_path):
    before = (project / "Pulumi.dev.yaml").read_bytes()
    (tmp_path / "empty" / "bin").mkdir(parents=True)
    env = type(env)(project_root=project, pulumi_root=tmp_path / "empty", out=env.out)
    with pytest.raises(CliNotFoundError, match="Pulumi CLI was not found") as missing:
        reset("dev", ["dim_host"], assume_yes=True, env=env)
    assert str(tmp_path / "empty" / "bin" / "pulumi") in str(missing.value)
    assert (project / "Pulumi.dev.yaml").read_bytes() == before


@pytest.mark.parametrize("version", ["3.207.1", "3.230.0"])
def test_cli_older_than_3_231_is_refused_before_anything_else(env, fake, project, version):
    fake.write(stacks=fake.scenario["stacks"], version=version)
    with pytest.raises(CliTooOldError, match=rf"{version} .* needs 3\.231\.0 or later"):
        reset("dev", ["dim_host"], assume_yes=True, env=env)
    assert fake.commands() == ["version"]


def test_failed_up_reports_each_monitor_state_and_how_to_resume(env, fake, project):
    steps = same_all("dev", but={"dim_host": "replace", "dim_user": "replace"})
    steps.sort(key=lambda s: s["op"] != "replace")
    fake.write(
        stacks=fake.scenario["stacks"],
        preview={"steps": steps},
        up={
            "steps": steps,
            "fail": {
                "urn": monitor_urn("dev", "dim_host"),
                "op": "create-replacement",
                "message": "Data Monitor creation timed out",
            },
        },
    )
    with pytest.raises(OperationFailedError) as failed:
        reset("dev", ["dim_host", "dim_user"], assume_yes=True, env=env)
    message = str(failed.value)
    assert "Data Monitor creation timed out" in message
    assert "dim_host: deleted in Databricks; kept in state as pending replacement" in message
    assert "dim_user: present in state" in message
    assert "To finish the reset, run:\n  pulumi up --stack dev\n" in message
    assert "no new reset is needed" in message
    assert "Running the same reset again is safe" in message
    assert "monitors reset --stack dev --table dim_host --table dim_user" in message
    assert failed.value.exit_code == 1
    # The tokens stay written: the next run picks up where this one stopped.
    assert set(resets_in(project, "dev")) == {"dim_host", "dim_user"}
    assert "--non-interactive stack export --show-secrets --stack dev" in fake.commands()


def test_running_the_same_reset_again_after_a_failure_reuses_its_token_and_completes_it(
    env, fake, project, console
):
    steps = same_all("dev", but={"dim_host": "replace"})
    fail = {"urn": monitor_urn("dev", "dim_host"), "op": "create-replacement", "message": "boom"}
    fake.write(
        stacks=fake.scenario["stacks"], preview={"steps": steps}, up={"steps": steps, "fail": fail}
    )
    with pytest.raises(OperationFailedError):
        reset("dev", ["dim_host"], assume_yes=True, env=env)
    first = resets_in(project, "dev")["dim_host"]["token"]
    world = fake.world()
    world["up"].pop("fail")
    fake.write(**{k: v for k, v in world.items() if k not in ("version", "project")})
    calls_before = len(fake.calls())
    report = reset("dev", ["dim_host"], assume_yes=True, env=env)
    # Corrected rule (issue 8.6): the unfinished reset is finished with its own token.
    assert report.tokens["dim_host"] == first
    assert report.reused == {"dim_host"}
    assert not [a for a in fake.argvs()[calls_before:] if a[:2] == ["config", "set"]]
    assert report.outcomes == {
        "dim_host": "created again (the earlier, unfinished reset had deleted it)"
    }
    assert "Already deleted by an earlier reset that did not complete" in console.text
    states = {r["urn"]: r for r in fake.resources("dev")}
    assert not states[monitor_urn("dev", "dim_host")].get("pendingReplacement")
