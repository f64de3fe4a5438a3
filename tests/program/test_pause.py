"""`lakehouse-monitors:paused`: the stack's monitors are deployed without a schedule on both
backends, and the preview and `plan` say so (a warning in a protected stack). That pausing and
un-pausing are updates in place is pinned by the change table's rows (tests/change_table.py)."""

from __future__ import annotations

import json
import shutil

import pytest

from monitors.cli.main import main
from tests.helpers.program import deploy_once, stack_config

BACKENDS = ("legacy", "data_quality")


def _config(api: str, **settings):
    if api != "legacy":
        settings["api"] = api
    return stack_config("prod", **settings)


def _schedule(inputs: dict, api: str):
    if api == "legacy":
        return inputs.get("schedule")
    return inputs["dataProfilingConfig"].get("schedule")


@pytest.mark.parametrize("api", BACKENDS)
def test_a_paused_stack_registers_its_monitors_without_a_schedule(declarations, api):
    running = deploy_once(declarations, stack="prod", config=_config(api))
    paused = deploy_once(declarations, stack="prod", config=_config(api, paused=True))
    for table in declarations:
        assert _schedule(running.monitor(table).inputs, api) == {
            "quartzCronExpression": "0 0 6 * * ?",
            "timezoneId": "UTC",
        }
        assert _schedule(paused.monitor(table).inputs, api) is None


@pytest.mark.parametrize("api", BACKENDS)
def test_pausing_changes_nothing_but_the_schedule(declarations, api):
    running = deploy_once(declarations, stack="prod", config=_config(api))
    paused = deploy_once(declarations, stack="prod", config=_config(api, paused=True))
    for table in declarations:
        before = json.loads(json.dumps(running.monitor(table).inputs))
        after = json.loads(json.dumps(paused.monitor(table).inputs))
        if api == "legacy":
            before.pop("schedule")
        else:
            before["dataProfilingConfig"].pop("schedule")
        assert after == before
        assert (
            paused.monitor(table).replacement_trigger == running.monitor(table).replacement_trigger
        )


def test_the_preview_of_a_paused_protected_stack_warns(declarations):
    run = deploy_once(declarations, stack="prod", config=stack_config("prod", paused=True))
    assert [w for w in run.warnings if "is paused" in w] == [
        "stack 'prod' is paused (lakehouse-monitors:paused): its 5 monitor(s) are deployed "
        "without a schedule, so they refresh only when asked; their history is kept. Remove "
        "the setting (or set it to false) to restore the declared schedules."
    ]


def test_the_preview_of_a_paused_unprotected_stack_says_so_without_warning(declarations):
    run = deploy_once(declarations, stack="dev", config=stack_config("dev", paused=True))
    assert not [w for w in run.warnings if "is paused" in w]
    assert [i for i in run.infos if "stack 'dev' is paused" in i]


def test_plan_says_the_stack_is_paused(capsys, tmp_path):
    from tests.cli.test_plan_command import ROOT

    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    shutil.copytree(ROOT / "monitors" / "declarations", tmp_path / "monitors" / "declarations")
    stack_file = tmp_path / "Pulumi.prod.yaml"
    stack_file.write_text(stack_file.read_text() + "  lakehouse-monitors:paused: true\n")
    assert main(["plan", "--stack", "prod", "--project-dir", str(tmp_path), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["paused"] is True
    assert all("schedule" not in m["request"] for m in document["monitors"].values())
    assert main(["plan", "--stack", "prod", "--project-dir", str(tmp_path)]) == 0
    assert "stack 'prod' is paused (lakehouse-monitors:paused)" in capsys.readouterr().out
