"""Reset explains each replace with the program's reasons: the engine's events carry none."""

from __future__ import annotations

from dataclasses import replace

import pytest

from monitors.errors import RefusedError
from monitors.naming import monitor_urn
from monitors.stackops.reset.command import reset
from tests.helpers.fake_cli import deployed_outputs, same_all


def renamed_from(old: str, new: str):
    """A structure edit: the last deployment called metric `new` by the name `old`."""

    def edit(structure):
        metrics = dict(structure.metrics)
        metrics[old] = metrics.pop(new)
        return replace(structure, metrics=metrics)

    return edit


def deployed(fake, project, stack, **edits):
    """Give the fake stack the outputs of a deployment of the project copy (with `edits`)."""
    stacks = fake.scenario["stacks"]
    stacks[stack]["outputs"] = deployed_outputs(project, stack, **edits)
    return stacks


def test_a_trigger_replace_reaches_reset_without_changed_keys(env, fake, project):
    # The fidelity this test depends on: the fake emits a replacement_trigger replace as the
    # engine does, so the engine's events alone cannot explain it.
    from monitors.stackops.common import preview
    from monitors.stackops.pulumi_cli import open_stack

    fake.write(
        stacks=fake.scenario["stacks"],
        preview={"steps": same_all("dev", but={"dim_host": "replace"})},
    )
    change = preview(open_stack("dev", project, fake.root), "preview").changes()[
        monitor_urn("dev", "dim_host")
    ]
    assert change.planned == ["delete-replaced", "replace", "create-replacement"]
    assert (change.keys, change.diffs) == ([], [])


def test_reset_confirmation_and_report_say_why_each_monitor_is_replaced(
    env, fake, project, console
):
    steps = same_all("prod", but={"dim_host": "replace"})
    fake.write(
        stacks=deployed(fake, project, "prod"), preview={"steps": steps}, up={"steps": steps}
    )
    console.answers = ["prod"]
    report = reset("prod", ["dim_host"], confirm=console.confirm, env=env)
    token = report.tokens["dim_host"]
    assert report.reasons["dim_host"] == (f"reset requested (token {token!r})",)
    lines = console.lines
    at = lines.index(f"  - dim_host  ({monitor_urn('prod', 'dim_host')})")
    assert lines[at + 1] == f"      because reset requested (token {token!r})"
    assert f"  dim_host: deleted and recreated, because reset requested (token {token!r})" in lines


def test_reset_shows_a_pending_structural_change_among_the_reasons(env, fake, project, console):
    steps = same_all("dev", but={"dim_host": "replace"})
    stacks = deployed(fake, project, "dev", dim_host=renamed_from("active_share", "active_rate"))
    fake.write(stacks=stacks, preview={"steps": steps}, up={"steps": steps})
    report = reset("dev", ["dim_host"], assume_yes=True, env=env)
    assert report.reasons["dim_host"] == (
        "metric 'active_share' renamed to 'active_rate'",
        f"reset requested (token {report.tokens['dim_host']!r})",
    )
    assert "because metric 'active_share' renamed to 'active_rate'; reset requested" in console.text


def test_reset_refusal_names_the_programs_reason_for_an_unasked_replace(env, fake, project):
    before = (project / "Pulumi.dev.yaml").read_bytes()
    steps = same_all("dev", but={"dim_host": "replace", "dim_user": "replace"})
    stacks = deployed(
        fake, project, "dev", dim_user=renamed_from("business_share", "business_user_rate")
    )
    fake.write(stacks=stacks, preview={"steps": steps})
    with pytest.raises(RefusedError) as refused:
        reset("dev", ["dim_host"], assume_yes=True, env=env)
    assert (
        "monitor dim_user: replace (because metric 'business_share' renamed to 'business_user_rate')"
        in str(refused.value)
    )
    assert (project / "Pulumi.dev.yaml").read_bytes() == before


def test_an_unreadable_record_does_not_stop_the_reset_and_says_the_reasons_are_unknown(
    env, fake, project, console
):
    steps = same_all("dev", but={"dim_host": "replace"})
    stacks = fake.scenario["stacks"]
    stacks["dev"]["outputs"] = {"monitor_structure": "not a mapping"}
    fake.write(stacks=stacks, preview={"steps": steps}, up={"steps": steps})
    report = reset("dev", ["dim_host"], assume_yes=True, env=env)
    assert report.outcomes == {"dim_host": "deleted and recreated"}
    assert report.reasons["dim_host"][0].startswith("the program's reasons could not be read: ")
    assert "monitor_structure" in report.reasons["dim_host"][0]


def test_a_reset_the_program_does_not_act_on_is_refused_with_the_programs_sentence(
    env, fake, project
):
    # No record of dim_host: its history is unknown, so the program never replaces it and the
    # preview shows no replace; the refusal says why in the program's words.
    stacks = deployed(fake, project, "dev")
    del stacks["dev"]["outputs"]["monitor_structure"]["dim_host"]
    fake.write(stacks=stacks, preview={"steps": same_all("dev")})
    with pytest.raises(RefusedError) as refused:
        reset("dev", ["dim_host"], assume_yes=True, env=env)
    message = str(refused.value)
    assert "the preview does not recreate dim_host although its reset token is set" in message
    assert "is never replaced in this run" in message
