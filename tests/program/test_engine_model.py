"""The engine model's rules, each as the upstream function states it (see tests/fakes/engine.py).

Driven by hand-made registrations, so the model is pinned independently of the program.
"""

from __future__ import annotations

import pytest

from monitors.naming import RESOURCE_TYPE, monitor_urn
from tests.fakes.engine import (
    COMPUTED,
    Checkpoint,
    Failure,
    ResourceState,
    deploy,
    process_ignore_changes,
    should_trigger_replace,
)
from tests.fakes.mock_runtime import ProgramRun, Registration

STACK = "prod"
URN = monitor_urn(STACK, "t")
INPUTS = {"tableName": "c.s.t", "assetsDir": "/a"}


def registration(trigger=None, protect=False, inputs=None, ignore=()) -> Registration:
    return Registration(
        type=RESOURCE_TYPE,
        name="t",
        inputs=dict(INPUTS if inputs is None else inputs),
        protect=protect,
        delete_before_replace=True,
        replacement_trigger=trigger,
        hooks={},
        ignore_changes=tuple(ignore),
    )


def program(*regs: Registration, outputs=None) -> ProgramRun:
    run = ProgramRun(registrations=list(regs))
    run.stack_outputs = dict(outputs or {})
    return run


def checkpoint(trigger=0, protect=False, pending=False, outputs=None) -> Checkpoint:
    state = ResourceState(URN, dict(INPUTS), trigger, protect, pending)
    return Checkpoint({URN: state}, dict(outputs or {}))


@pytest.mark.parametrize(
    ("new", "old", "replaces"),
    [
        (1, 0, True),
        (0, 0, False),
        (None, 3, False),
        (3, None, False),
        (None, None, False),
        (COMPUTED, 0, True),
        (0, COMPUTED, True),
    ],
)
def test_a_trigger_replaces_only_when_both_are_set_and_differ_or_one_is_unknown(new, old, replaces):
    assert should_trigger_replace(new, old) is replaces


def test_a_null_trigger_is_recorded_as_null():
    result = deploy(checkpoint(trigger=4), program(registration(None)), stack=STACK)
    assert result.op(URN) == "same"
    assert result.checkpoint.resources[URN].trigger is None


@pytest.mark.parametrize(
    ("old_protect", "new_protect", "refused"),
    [(True, True, True), (True, False, False), (False, True, False), (False, False, False)],
)
def test_a_replace_is_refused_only_when_old_and_new_protect_are_both_on(
    old_protect, new_protect, refused
):
    result = deploy(
        checkpoint(trigger=0, protect=old_protect),
        program(registration(1, protect=new_protect)),
        stack=STACK,
    )
    assert bool(result.errors) is refused
    assert result.checkpoint.resources[URN].trigger == (0 if refused else 1)


def test_a_replace_records_the_new_protect_flag():
    result = deploy(checkpoint(protect=False), program(registration(1, protect=True)), stack=STACK)
    assert result.op(URN) == "replace" and result.checkpoint.resources[URN].protect is True


def test_a_targeted_replace_replaces_with_an_unchanged_trigger():
    result = deploy(checkpoint(), program(registration(0)), stack=STACK, replace_targets=[URN])
    assert result.op(URN) == "replace"


def test_a_deleted_monitor_whose_create_failed_is_kept_as_pending_replacement():
    result = deploy(
        checkpoint(trigger=0),
        program(registration(1)),
        stack=STACK,
        fail=Failure(URN, "create"),
    )
    state = result.checkpoint.resources[URN]
    assert state.pending_replacement and state.trigger == 0


def test_a_failed_delete_leaves_the_monitor_as_it_was():
    result = deploy(
        checkpoint(trigger=0), program(registration(1)), stack=STACK, fail=Failure(URN, "delete")
    )
    assert result.checkpoint.resources[URN] == checkpoint(trigger=0).resources[URN]


def test_a_pending_replacement_is_replaced_even_with_the_same_trigger_and_inputs():
    result = deploy(checkpoint(trigger=1, pending=True), program(registration(1)), stack=STACK)
    assert result.op(URN) == "replace" and not result.checkpoint.resources[URN].pending_replacement


def test_a_pending_replacement_still_meets_the_protect_check():
    result = deploy(
        checkpoint(trigger=1, protect=True, pending=True),
        program(registration(1, protect=True)),
        stack=STACK,
    )
    assert result.errors and result.checkpoint.resources[URN].pending_replacement


def test_ignore_changes_star_keeps_the_old_inputs():
    assert process_ignore_changes({"a": 2, "b": 1}, {"a": 1}, ["*"]) == {"a": 1}


def test_ignore_changes_star_makes_a_changed_monitor_same():
    changed = {**INPUTS, "assetsDir": "/b"}
    result = deploy(
        checkpoint(trigger=None),
        program(registration(0, inputs=changed, ignore=["*"])),
        stack=STACK,
    )
    assert result.op(URN) == "same"
    assert result.checkpoint.resources[URN].inputs == INPUTS
    assert result.checkpoint.resources[URN].trigger == 0


def test_an_unregistered_protected_monitor_is_not_deleted():
    result = deploy(checkpoint(protect=True), program(), stack=STACK)
    assert result.errors and URN in result.checkpoint.resources


OLD = {"monitor_structure": {"t": "old"}, "kept": 1}
NEW = {"monitor_structure": {"t": "new"}}


@pytest.mark.parametrize(
    ("fail", "continue_on_error", "recorded", "outputs"),
    [
        (None, False, "all", NEW),
        (Failure(URN, "create"), False, "none", OLD),
        (Failure(URN, "create"), True, "merged", {**OLD, **NEW}),
        (Failure(URN, "update"), True, "merged", {**OLD, **NEW}),
    ],
    ids=["success", "failure", "continue-on-error", "continue-on-error-update"],
)
def test_stack_outputs_are_recorded_only_when_the_program_got_to_send_them(
    fail, continue_on_error, recorded, outputs
):
    trigger = 1 if fail is not None and fail.at == "create" else 0
    inputs = {**INPUTS, "assetsDir": "/b"}
    result = deploy(
        checkpoint(outputs=OLD),
        program(registration(trigger, inputs=inputs), outputs=NEW),
        stack=STACK,
        fail=fail,
        continue_on_error=continue_on_error,
    )
    assert result.outputs_recorded == recorded
    assert dict(result.checkpoint.outputs) == outputs


def test_a_protect_error_in_an_update_records_no_outputs():
    result = deploy(
        checkpoint(protect=True, outputs=OLD),
        program(registration(1, protect=True), outputs=NEW),
        stack=STACK,
    )
    assert result.errors and dict(result.checkpoint.outputs) == OLD


def test_a_refused_delete_after_the_program_finished_records_merged_outputs():
    other = monitor_urn(STACK, "gone")
    previous = Checkpoint({**checkpoint().resources, other: ResourceState(other, {}, 0, True)}, OLD)
    result = deploy(previous, program(registration(0), outputs=NEW), stack=STACK)
    assert result.errors and result.outputs_recorded == "merged"
    assert dict(result.checkpoint.outputs) == {**OLD, **NEW}


def test_a_preview_changes_nothing():
    previous = checkpoint(trigger=0)
    result = deploy(previous, program(registration(1)), stack=STACK, preview=True)
    assert result.op(URN) == "replace" and result.checkpoint is previous


def test_state_unprotect_clears_only_the_protect_flag():
    previous = checkpoint(trigger=2, protect=True)
    assert previous.unprotect(URN).resources[URN] == ResourceState(URN, INPUTS, 2, False)
