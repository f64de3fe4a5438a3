"""Change semantics beyond the change table's rows (tests/change_table.py): every replace
deletes first, and a replace survives a failed run."""

from __future__ import annotations

import copy

import pytest

from tests.fakes.engine import Failure
from tests.helpers.program import deployed

TABLE = "fact_booking_daily"


def metrics(decls: dict, table: str = TABLE) -> list[dict]:
    return decls[table]["custom_metrics"]


def metric(decls: dict, name: str, table: str = TABLE) -> dict:
    return next(m for m in metrics(decls, table) if m["name"] == name)


def test_every_monitor_deletes_before_it_replaces(declarations, transition):
    result = transition(declarations, declarations)
    assert all(r.delete_before_replace for r in result.after.registrations)


@pytest.mark.parametrize("continue_on_error", [False, True], ids=["plain", "continue-on-error"])
def test_a_replace_survives_a_failed_run(declarations, continue_on_error):
    """Whether or not the failed run recorded its outputs, the retry finishes the replace.

    Without --continue-on-error the failed run records no outputs; with it, it records what
    it asked for. Either way the engine keeps the deleted monitor as pending replacement, the
    next plain `pulumi up` creates it, and the run after changes nothing.
    """
    after = copy.deepcopy(declarations)
    metric(after, "total_bookings")["output_data_type"] = "double"
    stack = deployed(declarations)
    failed = stack.up(
        after, fail=Failure(stack.urn(TABLE), "create"), continue_on_error=continue_on_error
    )
    assert not failed.ok
    assert failed.outputs_recorded == ("merged" if continue_on_error else "none")
    retry = stack.up()
    assert retry.ok and retry.changed == {stack.urn(TABLE): "replace"}
    assert stack.up().changed == {}
