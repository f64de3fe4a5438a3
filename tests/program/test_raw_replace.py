"""Pulumi's own way to recreate a monitor: `pulumi up --replace <urn>` (prod: unprotect first).

Through the engine model (step_generator.go: a `--replace` target is replaced whatever its
trigger; the protect check refuses only when both the recorded and the registered flag are on).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from monitors.desired.record import STRUCTURE_OUTPUT, parse_entry
from tests.fakes.engine import Failure
from tests.helpers.declarations import TABLES
from tests.helpers.program import deployed

TABLE = "fact_booking_daily"


def test_in_prod_unprotect_then_replace_recreates_exactly_that_monitor(declarations):
    stack = deployed(declarations, stack="prod")
    stack.engine.state_unprotect(TABLE)
    result = stack.up(replace=(stack.urn(TABLE),))
    assert result.ok and result.changed == {stack.urn(TABLE): "replace"}


def test_the_raw_replace_registers_protection_again_in_the_same_run(declarations):
    stack = deployed(declarations, stack="prod")
    stack.engine.state_unprotect(TABLE)
    result = stack.up(replace=(stack.urn(TABLE),))
    assert all(r.protect for r in result.program.registrations)
    assert all(stack.protected(t) for t in TABLES)


def test_in_prod_a_raw_replace_without_unprotect_fails_on_protection(declarations):
    stack = deployed(declarations, stack="prod")
    before = stack.engine.checkpoint
    result = stack.up(replace=(stack.urn(TABLE),))
    (error,) = result.errors
    assert "unable to replace resource" in error and stack.urn(TABLE) in error
    assert stack.engine.checkpoint.resources == before.resources


def test_in_dev_a_raw_replace_just_works(declarations):
    stack = deployed(declarations)
    result = stack.up(replace=(stack.urn(TABLE),))
    assert result.ok and result.changed == {stack.urn(TABLE): "replace"}


@pytest.mark.parametrize("stack_name", ["dev", "prod"])
def test_the_run_after_a_raw_replace_is_a_no_op(declarations, stack_name):
    stack = deployed(declarations, stack=stack_name)
    if stack_name == "prod":
        stack.engine.state_unprotect(TABLE)
    stack.up(replace=(stack.urn(TABLE),))
    after = stack.up()
    assert after.ok and after.changed == {} and after.program.warnings == []


def recorded(stack):
    raw = stack.engine.checkpoint.outputs[STRUCTURE_OUTPUT][TABLE]
    return replace(parse_entry(TABLE, raw), first_trigger=False)


def test_a_raw_replace_keeps_the_record_of_the_monitor(declarations):
    stack = deployed(declarations, stack="prod")
    record, trigger = recorded(stack), stack.trigger(TABLE)
    stack.engine.state_unprotect(TABLE)
    stack.up(replace=(stack.urn(TABLE),))
    assert (recorded(stack), stack.trigger(TABLE)) == (record, trigger)


def test_the_preview_of_a_raw_replace_shows_only_that_monitor(declarations):
    stack = deployed(declarations, stack="prod")
    stack.engine.state_unprotect(TABLE)
    preview = stack.preview(replace=(stack.urn(TABLE),))
    assert preview.ok and preview.changed == {stack.urn(TABLE): "replace"}


def test_a_failed_raw_replace_in_prod_is_finished_by_a_plain_up(declarations):
    stack = deployed(declarations, stack="prod")
    stack.engine.state_unprotect(TABLE)
    failed = stack.up(replace=(stack.urn(TABLE),), fail=Failure(stack.urn(TABLE), "create"))
    assert not failed.ok
    retry = stack.up()
    assert retry.ok and retry.changed == {stack.urn(TABLE): "replace"}
    assert stack.protected(TABLE) and stack.up().changed == {}


def test_unprotect_without_a_replace_is_undone_by_the_next_up(declarations):
    stack = deployed(declarations, stack="prod")
    stack.engine.state_unprotect(TABLE)
    result = stack.up()
    assert result.ok and result.changed == {} and stack.protected(TABLE)
