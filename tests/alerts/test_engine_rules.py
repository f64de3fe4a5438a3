"""The engine model's rules for alerts beside monitors (upstream functions in tests/fakes/engine.py).

Hand-made registrations pin the model itself: what would happen to an alert if it did read its
monitor's outputs, so the program's tests that alerts are left alone can fail.
"""

from __future__ import annotations

from monitors.naming import ALERT_RESOURCE_TYPE, RESOURCE_TYPE, alert_urn, monitor_urn
from tests.fakes.engine import Checkpoint, ResourceState, deploy
from tests.fakes.mock_runtime import ProgramRun, Registration

STACK = "dev"
MONITOR = monitor_urn(STACK, "t")
ALERT = alert_urn(STACK, "t", "a")
MONITOR_INPUTS = {"tableName": "c.s.t"}
ALERT_INPUTS = {"queryText": "SELECT 1", "parentPath": "/a/t"}


def monitor(trigger: int, protect: bool = False) -> Registration:
    return Registration(RESOURCE_TYPE, "t", dict(MONITOR_INPUTS), protect, True, trigger, {})


def alert(*, reads_monitor: bool = False, protect: bool = False, inputs=None) -> Registration:
    return Registration(
        ALERT_RESOURCE_TYPE,
        "t.a",
        dict(inputs or ALERT_INPUTS),
        protect,
        True,
        None,
        {},
        replace_on_changes=("parentPath",),
        dependencies=(MONITOR,),
        property_dependencies={"queryText": (MONITOR,)} if reads_monitor else {},
    )


def settled(reads_monitor: bool = False, alert_type: str = ALERT_RESOURCE_TYPE) -> Checkpoint:
    deps = {"queryText": (MONITOR,)} if reads_monitor else {}
    return Checkpoint(
        {
            MONITOR: ResourceState(MONITOR, dict(MONITOR_INPUTS), 0, False),
            ALERT: ResourceState(
                ALERT,
                dict(ALERT_INPUTS),
                None,
                False,
                type=alert_type,
                dependencies=(MONITOR,),
                property_dependencies=deps,
            ),
        }
    )


def run(*regs: Registration) -> ProgramRun:
    return ProgramRun(registrations=list(regs))


def test_an_alert_that_only_depends_on_its_monitor_is_left_alone_when_the_monitor_is_replaced():
    for preview in (True, False):
        result = deploy(settled(), run(monitor(1), alert()), stack=STACK, preview=preview)
        assert result.changed == {MONITOR: "replace"}


def test_an_alert_reading_its_monitors_outputs_would_show_a_change_in_the_preview_of_a_replace():
    result = deploy(
        settled(reads_monitor=True),
        run(monitor(1), alert(reads_monitor=True)),
        stack=STACK,
        preview=True,
    )
    assert result.changed == {MONITOR: "replace", ALERT: "update"}


def test_a_dependent_is_replaced_with_its_monitor_only_for_inputs_its_provider_replaces_on():
    """`calculateDependentReplacements`: a queryText read from the monitor is no reason (the
    provider updates it in place); a providerConfig read from it would be."""
    kept = deploy(
        settled(reads_monitor=True), run(monitor(1), alert(reads_monitor=True)), stack=STACK
    )
    assert kept.changed == {MONITOR: "replace"}
    checkpoint = settled()
    state = checkpoint.resources[ALERT]
    condemned = ResourceState(
        ALERT,
        state.inputs,
        None,
        False,
        type=ALERT_RESOURCE_TYPE,
        property_dependencies={"providerConfig": (MONITOR,)},
    )
    replaced = deploy(
        Checkpoint({**checkpoint.resources, ALERT: condemned}),
        run(monitor(1), alert()),
        stack=STACK,
    )
    assert replaced.changed == {MONITOR: "replace", ALERT: "replace"}


def test_a_changed_key_listed_in_replace_on_changes_replaces():
    moved = alert(inputs={**ALERT_INPUTS, "parentPath": "/b/t"})
    result = deploy(settled(), run(monitor(0), moved), stack=STACK)
    assert result.changed == {ALERT: "replace"}


def test_a_protected_alert_is_not_replaced_nor_deleted():
    checkpoint = settled()
    protected = Checkpoint(
        {
            **checkpoint.resources,
            ALERT: ResourceState(ALERT, dict(ALERT_INPUTS), None, True, type=ALERT_RESOURCE_TYPE),
        }
    )
    moved = alert(protect=True, inputs={**ALERT_INPUTS, "parentPath": "/b/t"})
    refused = deploy(protected, run(monitor(0), moved), stack=STACK)
    assert not refused.ok and refused.changed == {ALERT: "replace"}
    gone = deploy(protected, run(monitor(0)), stack=STACK)
    assert not gone.ok and gone.changed == {ALERT: "delete"}
