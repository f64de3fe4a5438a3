"""Retrying after a failed reset: a plain `pulumi up` finishes the replace it started.

Through the engine model: a settled stack, a reset of one monitor whose delete or create fails
(with or without `--continue-on-error`, which decides whether the failed run records its
outputs), then the same config again, then once more.
"""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from monitors.desired.record import MONITORS_OUTPUT
from tests.fakes.engine import COMPUTED, Failure
from tests.helpers.declarations import TABLES
from tests.helpers.program import deployed, stack_config

TABLE = "fact_booking_daily"
TOKEN = "2026-11-26T10:00:00Z-a1"

CASES = [
    ("create", False),
    ("create", True),
    ("delete", False),
]
IDS = ["create-failed", "create-failed-continue-on-error", "delete-failed"]


def failed_reset(declarations, stack_name, at, continue_on_error):
    stack = deployed(declarations, stack=stack_name)
    config = stack_config(stack_name, resets={TABLE: TOKEN})
    failed = stack.up(
        config=config, fail=Failure(stack.urn(TABLE), at), continue_on_error=continue_on_error
    )
    assert not failed.ok
    state = stack.engine.checkpoint.resources[stack.urn(TABLE)]
    assert state.pending_replacement is (at == "create")
    return stack, config, failed


@pytest.mark.parametrize("stack_name", ["dev", "prod"])
@pytest.mark.parametrize(("at", "continue_on_error"), CASES, ids=IDS)
def test_a_plain_up_after_a_failed_reset_finishes_the_replace(
    declarations, stack_name, at, continue_on_error
):
    stack, config, _ = failed_reset(declarations, stack_name, at, continue_on_error)
    retry = stack.up(config=config)
    assert retry.ok, retry.errors
    assert retry.changed == {stack.urn(TABLE): "replace"}
    after = stack.up(config=config)
    assert after.ok and after.changed == {}


@pytest.mark.parametrize(("at", "continue_on_error"), CASES, ids=IDS)
def test_the_retry_lifts_protection_for_the_reset_monitor_only(declarations, at, continue_on_error):
    stack, config, _ = failed_reset(declarations, "prod", at, continue_on_error)
    retry = stack.up(config=config)
    assert {r.name: r.protect for r in retry.program.registrations} == {
        t: t != TABLE for t in TABLES
    }


@pytest.mark.parametrize(("at", "continue_on_error"), CASES, ids=IDS)
def test_protection_is_back_on_the_run_after_the_retry(declarations, at, continue_on_error):
    stack, config, _ = failed_reset(declarations, "prod", at, continue_on_error)
    assert stack.up(config=config).ok
    after = stack.up(config=config)
    assert all(r.protect for r in after.program.registrations)
    assert all(stack.protected(t) for t in TABLES)


def test_the_retry_says_it_finishes_the_reset(declarations):
    stack, config, failed = failed_reset(declarations, "prod", "create", True)
    assert failed.outputs_recorded == "merged"
    retry = stack.up(config=config)
    (warning,) = retry.program.warnings
    assert f"monitor '{TABLE}'" in warning and "did not complete in the last deployment" in warning
    assert "protection is lifted for this table" in warning


def test_a_completed_reset_is_not_resumed_when_another_monitor_failed(declarations):
    stack = deployed(declarations, stack="prod")
    config = stack_config("prod", resets={TABLE: TOKEN})
    changed = copy.deepcopy(declarations)
    changed["dim_host"]["slicing_exprs"] = ["country", "is_verified"]
    failed = stack.up(
        changed, config, fail=Failure(stack.urn("dim_host"), "update"), continue_on_error=True
    )
    assert failed.changed[stack.urn(TABLE)] == "replace" and not failed.ok
    retry = stack.up(changed, config)
    assert retry.ok and retry.changed == {stack.urn("dim_host"): "update"}
    assert all(r.protect for r in retry.program.registrations)


def test_a_retry_that_also_changes_the_monitors_structure_stays_protected(declarations):
    stack, config, _ = failed_reset(declarations, "prod", "create", True)
    after = copy.deepcopy(declarations)
    metrics = after[TABLE]["custom_metrics"]
    next(m for m in metrics if m["name"] == "total_bookings")["output_data_type"] = "double"
    retry = stack.preview(after, config)
    assert retry.program.monitor(TABLE).protect is True
    assert retry.errors and "unable to replace" in retry.errors[0]


def contains(value, wanted) -> bool:
    if isinstance(value, dict):
        return any(contains(v, wanted) for v in value.values())
    if isinstance(value, list):
        return any(contains(v, wanted) for v in value)
    return value == wanted


def test_a_failed_registration_records_no_unknown_stack_output(declarations):
    stack, _, failed = failed_reset(declarations, "prod", "create", True)
    assert failed.outputs_recorded == "merged"
    outputs = stack.engine.checkpoint.outputs
    assert not contains(dict(outputs), COMPUTED)
    assert "table_name" not in outputs[MONITORS_OUTPUT][TABLE]


def test_a_preview_after_a_failed_registration_registers_every_monitor(declarations):
    stack, config, _ = failed_reset(declarations, "prod", "create", True)
    preview = stack.preview(config=config)
    assert sorted(r.name for r in preview.program.registrations) == TABLES
    assert preview.ok and preview.changed == {stack.urn(TABLE): "replace"}


def test_a_stack_output_recorded_as_unknown_does_not_empty_the_preview(declarations):
    """Earlier versions recorded a failed registration's outputs as unknown; the SDK then sees
    the StackReference's whole `outputs` as unknown in a preview."""
    stack = deployed(declarations, stack="prod")
    checkpoint = stack.engine.checkpoint
    monitors = dict(checkpoint.outputs[MONITORS_OUTPUT])
    monitors[TABLE] = dict.fromkeys(monitors[TABLE], COMPUTED)
    stack.engine.checkpoint = replace(
        checkpoint, outputs={**checkpoint.outputs, MONITORS_OUTPUT: monitors}
    )
    preview = stack.preview()
    assert sorted(r.name for r in preview.program.registrations) == TABLES
    assert preview.ok and preview.changed == {}
