"""The fake CLI behaves as the upstream engine and CLI do, in the cases the stack operations meet.

Each rule names the pulumi/pulumi source it follows; the stack-operation tests rely on these.
The events are read raw from an `--event-log` file, as the CLI writes them.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from monitors.naming import monitor_urn
from tests.helpers.declarations import TABLES
from tests.helpers.fake_cli import monitor_resource, same_all, step

DIM_HOST = monitor_urn("dev", "dim_host")


def run(fake, *argv):
    return subprocess.run(
        [str(fake.root / "bin" / "pulumi"), *argv], capture_output=True, text=True, check=False
    )


def events(fake, tmp_path, command, *extra, resources=None, **behaviour):
    """Run `preview` or `up` on dev with `behaviour`; return (result, events as written)."""
    stacks = fake.scenario["stacks"]
    if resources is not None:
        stacks["dev"]["resources"] = resources
    fake.write(stacks=stacks, **{command: behaviour})
    log = tmp_path / f"{command}.jsonl"
    result = run(fake, command, "--stack", "dev", "--event-log", str(log), *extra)
    return result, [json.loads(line) for line in log.read_text().splitlines()]


def steps_of(found, urn=DIM_HOST):
    return [
        e["resourcePreEvent"]["metadata"]
        for e in found
        if "resourcePreEvent" in e and e["resourcePreEvent"]["metadata"]["urn"] == urn
    ]


def test_a_trigger_replace_has_no_keys_diffs_or_detailed_diff(fake, tmp_path):
    # step_generator.go generateStepsFromDiff (triggerReplace: DiffResult{Changes: DiffSome});
    # apitype StepEventMetadata: keys/diffs omitempty, detailedDiff null; step.go Logical().
    _, found = events(fake, tmp_path, "preview", steps=same_all("dev", but={"dim_host": "replace"}))
    metas = steps_of(found)
    assert [m["op"] for m in metas] == ["delete-replaced", "replace", "create-replacement"]
    for meta in metas:
        assert "keys" not in meta and "diffs" not in meta
        assert meta["detailedDiff"] is None
    assert [m.get("logical", False) for m in metas] == [False, True, False]


def test_a_targeted_replace_reports_the_id_key(fake, tmp_path):
    # step_generator.go stepGenerator.diff: isTargetedReplace -> ReplaceKeys ["id"].
    _, found = events(fake, tmp_path, "preview", "--replace", DIM_HOST, steps=same_all("dev"))
    metas = steps_of(found)
    assert [(m["op"], m.get("keys")) for m in metas] == [
        ("delete-replaced", None),
        ("replace", ["id"]),
        ("create-replacement", ["id"]),
    ]


def test_a_provider_requested_replace_and_an_update_report_their_keys(fake, tmp_path):
    steps = [
        step(
            "replace",
            "dev",
            "dim_host",
            by="diff",
            keys=["providerConfig"],
            diffs=["providerConfig"],
        ),
        step("update", "dev", "dim_user", diffs=["schedule"]),
    ]
    _, found = events(fake, tmp_path, "preview", steps=steps)
    replace = next(m for m in steps_of(found) if m["op"] == "replace")
    assert (replace["keys"], replace["diffs"]) == (["providerConfig"], ["providerConfig"])
    (update,) = steps_of(found, monitor_urn("dev", "dim_user"))
    assert (update.get("keys"), update["diffs"], update["logical"]) == (None, ["schedule"], True)


def test_a_resource_pending_replacement_gets_no_second_delete(fake, tmp_path):
    # step_generator.go: "If the resource is already pending replacement we don't need to emit
    # any step" for the delete; the create-replacement removes the pending record.
    resources = [
        monitor_resource("dev", t, **({"pendingReplacement": True} if t == "dim_host" else {}))
        for t in TABLES
    ]
    result, found = events(
        fake,
        tmp_path,
        "up",
        resources=resources,
        steps=same_all("dev", but={"dim_host": "replace"}),
    )
    assert result.returncode == 0
    assert [m["op"] for m in steps_of(found)] == ["replace", "create-replacement"]
    assert [r for r in fake.resources("dev") if r["urn"] == DIM_HOST] == [
        {**monitor_resource("dev", "dim_host"), "inputs": {}, "outputs": {}, "protect": False}
    ]


@pytest.mark.parametrize(
    ("old_protect", "new_protect", "refused"),
    [(True, True, True), (True, False, False), (False, True, False), (False, False, False)],
)
def test_a_replace_is_refused_only_when_old_and_new_state_are_both_protected(
    fake, tmp_path, old_protect, new_protect, refused
):
    # step_generator.go continueStepsFromDiff: `new.Protect && old.Protect`; the new state
    # keeps what the program registered.
    resources = [monitor_resource("dev", t, protect=old_protect) for t in TABLES]
    steps = [step("replace", "dev", "dim_host", protect=new_protect)]
    result, found = events(fake, tmp_path, "up", resources=resources, steps=steps)
    errors = [e["diagnosticEvent"] for e in found if "diagnosticEvent" in e]
    if refused:
        assert result.returncode != 0
        assert steps_of(found) == []  # an update bails before any step of the replace
        assert "currently marked for protection" in errors[0]["message"]
        assert errors[0]["urn"] == DIM_HOST
        assert errors[-1]["message"] == "update failed\n" and "urn" not in errors[-1]
    else:
        assert result.returncode == 0
        (dim_host,) = [r for r in fake.resources("dev") if r["urn"] == DIM_HOST]
        assert dim_host["protect"] is new_protect


def test_a_refused_replace_still_shows_its_steps_in_a_preview(fake, tmp_path):
    # step_generator.go: "In Preview, we mark the deployment as Error but continue".
    resources = [monitor_resource("dev", t, protect=True) for t in TABLES]
    steps = [step("replace", "dev", "dim_host", protect=True)]
    result, found = events(fake, tmp_path, "preview", resources=resources, steps=steps)
    assert result.returncode != 0
    assert [m["op"] for m in steps_of(found)] == [
        "delete-replaced",
        "replace",
        "create-replacement",
    ]


def test_a_protected_delete_fails_its_step(fake, tmp_path):
    # step.go DeleteStep.Apply: deleteProtectedError on the old state's protect.
    resources = [monitor_resource("dev", t, protect=True) for t in TABLES]
    result, found = events(
        fake, tmp_path, "up", resources=resources, steps=[step("delete", "dev", "dim_host")]
    )
    assert result.returncode != 0
    assert any("resOpFailedEvent" in e for e in found)
    assert any(r["urn"] == DIM_HOST for r in fake.resources("dev"))


def test_state_unprotect_clears_only_the_named_urns_and_refuses_unknown_ones(fake):
    # pkg/cmd/pulumi/state/state_unprotect.go unprotectResourcesInSnapshot; io.go
    # resourceNotFoundError.
    stacks = fake.scenario["stacks"]
    stacks["prod"]["resources"] = [monitor_resource("prod", t, protect=True) for t in TABLES]
    fake.write(stacks=stacks)
    urn = monitor_urn("prod", "dim_user")
    assert run(fake, "state", "unprotect", "--stack", "prod", urn).returncode == 0
    assert {r["urn"]: r["protect"] for r in fake.resources("prod")} == {
        monitor_urn("prod", t): t != "dim_user" for t in TABLES
    }
    missing = run(fake, "state", "unprotect", "--stack", "prod", urn + "x")
    assert missing.returncode != 0
    assert "No such resource" in missing.stderr


def test_stack_output_prints_an_empty_object_for_a_stack_without_outputs(fake):
    # pkg/cmd/pulumi/stack/stack_output.go: `outputs == nil` -> `{}`.
    assert json.loads(run(fake, "stack", "output", "--json", "--stack", "dev").stdout) == {}
