"""What a run does, decided once, as one table on the pure function, in milliseconds.

Each row: the last record of the monitor (or none), whether the stack protects its monitors,
the reset asked for it (token, purge), whether the last registration completed -> its
`protect`, replacement trigger and `ignore_changes`, every sentence the preview says (level,
how it starts and how it ends: the ending says whether protection advice was added), and the
purge set the hook reads. `monitors.desired.deployment.decide_deployment` is called directly;
the program suites prove the same through the engine model.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Any

import pytest

from monitors.declared.loader import parse_declaration
from monitors.declared.project import Project, select_monitors
from monitors.declared.settings import read_stack_config, settings_from_config
from monitors.desired.deployment import (
    CREATE_ONLY_INPUTS,
    INFO,
    UNREADABLE_INPUTS,
    WARN,
    Deployment,
    decide_deployment,
)
from monitors.desired.plan import Plan, make_plan
from monitors.desired.record import LastDeployment
from monitors.desired.replacement import Structure
from monitors.naming import API_DATA_QUALITY
from tests.helpers.alerts import ALERTING
from tests.helpers.declarations import shipped_declarations

TABLE = "fact_booking_daily"
GONE = "dim_host"  # recorded, no longer declared
TOKEN = "2026-12-06T01:00:00Z-a1"
HISTORY = "(a new monitor back-fills only ~30 days)."
RESET_ADVICE = "otherwise undo the change."


def plan_for(
    *,
    protect: bool = False,
    reset: dict[str, Any] | None = None,
    api: str = "legacy",
    alerts: bool = False,
) -> Plan:
    """The dev stack deploying the shipped `fact_booking_daily` declaration."""
    config = dict(read_stack_config("dev"))
    config["lakehouse-monitors:protect"] = protect
    if reset is not None:
        config["lakehouse-monitors:resets"] = {TABLE: reset}
    if api != "legacy":
        config["lakehouse-monitors:api"] = api
    if alerts:
        config["lakehouse-monitors:alerts"] = copy.deepcopy(ALERTING)
    settings = settings_from_config("dev", config, "Pulumi.dev.yaml")
    data = shipped_declarations(alerts=alerts)[TABLE]
    specs = {TABLE: parse_declaration(TABLE, data, f"{TABLE}.yaml")}
    return make_plan(Project(settings, select_monitors(settings, specs, "Pulumi.dev.yaml")))


def settled(plan: Plan, **changes: Any) -> Structure:
    """The record of a monitor deployed from this plan three generations ago, with `changes`."""
    now = plan.structures[TABLE]
    return replace(now, **{"generation": 3, "reset_token": None, **changes})


@dataclass(frozen=True)
class Row:
    """One row: the inputs of `decide_deployment` and what the run must do."""

    name: str
    record: dict[str, Any] | None  # changes to the settled record; None: no record
    said: tuple[tuple[str, str, str], ...]  # (level, starts with, ends with)
    protect: bool
    trigger: int | None = 3
    ignore_changes: tuple[str, ...] | None = UNREADABLE_INPUTS
    protects: bool = False
    reset: dict[str, Any] | None = None
    applied: bool = True
    purge: frozenset[str] = frozenset()
    gone: bool = False  # the last record also holds a monitor no longer declared
    api: str = "legacy"


REPLACED = f"monitor '{TABLE}' will be REPLACED"
ROWS: tuple[Row, ...] = (
    Row("a settled monitor is updated in place and nothing is said", {}, (), protect=False),
    Row("a protected stack protects a settled monitor", {}, (), protect=True, protects=True),
    Row(
        "on the data quality backend the create-only inputs are ignored",
        {"api": API_DATA_QUALITY},
        (),
        protect=False,
        ignore_changes=CREATE_ONLY_INPUTS,
        api=API_DATA_QUALITY,
    ),
    Row(
        "a structural change in a protected stack stays protected and says how to reset",
        {"warehouse_id": "abc"},
        ((WARN, REPLACED, RESET_ADVICE),),
        protect=True,
        trigger=4,
        ignore_changes=None,
        protects=True,
    ),
    Row(
        "a structural change in an unprotected stack replaces with no advice",
        {"warehouse_id": "abc"},
        ((WARN, REPLACED, HISTORY),),
        protect=False,
        trigger=4,
        ignore_changes=None,
    ),
    Row(
        "a new reset with purge lifts protection, replaces and arms the purge",
        {},
        ((WARN, REPLACED, HISTORY),),
        protect=False,
        trigger=4,
        ignore_changes=None,
        protects=True,
        reset={"token": TOKEN, "purge": True},
        purge=frozenset({TABLE}),
    ),
    Row(
        "a new reset without purge replaces and arms nothing",
        {},
        ((WARN, REPLACED, HISTORY),),
        protect=False,
        trigger=4,
        ignore_changes=None,
        protects=True,
        reset={"token": TOKEN, "purge": False},
    ),
    Row(
        "a reset the record has seen is not applied again",
        {"reset_token": TOKEN},
        (),
        protect=True,
        protects=True,
        reset={"token": TOKEN, "purge": True},
    ),
    Row(
        "an unfinished reset is finished with protection lifted and the purge armed",
        {"reset_token": TOKEN, "resetting": True},
        ((WARN, f"monitor '{TABLE}': the reset requested", "in the run that applies it."),),
        protect=False,
        protects=True,
        reset={"token": TOKEN, "purge": True},
        applied=False,
        purge=frozenset({TABLE}),
    ),
    Row(
        "a replace held one run in a protected stack needs a reset token",
        {"warehouse_id": "abc", "no_trigger": True},
        ((WARN, f"monitor '{TABLE}' needs a replace", "Pulumi's protect error."),),
        protect=True,
        ignore_changes=("*",),
        protects=True,
    ),
    Row(
        "no record reads as new: information, no trigger",
        None,
        ((INFO, f"monitor '{TABLE}' has no record", "on the next `pulumi up`."),),
        protect=True,
        trigger=None,
        protects=True,
    ),
    Row(
        "no record with a reset token: a warning, the reset not applied, nothing purged",
        None,
        ((WARN, f"monitor '{TABLE}' has no record", "if you still need one."),),
        protect=True,
        trigger=None,
        protects=True,
        reset={"token": TOKEN, "purge": True},
    ),
    Row(
        "a monitor no longer declared is deleted, with the unprotect command when protected",
        {},
        ((WARN, f"monitor '{GONE}' is no longer declared", "first."),),
        protect=True,
        protects=True,
        gone=True,
    ),
    Row(
        "a monitor no longer declared in an unprotected stack is deleted with no advice",
        {},
        ((WARN, f"monitor '{GONE}' is no longer declared", "stay in the workspace)."),),
        protect=False,
        gone=True,
    ),
    Row(
        "the sentences keep their order: replace, then delete",
        {"warehouse_id": "abc"},
        (
            (WARN, REPLACED, RESET_ADVICE),
            (WARN, f"monitor '{GONE}' is no longer declared", "first."),
        ),
        protect=True,
        trigger=4,
        ignore_changes=None,
        protects=True,
        gone=True,
    ),
)


def deployment_for(row: Row) -> Deployment:
    plan = plan_for(protect=row.protects, reset=row.reset, api=row.api)
    structures = {} if row.record is None else {TABLE: settled(plan, **row.record)}
    if row.gone:
        structures[GONE] = replace(settled(plan, api=row.api), table_name=None)
    registered = set(structures) if row.applied else set(structures) - {TABLE}
    return decide_deployment(plan, LastDeployment(structures, registered))


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_row(row: Row) -> None:
    deployment = deployment_for(row)
    step = deployment.monitors[TABLE]
    said = [(m.level, m.text) for m in deployment.messages]
    assert (step.protect, step.trigger, step.ignore_changes, deployment.purge) == (
        row.protect,
        row.trigger,
        row.ignore_changes,
        row.purge,
    )
    assert len(said) == len(row.said), said
    for (level, text), (want_level, start, end) in zip(said, row.said, strict=True):
        assert (level, text.startswith(start), text.endswith(end)) == (want_level, True, True), text


@pytest.mark.parametrize("protects", [False, True])
@pytest.mark.parametrize("reset", [None, {"token": TOKEN}])
def test_an_alert_takes_its_monitors_protect(protects: bool, reset: dict[str, Any] | None) -> None:
    plan = plan_for(protect=protects, reset=reset, alerts=True)
    last = LastDeployment({TABLE: settled(plan)}, {TABLE})
    deployment = decide_deployment(plan, last)
    assert deployment.alerts
    monitor = deployment.monitors[TABLE].protect
    assert monitor == (protects and reset is None)
    assert {alert.protect for alert in deployment.alerts.values()} == {monitor}
