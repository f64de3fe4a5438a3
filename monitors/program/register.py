"""The Pulumi program: each enabled declaration becomes one `databricks.QualityMonitor` (or, on
the `data_quality` backend, one `databricks.DataQualityMonitor`: `monitors.program.register_dq`).

The program reads what it deployed last time through a StackReference to its own stack, lets
`monitors.desired.replacement` decide update or replace for each monitor, and passes that
decision to the engine as `replacement_trigger` (replace; none when the history is unknown),
`protect` (production safety) and `ignore_changes` (the inputs the API never returns, or all of
them for a replace held back one run).
Resources are registered inside one `apply` on the last deployment because `protect` must be a
plain value; an unreadable record, or monitors recorded on another backend than the stack's
(`monitors.desired.backend`), stop the run there, before any monitor is registered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_databricks as databricks
from pulumi.output import Unknown

from monitors.declared.claims import pattern_of
from monitors.declared.project import Project
from monitors.desired.alert_record import ALERTS_OUTPUT
from monitors.desired.anomaly_alert import describe_update, excluded_change
from monitors.desired.backend import describe_migrating, prepare_last
from monitors.desired.plan import Plan, describe_paused, make_plan
from monitors.desired.protection import (
    RESET_LIFTS_PROTECTION,
    anomaly_needs_unprotect,
    delete_needs_unprotect,
    held_replace_needs_reset,
    is_protected,
    replace_needs_reset,
)
from monitors.desired.readers import READERS_OUTPUT
from monitors.desired.record import (
    ANOMALY_OUTPUT,
    MONITORS_OUTPUT,
    STRUCTURE_OUTPUT,
    LastDeployment,
    entry,
    read_last_deployment,
)
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
from monitors.errors import MonitorsError
from monitors.naming import resource_name
from monitors.program import log, register_dq
from monitors.program.engine import require_engine_support
from monitors.program.register_alerts import (
    destinations_lookup,
    prepare_alerts,
    register_alerts,
)
from monitors.program.register_readers import (
    announce_readers,
    prepare_readers,
    register_readers,
)

# Create-only inputs the monitor API never returns (GET omits them), so the provider can only
# keep what it stored itself: nothing after an import, a `false` never. Changing them is a replace
# by our rule, so any other run ignores them and a refresh or adopt never plans an update of them.
UNREADABLE_INPUTS: tuple[str, ...] = ("skipBuiltinDashboard", "warehouseId")


def ignored_inputs(decision: Decision, data_quality: bool = False) -> list[str] | None:
    """`ignore_changes` for one monitor: everything for a replace held back one run, nothing for
    a replace (the new monitor must get the new values), else the inputs the API never returns
    (on the data quality backend: its create-only inputs, `register_dq.CREATE_ONLY_INPUTS`)."""
    if decision.held:
        return ["*"]
    if decision.replace:
        return None
    return list(register_dq.CREATE_ONLY_INPUTS if data_quality else UNREADABLE_INPUTS)


@dataclass
class Hooks:
    """Resource hooks bound to every monitor (see `monitors.program.hooks`).

    `purge_tables` is filled while monitors are registered: the tables whose reset this run
    applies with `purge: true`. The purge hook reads it when the engine deletes a monitor.
    """

    binding: pulumi.ResourceHookBinding | None = None
    purge_tables: set[str] = field(default_factory=set)


def self_reference_name() -> str:
    """The fully qualified name of the stack being deployed, to read its own last outputs."""
    return f"{pulumi.get_organization()}/{pulumi.get_project()}/{pulumi.get_stack()}"


def announce(decisions: Mapping[str, Decision], last: LastDeployment, project: Project) -> None:
    """Warn in the preview about every replace, held replace, unknown history and delete, and why.

    A monitor with no record at all that the last run did not register either reads as new:
    that is said as information, not as a warning.
    """
    settings = project.settings
    for decision in decisions.values():
        if decision.unknown is not None:
            seen = decision.table in last.registered
            message = describe_unknown(decision, seen_before=seen)
            calm = decision.unknown == UNKNOWN_NO_RECORD and not seen
            if calm and decision.structure.reset_token is None:
                log.info(message)
            else:
                log.warn(message)
        elif decision.held:
            message = describe_held(decision)
            if settings.protect:
                message += " " + held_replace_needs_reset(settings.stack, decision.table)
            log.warn(message)
        elif decision.resumed:
            message = describe_resumed(decision)
            if settings.protect:
                message += " " + RESET_LIFTS_PROTECTION + "."
            log.warn(message)
        elif decision.replace:
            message = describe(decision)
            if is_protected(settings.protect, decision.reset):
                message += " " + replace_needs_reset(settings.stack, decision.table)
            log.warn(message)
    for table in sorted(last.structures.keys() - decisions.keys()):
        message = describe_delete(project, table)
        if settings.protect:
            api = last.structures[table].api
            message += " " + delete_needs_unprotect(settings.stack, table, api)
        log.warn(message)


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


def decide_all(plan: Plan, last: LastDeployment) -> dict[str, Decision]:
    """One decision per declared monitor, against its record and whether its last
    registration completed."""
    return {
        table: decide(table, last.structures.get(table), now, applied=last.applied(table))
        for table, now in plan.structures.items()
    }


def _monitor_outputs(fields: dict[str, Any], generation: int) -> Any:
    """One monitor's entry in the `monitors` stack output, from its resource's output `fields`
    (table_name, status, dashboard_id, both metric table names).

    Outside a preview it is never unknown: a registration the engine answers as failed (under
    `--continue-on-error`) leaves the resource's outputs unknown, and a recorded unknown makes
    the stack's whole `outputs` unknown to its StackReference in every later preview (SDK
    `_OutputData`: a value containing unknowns is never known), so nothing would be registered
    there. Such an entry is recorded with nulls instead, which is also how the next run tells
    that this registration did not complete (`monitors.desired.record.registered_tables`).
    """
    if pulumi.runtime.is_dry_run():
        return {**fields, "replacement_generation": generation}

    def known(values: Any) -> dict[str, Any]:
        given = values if isinstance(values, Mapping) else {}
        plain = {k: None if isinstance(given.get(k), Unknown) else given.get(k) for k in fields}
        return {**plain, "replacement_generation": generation}

    return pulumi.Output.all(**fields).apply(known, run_with_unknowns=True)


def _legacy_fields(monitor: databricks.QualityMonitor) -> dict[str, Any]:
    return {
        "table_name": monitor.table_name,
        "status": monitor.status,
        "dashboard_id": monitor.dashboard_id,
        "profile_metrics_table_name": monitor.profile_metrics_table_name,
        "drift_metrics_table_name": monitor.drift_metrics_table_name,
    }


def _register(
    plan: Plan,
    last: LastDeployment,
    hooks: Hooks,
    outputs: Mapping[str, Any] | None = None,
    destinations: Any = None,
) -> dict[str, Any]:
    """Register every monitor with its decision, then the alerts; return the stack outputs (as
    inputs). `outputs` are the last deployment's, as read back; `destinations` the answer of
    the notification destinations lookup, when an alert names one."""
    settings = plan.project.settings
    prepared = prepare_alerts(plan, outputs, destinations)  # refuses before any registration
    last, migrating = prepare_last(settings, last, plan.structures)
    decisions = decide_all(plan, last)
    announce(decisions, last, plan.project)
    announce_paused(plan)
    readers = prepare_readers(plan, outputs)
    announce_readers(readers, plan)
    for table in sorted(migrating):
        log.info(describe_migrating(table, settings))
    lookups = register_dq.Lookups()
    monitors: dict[str, Any] = {}
    resources: dict[str, pulumi.CustomResource] = {}
    for table, decision in decisions.items():
        reset = settings.resets.get(table)
        if decision.reset and reset is not None and reset.purge:
            hooks.purge_tables.add(table)
        opts = pulumi.ResourceOptions(
            protect=is_protected(settings.protect, decision.reset),
            delete_before_replace=True,
            replacement_trigger=decision.trigger,
            ignore_changes=ignored_inputs(decision, plan.data_quality),
            hooks=hooks.binding,
        )
        monitor: pulumi.CustomResource
        if plan.data_quality:
            monitor, fields = register_dq.register_monitor(
                table, settings.full_table_name(table), plan.dq_requests[table], lookups, opts
            )
        else:
            monitor = databricks.QualityMonitor(
                resource_name(table),
                table_name=settings.full_table_name(table),
                **plan.requests[table],
                opts=opts,
            )
            fields = _legacy_fields(monitor)
        monitors[table] = _monitor_outputs(fields, decision.generation)
        resources[table] = monitor
    structures = {t: entry(d.structure) for t, d in decisions.items()}
    stack_outputs: dict[str, Any] = {MONITORS_OUTPUT: monitors, STRUCTURE_OUTPUT: structures}
    stack_outputs.update(register_alerts(prepared, plan, decisions, resources))
    stack_outputs[READERS_OUTPUT] = register_readers(readers, plan)
    announce_anomaly_detection(plan, last)
    if plan.anomaly is not None:
        stack_outputs[ANOMALY_OUTPUT] = register_dq.register_anomaly_detection(
            plan.anomaly,
            lookups,
            settings.gold_schema_name,
            pulumi.ResourceOptions(
                protect=is_protected(settings.protect, reset_applied_now=False),
                delete_before_replace=True,
                # The schema is the monitor's identity: another schema is another monitor.
                replacement_trigger=anomaly_trigger(settings.gold_schema_name),
            ),
        )
    return stack_outputs


def announce_paused(plan: Plan) -> None:
    """Say that the stack is paused: its monitors are deployed without a schedule. A warning in a
    protected (production) stack, where monitors that stop refreshing go unnoticed."""
    settings = plan.project.settings
    if not settings.paused:
        return
    message = describe_paused(settings.stack, len(plan.requests))
    if settings.protect:
        log.warn(message)
    else:
        log.info(message)


def announce_anomaly_detection(plan: Plan, last: LastDeployment) -> None:
    """Warn when the schema monitor is removed, or moves to another schema (a replace), or is
    updated in place (which removes its schema alert's recipients: `anomaly_alert`)."""
    settings = plan.project.settings
    change = AnomalyChange(last.anomaly_schema, settings.gold_schema_name if plan.anomaly else None)
    message = describe_anomaly(change)
    if message is None:
        if plan.anomaly is not None and change.before == change.now:
            config = plan.anomaly.get("anomaly_detection_config", {})
            excluded = list(config.get("excluded_table_full_names", []))
            if excluded_change(last.anomaly_excluded, excluded):
                schema = settings.gold_schema_name
                log.warn(describe_update(schema, last.anomaly_excluded, excluded))
        return
    if settings.protect:
        message += " " + anomaly_needs_unprotect(settings.stack)
    log.warn(message)


def _register_or_stop(
    plan: Plan, outputs: Any, hooks: Hooks, destinations: Any = None
) -> dict[str, Any]:
    """`_register` on the last outputs; a MonitorsError becomes a RunError, which the Python
    language host prints without a traceback (unlike any other exception raised in an apply)."""
    try:
        mapping = outputs if isinstance(outputs, Mapping) else None
        last = read_last_deployment(mapping)
        return _register(plan, last, hooks, mapping, destinations)
    except MonitorsError as exc:
        raise log.run_error(str(exc)) from None


def deploy(
    project: Project, hooks: Hooks | None = None, plan: Plan | None = None
) -> pulumi.Output[dict[str, Any]]:
    """Declare the stack's monitors and export their outputs and structure (`plan`: the
    project's, when already made)."""
    require_engine_support()
    plan = make_plan(project) if plan is None else plan
    reference = pulumi.StackReference("last-deployment", stack_name=self_reference_name())
    # _register returns plain structures and per-monitor dicts of Outputs. The engine
    # serialises nested Outputs when it records stack outputs; lifting them here with
    # Output.all/from_input would schedule thousands of extra tasks for hundreds of monitors.
    # run_with_unknowns: a stack whose outputs hold an unknown (recorded by an earlier version
    # after a failed registration) would otherwise register nothing in a preview.
    lookup = destinations_lookup(plan)
    if lookup is None:
        registered = reference.outputs.apply(
            lambda outputs: _register_or_stop(plan, outputs, hooks or Hooks()),
            run_with_unknowns=True,
        )
    else:  # an alert names a notification destination: resolve it before registering anything
        registered = pulumi.Output.all(reference.outputs, lookup).apply(
            lambda both: _register_or_stop(plan, both[0], hooks or Hooks(), both[1]),
            run_with_unknowns=True,
        )
    pulumi.export(MONITORS_OUTPUT, registered.apply(lambda r: r[MONITORS_OUTPUT]))
    pulumi.export(STRUCTURE_OUTPUT, registered.apply(lambda r: r[STRUCTURE_OUTPUT]))
    if project.settings.alerts is not None:  # stacks without alerts keep their outputs as they were
        pulumi.export(ALERTS_OUTPUT, registered.apply(lambda r: r[ALERTS_OUTPUT]))
    if project.settings.readers is not None:  # likewise
        pulumi.export(READERS_OUTPUT, registered.apply(lambda r: r[READERS_OUTPUT]))
    if plan.anomaly is not None:  # a stack without it keeps exactly its outputs
        pulumi.export(ANOMALY_OUTPUT, registered.apply(lambda r: r[ANOMALY_OUTPUT]))
    return registered
