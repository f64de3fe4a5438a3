"""What this deployment does to every resource, decided once before anything is registered (pure).

From the plan and the last deployment's record (`decide_deployment`): each monitor's decision
(`monitors.desired.replacement.decide`), its `protect`, its replacement trigger and
`ignore_changes`; the alerts (reading the metric tables their monitor reported) with their
`protect`; the readers' resources with theirs; the schema monitor's; the tables whose reset this
run applies with `purge: true`; and every sentence the preview says about them, in order. The
protection rule (`monitors.desired.protection.is_protected`) is asked once per monitor
(`monitor_step`) and once for everything no reset touches (`Plan.protect`); every option and
every sentence that depends on it reads those answers. The program logs the sentences and
registers the resources exactly as given (`monitors.program.register`); it decides nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from monitors.declared.claims import pattern_of
from monitors.declared.project import Project
from monitors.desired.alert_record import deployed_alerts, recorded_metric_tables
from monitors.desired.alerts import (
    ALERT_CREATE_ONLY_FIELDS,
    AlertRequest,
    alert_requests,
    documented_metric_tables,
)
from monitors.desired.anomaly_alert import describe_update, excluded_change
from monitors.desired.backend import describe_migrating, prepare_last
from monitors.desired.plan import Plan, describe_paused
from monitors.desired.protection import (
    RESET_LIFTS_PROTECTION,
    alert_delete_needs_unprotect,
    anomaly_needs_unprotect,
    delete_needs_unprotect,
    held_replace_needs_reset,
    is_protected,
    replace_needs_reset,
)
from monitors.desired.readers import (
    READERS_OUTPUT,
    DashboardAccess,
    GrantRequest,
    ReadersPlan,
    describe_moved,
    describe_pending,
    describe_removed,
    plan_readers,
    read_last_readers,
)
from monitors.desired.record import MONITORS_OUTPUT, LastDeployment, entry, recorded_table_names
from monitors.desired.replacement import (
    UNKNOWN_NO_RECORD,
    AnomalyChange,
    Decision,
    anomaly_trigger,
    decide,
    describe,
    describe_anomaly,
    describe_held,
    describe_resumed,
    describe_unknown,
)

# Create-only inputs the monitor API never returns (GET omits them), so the provider can only
# keep what it stored itself: nothing after an import, a `false` never. Changing them is a replace
# by our rule, so any other run ignores them and a refresh or adopt never plans an update of them.
UNREADABLE_INPUTS: tuple[str, ...] = ("skipBuiltinDashboard", "warehouseId")
# The same on the data quality backend: create-only inputs by our replace rule
# (`monitors.desired.replacement.CREATE_ONLY_FIELDS`), as the paths under
# `databricks.DataQualityMonitor`. Whether the new API's GET echoes them is not documented, and
# the provider keeps none of them from the prior state (`dataquality_tf/model.go`
# `DataProfilingConfig.SyncFieldsDuringRead`), so outside a replace changes to them are ignored:
# a change to any of them is a replace by our rule, which ignores nothing.
CREATE_ONLY_INPUTS: tuple[str, ...] = (
    "dataProfilingConfig.assetsDir",
    "dataProfilingConfig.skipBuiltinDashboard",
    "dataProfilingConfig.warehouseId",
)
# An alert's top-level input keys whose change replaces it: its create-only fields
# (`monitors.desired.alerts.ALERT_CREATE_ONLY_FIELDS`) in camelCase, as the engine diffs inputs.
ALERT_REPLACE_ON_CHANGES: tuple[str, ...] = tuple(
    re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name) for name in ALERT_CREATE_ONLY_FIELDS
)

INFO: Literal["info"] = "info"
WARN: Literal["warn"] = "warn"

T = TypeVar("T")


@dataclass(frozen=True)
class Message:
    """One sentence the preview says, at its level."""

    level: Literal["info", "warn"]
    text: str


@dataclass(frozen=True)
class MonitorStep:
    """One monitor in this run: its decision, and the options it is registered with."""

    decision: Decision
    protect: bool
    ignore_changes: tuple[str, ...] | None  # None: nothing ignored (a replace)

    @property
    def trigger(self) -> int | None:
        """Its `replacement_trigger` (None when its history is unknown)."""
        return self.decision.trigger


@dataclass(frozen=True)
class Registration(Generic[T]):
    """One resource this run registers (its inputs, as `monitors.desired` words them), with its
    `protect`."""

    resource: T
    protect: bool


@dataclass(frozen=True)
class AnomalyStep:
    """The schema-level anomaly detection monitor in this run."""

    request: Mapping[str, Any]
    schema_name: str
    protect: bool
    trigger: str  # the schema it watches: another schema is another monitor


@dataclass(frozen=True)
class Deployment:
    """Everything this run does, decided once: what to register and with which options, what to
    say first, and which deleted monitors' assets the purge hook drops."""

    monitors: Mapping[str, MonitorStep]
    alerts: Mapping[str, Registration[AlertRequest]]
    readers: ReadersPlan
    grants: tuple[Registration[GrantRequest], ...]
    dashboards: tuple[Registration[DashboardAccess], ...]
    anomaly: AnomalyStep | None
    messages: tuple[Message, ...]
    purge: frozenset[str]  # tables whose reset this run applies with `purge: true`

    def structures(self) -> dict[str, str]:
        """The `monitor_structure` stack output this run writes (one record entry each)."""
        return {t: entry(step.decision.structure) for t, step in self.monitors.items()}


def ignored_inputs(decision: Decision, data_quality: bool = False) -> tuple[str, ...] | None:
    """`ignore_changes` for one monitor: everything for a replace held back one run, nothing for
    a replace (the new monitor must get the new values), else the inputs the API never returns
    (on the data quality backend: its create-only inputs, `CREATE_ONLY_INPUTS`)."""
    if decision.held:
        return ("*",)
    if decision.replace:
        return None
    return CREATE_ONLY_INPUTS if data_quality else UNREADABLE_INPUTS


def monitor_step(plan: Plan, decision: Decision) -> MonitorStep:
    """One monitor's options in this run: its `protect` (on in a protected stack except in the
    run that applies its reset: `is_protected`), its trigger and its `ignore_changes`."""
    return MonitorStep(
        decision,
        is_protected(plan.project.settings.protect, decision.reset),
        ignored_inputs(decision, plan.data_quality),
    )


def decide_monitors(plan: Plan, last: LastDeployment) -> dict[str, Decision]:
    """One decision per declared monitor, against its record and whether its last
    registration completed (`last` as `monitors.desired.backend.prepare_last` gives it)."""
    return {
        table: decide(table, last.structures.get(table), now, applied=last.applied(table))
        for table, now in plan.structures.items()
    }


def decide_deployment(
    plan: Plan, last: LastDeployment, outputs: Mapping[str, Any] | None = None
) -> Deployment:
    """This run's deployment, from the plan, the last deployment's record (as read) and its raw
    stack outputs (`outputs`: where the alerts' metric tables and the readers' record are read).

    Raises BackendMismatchError (`prepare_last`) when a declared monitor's record names another
    backend and the stack is not migrating to its own.
    """
    settings = plan.project.settings
    # `protect` of every resource no reset of this run touches, and what a deleted one recorded.
    standing = plan.protect
    alerts, messages = _alerts_reading_recorded_tables(plan, outputs)
    messages += _alert_deletes(plan, alerts, deployed_alerts(outputs), standing)
    last, migrating = prepare_last(settings, last, plan.structures)
    decisions = decide_monitors(plan, last)
    monitors = {table: monitor_step(plan, decision) for table, decision in decisions.items()}
    messages += _monitor_messages(monitors, last, plan.project, standing)
    messages += _paused(plan, standing)
    readers = _readers(plan, outputs)
    messages += _readers_messages(readers, plan, standing)
    messages += [Message(INFO, describe_migrating(t, settings)) for t in sorted(migrating)]
    messages += _anomaly_messages(plan, last, standing)
    anomaly = (
        AnomalyStep(
            plan.anomaly,
            settings.gold_schema_name,
            standing,
            anomaly_trigger(settings.gold_schema_name),
        )
        if plan.anomaly is not None
        else None
    )
    return Deployment(
        monitors=monitors,
        alerts={
            key: Registration(request, monitors[request.table].protect)
            for key, request in alerts.items()
        },
        readers=readers,
        grants=tuple(Registration(grant, standing) for grant in readers.grants),
        dashboards=tuple(
            # A dashboard access that moves to a replaced monitor's new dashboard is no loss.
            Registration(access, standing and not access.moved)
            for access in readers.dashboards
        ),
        anomaly=anomaly,
        messages=tuple(messages),
        purge=_purged(plan, decisions),
    )


def _purged(plan: Plan, decisions: Mapping[str, Decision]) -> frozenset[str]:
    """The monitors whose reset this run applies and asks for their assets to be dropped."""
    resets = plan.project.settings.resets
    return frozenset(
        table
        for table, decision in decisions.items()
        if decision.reset and (reset := resets.get(table)) is not None and reset.purge
    )


# ---------------------------------------------------------------------------- alerts


def _alerts_reading_recorded_tables(
    plan: Plan, outputs: Mapping[str, Any] | None
) -> tuple[dict[str, AlertRequest], list[Message]]:
    """The plan's alert inputs, re-made for monitors whose record names other metric tables
    than the documented ones (said once per monitor: `plan` shows the documented ones).

    Only a record of the same monitored table counts: after `catalog` or `goldSchema` changed,
    the recorded tables are the old monitor's, which this run deletes (a replace), so the
    alerts follow the new monitor's documented tables in the same run."""
    if not plan.alerts:
        return plan.alerts, []
    settings = plan.project.settings
    recorded = recorded_metric_tables(outputs)
    monitored = recorded_table_names((outputs or {}).get(MONITORS_OUTPUT))
    differing = {
        table: names
        for table, names in recorded.items()
        if table in plan.project.monitors
        and monitored.get(table, "").lower() == settings.full_table_name(table)
        and names != documented_metric_tables(settings, table)
    }
    if not differing:
        return plan.alerts, []
    messages = [
        Message(
            WARN,
            f"monitor '{table}' reported its metric tables as {names.profile} and {names.drift}, "
            "not the documented names `plan` shows: its alerts read the reported ones.",
        )
        for table, names in sorted(differing.items())
    ]
    return alert_requests(plan.project, recorded), messages


def _alert_deletes(
    plan: Plan, requests: Mapping[str, AlertRequest], last: set[str], standing: bool
) -> list[Message]:
    """Which alerts this run deletes, with the command a protected stack needs first."""
    settings = plan.project.settings
    messages: list[Message] = []
    for key in sorted(last - requests.keys()):
        table, _, name = key.partition(".")
        why = (
            "is no longer declared"
            if settings.alerts is not None
            else "is in a stack that no longer sets lakehouse-monitors:alerts"
        )
        message = f"alert '{key}' {why}: it will be DELETED."
        if standing:
            message += " " + alert_delete_needs_unprotect(settings.stack, table, name)
        messages.append(Message(WARN, message))
    return messages


# ---------------------------------------------------------------------------- monitors


def _monitor_messages(
    monitors: Mapping[str, MonitorStep], last: LastDeployment, project: Project, standing: bool
) -> list[Message]:
    """Every replace, held replace, unknown history and delete, and why.

    A monitor with no record at all that the last run did not register either reads as new:
    that is said as information, not as a warning.
    """
    stack = project.settings.stack
    messages: list[Message] = []
    for step in monitors.values():
        decision = step.decision
        if decision.unknown is not None:
            seen = decision.table in last.registered
            text = describe_unknown(decision, seen_before=seen)
            calm = decision.unknown == UNKNOWN_NO_RECORD and not seen
            level = INFO if calm and decision.structure.reset_token is None else WARN
            messages.append(Message(level, text))
        elif decision.held:
            text = describe_held(decision)
            if step.protect:
                text += " " + held_replace_needs_reset(stack, decision.table)
            messages.append(Message(WARN, text))
        elif decision.resumed:
            text = describe_resumed(decision)
            if standing and not step.protect:
                text += " " + RESET_LIFTS_PROTECTION + "."
            messages.append(Message(WARN, text))
        elif decision.replace:
            text = describe(decision)
            if step.protect:
                text += " " + replace_needs_reset(stack, decision.table)
            messages.append(Message(WARN, text))
    for table in sorted(last.structures.keys() - monitors.keys()):
        text = describe_delete(project, table)
        if standing:
            text += " " + delete_needs_unprotect(stack, table, last.structures[table].api)
        messages.append(Message(WARN, text))
    return messages


def describe_delete(project: Project, table: str) -> str:
    """Why a deployed monitor is deleted: no longer declared or enabled, or its table left the
    workspace while a pattern template still covers its name (dropped or renamed)."""
    template = pattern_of(project.declared, table)
    if template is not None and table not in project.declared.own_files:
        return (
            f"monitor '{table}': table {project.settings.full_table_name(table)} is no longer "
            f"in the workspace (dropped or renamed?), so {template.file} "
            f"({template.describe()}) no longer covers it: the monitor will be DELETED and its "
            "monitoring history is lost (its metric tables and dashboard stay in the workspace)."
        )
    return (
        f"monitor '{table}' is no longer declared or enabled: it will be DELETED "
        "(its metric tables and dashboard stay in the workspace)."
    )


def _paused(plan: Plan, standing: bool) -> list[Message]:
    """A paused stack deploys its monitors without a schedule: a warning in a protected
    (production) stack, where monitors that stop refreshing go unnoticed."""
    settings = plan.project.settings
    if not settings.paused:
        return []
    message = describe_paused(settings.stack, len(plan.requests))
    return [Message(WARN if standing else INFO, message)]


# ---------------------------------------------------------------------------- readers


def _readers(plan: Plan, outputs: Mapping[str, Any] | None) -> ReadersPlan:
    """The readers' resources for this run, from the declared monitors and the last outputs."""
    last = outputs or {}
    tables = {
        table: not request.get("skip_builtin_dashboard", False)
        for table, request in plan.requests.items()
    }
    return plan_readers(
        plan.project.settings,
        tables,
        last.get(MONITORS_OUTPUT),
        read_last_readers(last.get(READERS_OUTPUT)),
    )


def _readers_messages(readers: ReadersPlan, plan: Plan, standing: bool) -> list[Message]:
    """What the readers' part of this run cannot do yet, moves or revokes."""
    messages: list[Message] = []
    if readers.pending:
        messages.append(Message(INFO, describe_pending(readers.pending)))
    messages += [Message(WARN, describe_moved(a)) for a in readers.dashboards if a.moved]
    stack = plan.project.settings.stack
    messages += [Message(WARN, text) for text in describe_removed(readers, stack, standing)]
    return messages


# ---------------------------------------------------------------------------- schema monitor


def _anomaly_messages(plan: Plan, last: LastDeployment, standing: bool) -> list[Message]:
    """The schema monitor removed, or moved to another schema (a replace), or updated in place
    (which removes its schema alert's recipients: `monitors.desired.anomaly_alert`)."""
    settings = plan.project.settings
    change = AnomalyChange(last.anomaly_schema, settings.gold_schema_name if plan.anomaly else None)
    text = describe_anomaly(change)
    if text is None:
        if plan.anomaly is not None and change.before == change.now:
            config = plan.anomaly.get("anomaly_detection_config", {})
            excluded = list(config.get("excluded_table_full_names", []))
            if excluded_change(last.anomaly_excluded, excluded):
                schema = settings.gold_schema_name
                return [Message(WARN, describe_update(schema, last.anomaly_excluded, excluded))]
        return []
    if standing:
        text += " " + anomaly_needs_unprotect(settings.stack)
    return [Message(WARN, text)]
