"""The Pulumi program: each enabled declaration becomes one `databricks.QualityMonitor` (or, on
the `data_quality` backend, one `databricks.DataQualityMonitor`: `monitors.program.register_dq`).

The program reads what it deployed last time through a StackReference to its own stack, and
`monitors.desired.deployment` decides the run from it: update or replace for each monitor,
passed to the engine as `replacement_trigger` (replace; none when the history is unknown),
`protect` (production safety) and `ignore_changes` (the inputs the API never returns, or all of
them for a replace held back one run), and every sentence the preview says. Here that decision
is only logged and registered.
Resources are registered inside one `apply` on the last deployment because `protect` must be a
plain value; an unreadable record, or monitors recorded on another backend than the stack's
(`monitors.desired.backend`), stop the run there, before any monitor is registered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_databricks as databricks
from pulumi.output import Unknown

from monitors.declared.project import Project
from monitors.desired.alert_record import ALERTS_OUTPUT
from monitors.desired.deployment import decide_deployment
from monitors.desired.plan import Plan, make_plan
from monitors.desired.readers import READERS_OUTPUT
from monitors.desired.record import (
    ANOMALY_OUTPUT,
    MONITORS_OUTPUT,
    STRUCTURE_OUTPUT,
    LastDeployment,
    read_last_deployment,
)
from monitors.errors import MonitorsError
from monitors.naming import resource_name
from monitors.program import log, register_dq
from monitors.program.engine import require_engine_support
from monitors.program.register_alerts import (
    destinations_lookup,
    register_alerts,
    resolve_destinations,
)
from monitors.program.register_readers import register_readers


@dataclass
class Hooks:
    """Resource hooks bound to every monitor (see `monitors.program.hooks`), and the purge set of
    this run's decided deployment, which the purge hook reads when the engine deletes a monitor.

    The binding must exist before registration (every monitor's options carry it), while the
    run is decided only inside the `apply` on the last deployment. So the program hands the
    decided purge set over once, before it registers anything, and the hook reads it whenever it
    runs: the whole decision, never a set still being filled. Only the set is kept: holding the
    whole `Deployment` would keep every body alive through registration (peak memory).
    """

    binding: pulumi.ResourceHookBinding | None = None
    purge: frozenset[str] | None = None

    @property
    def purge_tables(self) -> frozenset[str]:
        """The tables whose reset this run applies with `purge: true` (none until decided)."""
        return self.purge if self.purge is not None else frozenset()


def self_reference_name() -> str:
    """The fully qualified name of the stack being deployed, to read its own last outputs."""
    return f"{pulumi.get_organization()}/{pulumi.get_project()}/{pulumi.get_stack()}"


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
    """Decide the run, say what it does, register every resource as decided; return the stack
    outputs (as inputs). `outputs` are the last deployment's, as read back; `destinations` the
    answer of the notification destinations lookup, when an alert names one."""
    settings = plan.project.settings
    destination_ids = resolve_destinations(plan, destinations)  # refuses before registering
    deployment = decide_deployment(plan, last, outputs)  # refuses another backend likewise
    hooks.purge = deployment.purge
    for message in deployment.messages:
        log.say(message)
    lookups = register_dq.Lookups()
    monitors: dict[str, Any] = {}
    resources: dict[str, pulumi.CustomResource] = {}
    for table, step in deployment.monitors.items():
        opts = pulumi.ResourceOptions(
            protect=step.protect,
            delete_before_replace=True,
            replacement_trigger=step.trigger,
            ignore_changes=None if step.ignore_changes is None else list(step.ignore_changes),
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
        monitors[table] = _monitor_outputs(fields, step.decision.generation)
        resources[table] = monitor
    stack_outputs: dict[str, Any] = {
        MONITORS_OUTPUT: monitors,
        STRUCTURE_OUTPUT: deployment.structures(),
    }
    stack_outputs.update(register_alerts(deployment, destination_ids, resources))
    stack_outputs[READERS_OUTPUT] = register_readers(deployment)
    if deployment.anomaly is not None:
        anomaly = deployment.anomaly
        stack_outputs[ANOMALY_OUTPUT] = register_dq.register_anomaly_detection(
            anomaly.request,
            lookups,
            anomaly.schema_name,
            pulumi.ResourceOptions(
                protect=anomaly.protect,
                delete_before_replace=True,
                replacement_trigger=anomaly.trigger,
            ),
        )
    return stack_outputs


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
