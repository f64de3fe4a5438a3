"""The Pulumi program: each enabled declaration becomes one `databricks.QualityMonitor`.

The program reads what it deployed last time through a StackReference to its own stack, lets
`monitors.replacement` decide update or replace for each monitor, and passes that decision to
the engine as `replacement_trigger` (replace) and `protect` (production safety). Resources are
registered inside one `apply` on the last deployment because `protect` must be a plain value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_databricks as databricks

from monitors.desired.plan import Plan, make_plan
from monitors.desired.protection import delete_needs_unprotect, is_protected, replace_needs_reset
from monitors.desired.record import MONITORS_OUTPUT, STRUCTURE_OUTPUT, read_last_structures
from monitors.desired.replacement import Decision, Structure, decide, describe
from monitors.naming import resource_name
from monitors.program.engine import require_engine_support
from monitors.spec.project import Project


@dataclass
class Hooks:
    """Resource hooks bound to every monitor (see `monitors.hooks`).

    `purge_tables` is filled while monitors are registered: the tables whose reset this run
    applies with `purge: true`. The purge hook reads it when the engine deletes a monitor.
    """

    binding: pulumi.ResourceHookBinding | None = None
    purge_tables: set[str] = field(default_factory=set)


def self_reference_name() -> str:
    """The fully qualified name of the stack being deployed, to read its own last outputs."""
    return f"{pulumi.get_organization()}/{pulumi.get_project()}/{pulumi.get_stack()}"


def announce(decisions: Mapping[str, Decision], removed: list[str], project: Project) -> None:
    """Warn in the preview about every replace and delete, and why."""
    settings = project.settings
    for decision in decisions.values():
        if not decision.replace:
            continue
        message = describe(decision)
        if is_protected(settings.protect, decision.reset):
            message += " " + replace_needs_reset(settings.stack, decision.table)
        pulumi.log.warn(message)
    for table in removed:
        message = (
            f"monitor '{table}' is no longer declared or enabled: it will be DELETED "
            "(its metric tables and dashboard stay in the workspace)."
        )
        if settings.protect:
            message += " " + delete_needs_unprotect(settings.stack, table)
        pulumi.log.warn(message)


def _register(plan: Plan, last: dict[str, Structure], hooks: Hooks) -> dict[str, Any]:
    """Register every monitor with its decision; return the stack outputs (as inputs)."""
    settings = plan.project.settings
    decisions = {t: decide(t, last.get(t), now) for t, now in plan.structures.items()}
    announce(decisions, sorted(last.keys() - decisions.keys()), plan.project)
    monitors: dict[str, Any] = {}
    for table, decision in decisions.items():
        reset = settings.resets.get(table)
        if decision.reset and reset is not None and reset.purge:
            hooks.purge_tables.add(table)
        opts = pulumi.ResourceOptions(
            protect=is_protected(settings.protect, decision.reset),
            delete_before_replace=True,
            replacement_trigger=decision.generation,
            hooks=hooks.binding,
        )
        monitor = databricks.QualityMonitor(
            resource_name(table),
            table_name=settings.full_table_name(table),
            **plan.requests[table],
            opts=opts,
        )
        monitors[table] = {
            "table_name": monitor.table_name,
            "status": monitor.status,
            "dashboard_id": monitor.dashboard_id,
            "profile_metrics_table_name": monitor.profile_metrics_table_name,
            "drift_metrics_table_name": monitor.drift_metrics_table_name,
            "replacement_generation": decision.generation,
        }
    structures = {t: d.structure.to_output() for t, d in decisions.items()}
    return {MONITORS_OUTPUT: monitors, STRUCTURE_OUTPUT: structures}


def deploy(project: Project, hooks: Hooks | None = None) -> pulumi.Output[dict[str, Any]]:
    """Declare the stack's monitors and export their outputs and structure."""
    require_engine_support()
    plan = make_plan(project)
    reference = pulumi.StackReference("last-deployment", stack_name=self_reference_name())
    # _register returns plain structures and per-monitor dicts of Outputs. The engine
    # serialises nested Outputs when it records stack outputs; lifting them here with
    # Output.all/from_input would schedule thousands of extra tasks for hundreds of monitors.
    registered = reference.get_output(STRUCTURE_OUTPUT).apply(
        lambda raw: _register(plan, read_last_structures(raw), hooks or Hooks())
    )
    pulumi.export(MONITORS_OUTPUT, registered.apply(lambda r: r[MONITORS_OUTPUT]))
    pulumi.export(STRUCTURE_OUTPUT, registered.apply(lambda r: r[STRUCTURE_OUTPUT]))
    return registered
