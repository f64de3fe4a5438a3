"""Unknown history never replaces: a lost, empty or partial record is rebuilt, never guessed.

Each test settles a stack through the engine model, resets one monitor twice (so the engine holds
trigger 2 for it), damages the record the way the case says, and deploys again: no monitor may
be replaced, protection is never lifted, the monitor is named, and the record recovers.
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace

import pytest

from monitors.desired.record import MONITORS_OUTPUT, STRUCTURE_OUTPUT
from tests.fakes.engine import Failure
from tests.helpers.declarations import TABLES
from tests.helpers.program import deployed, stack_config

TABLE = "fact_booking_daily"


def reset_twice(declarations, stack_name):
    stack = deployed(declarations, stack=stack_name)
    for token in ("2026-11-01T00:00:00Z-a", "2026-11-02T00:00:00Z-b"):
        result = stack.up(config=stack_config(stack_name, resets={TABLE: token}))
        assert result.changed == {stack.urn(TABLE): "replace"}
    assert stack.trigger(TABLE) == 2
    return stack


def without_generation(raw: str) -> str:
    data = json.loads(raw)
    del data["generation"]
    return json.dumps(data)


def damage(outputs: dict, case: str) -> dict:
    outputs = copy.deepcopy(dict(outputs))
    structures = outputs[STRUCTURE_OUTPUT]
    if case == "record absent":
        del outputs[STRUCTURE_OUTPUT]
    elif case == "every output lost":
        outputs = {}
    elif case == "record empty":
        outputs[STRUCTURE_OUTPUT] = {}
    elif case == "monitor missing":
        del structures[TABLE]
    elif case == "generation missing":
        structures[TABLE] = without_generation(structures[TABLE])
    elif case == "generation null":
        structures[TABLE] = structures[TABLE].replace('"generation":2', '"generation":null')
    else:
        raise AssertionError(case)
    return outputs


CASES = [
    "record absent",
    "every output lost",
    "record empty",
    "monitor missing",
    "generation missing",
    "generation null",
]


@pytest.mark.parametrize("stack_name", ["dev", "prod"])
@pytest.mark.parametrize("case", CASES)
def test_unknown_history_never_replaces_and_the_next_run_is_a_no_op(declarations, stack_name, case):
    stack = reset_twice(declarations, stack_name)
    checkpoint = stack.engine.checkpoint
    stack.engine.checkpoint = replace(checkpoint, outputs=damage(checkpoint.outputs, case))

    unknown = stack.up()
    assert unknown.ok and unknown.changed == {}
    assert unknown.program.monitor(TABLE).replacement_trigger is None
    named = [m for m in unknown.program.warnings + unknown.program.infos if f"'{TABLE}'" in m]
    assert len(named) == 1 and "never replaced" in named[0]
    if stack_name == "prod":
        assert all(r.protect for r in unknown.program.registrations)

    recovered = stack.up()
    assert recovered.ok and recovered.changed == {}
    assert recovered.program.warnings == [] and recovered.program.infos == []
    assert stack.up().changed == {}


@pytest.mark.parametrize("case", ["record absent", "monitor missing", "generation missing"])
def test_a_monitor_with_evidence_of_an_earlier_deployment_is_warned_about(declarations, case):
    stack = reset_twice(declarations, "prod")
    checkpoint = stack.engine.checkpoint
    stack.engine.checkpoint = replace(checkpoint, outputs=damage(checkpoint.outputs, case))
    result = stack.up()
    (warning,) = (w for w in result.program.warnings if f"'{TABLE}'" in w)
    assert "history is unknown" in warning


def test_a_new_stack_reads_as_normal(declarations):
    stack = deployed(declarations, stack="prod", settled=False)
    first = stack.history[0]
    assert first.program.warnings == []
    assert sorted(m.split("'")[1] for m in first.program.infos) == TABLES
    assert all("(new?)" in m for m in first.program.infos)


def test_a_new_monitor_in_a_deployed_stack_reads_as_normal(declarations):
    fewer = stack_config("prod", enabled=[t for t in TABLES if t != TABLE])
    stack = deployed(declarations, stack="prod", config=fewer)
    result = stack.up(config=stack_config("prod"))
    assert result.changed == {stack.urn(TABLE): "create"}
    assert result.program.warnings == []
    (info,) = result.program.infos
    assert f"monitor '{TABLE}' has no record" in info


def test_a_reset_requested_while_history_is_unknown_is_not_applied_and_says_so(declarations):
    stack = reset_twice(declarations, "prod")
    checkpoint = stack.engine.checkpoint
    stack.engine.checkpoint = replace(checkpoint, outputs={})
    config = stack_config("prod", resets={TABLE: "2026-11-03T00:00:00Z-c"})
    result = stack.up(config=config)
    assert result.ok and result.changed == {}
    assert result.program.monitor(TABLE).protect is True
    (warning,) = (w for w in result.program.warnings if f"'{TABLE}'" in w)
    assert "does not reset it" in warning


def test_a_structural_change_right_after_a_monitor_got_no_trigger_is_held_one_run(declarations):
    stack = deployed(declarations, settled=False)
    held = stack.up(change_output_type(declarations))
    assert held.ok and held.changed == {}
    assert stack.engine.checkpoint.resources[stack.urn(TABLE)].inputs == (
        stack.history[0].program.monitor(TABLE).inputs
    )
    (warning,) = held.program.warnings
    assert (
        f"monitor '{TABLE}' needs a replace" in warning and "next `pulumi up` REPLACES" in warning
    )
    replaced = stack.up()
    assert replaced.changed == {stack.urn(TABLE): "replace"}
    assert stack.up().changed == {}


def change_slicing(declarations):
    after = copy.deepcopy(declarations)
    after[TABLE]["slicing_exprs"] = ["destination_id", "property_id"]
    return after


def change_output_type(declarations):
    after = copy.deepcopy(declarations)
    metrics = after[TABLE]["custom_metrics"]
    next(m for m in metrics if m["name"] == "total_bookings")["output_data_type"] = "double"
    return after


def test_a_run_without_a_trigger_that_failed_leaves_the_history_unknown(declarations):
    stack = reset_twice(declarations, "dev")
    checkpoint = stack.engine.checkpoint
    stack.engine.checkpoint = replace(checkpoint, outputs={})
    failed = stack.up(
        change_slicing(declarations),
        fail=Failure(stack.urn(TABLE), "update"),
        continue_on_error=True,
    )
    assert not failed.ok and failed.outputs_recorded == "merged" and stack.trigger(TABLE) == 2
    retry = stack.up()
    assert retry.program.monitor(TABLE).replacement_trigger is None
    assert retry.changed == {stack.urn(TABLE): "update"}
    assert stack.up().changed == {}


def test_a_structural_change_after_a_failed_first_trigger_is_still_held(declarations):
    stack = deployed(declarations, settled=False)
    failed = stack.up(
        change_slicing(declarations),
        fail=Failure(stack.urn(TABLE), "update"),
        continue_on_error=True,
    )
    assert not failed.ok and stack.trigger(TABLE) is None
    held = stack.up(change_output_type(declarations))
    assert held.changed == {} and stack.trigger(TABLE) == 0
    assert stack.up().changed == {stack.urn(TABLE): "replace"}


def test_the_monitors_output_is_not_needed_to_read_the_record(declarations):
    stack = deployed(declarations)
    checkpoint = stack.engine.checkpoint
    outputs = {k: v for k, v in checkpoint.outputs.items() if k != MONITORS_OUTPUT}
    stack.engine.checkpoint = replace(checkpoint, outputs=outputs)
    result = stack.up()
    assert result.ok and result.changed == {} and result.program.warnings == []


def test_in_prod_a_held_replace_still_needs_a_reset_and_says_so(declarations):
    stack = deployed(declarations, stack="prod", settled=False)
    held = stack.up(change_output_type(declarations))
    (warning,) = held.program.warnings
    assert "needs a reset token" in warning and "reset --stack prod" in warning
    refused = stack.preview()
    assert refused.errors and "unable to replace" in refused.errors[0]


def test_in_prod_a_reset_requested_with_a_held_replace_is_applied_by_the_next_run(declarations):
    stack = deployed(declarations, stack="prod", settled=False)
    config = stack_config("prod", resets={TABLE: "2026-11-03T00:00:00Z-c"})
    held = stack.up(change_output_type(declarations), config)
    assert held.ok and held.changed == {} and held.program.monitor(TABLE).protect is True
    replaced = stack.up()
    assert replaced.ok and replaced.changed == {stack.urn(TABLE): "replace"}
    after = stack.up()
    assert after.ok and after.changed == {} and stack.protected(TABLE)
