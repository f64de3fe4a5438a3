"""Register the readers' grants and dashboard access (`monitors.desired.readers` decides them).

Registered in the same `apply` as the monitors, on the last deployment's outputs (the dashboard
ids come from there), so the preview lists every one of them. Production protection covers
them as it covers the monitors and alerts: in a protected stack revoking a reader takes the same
explicit path as retiring a monitor (`pulumi state unprotect`); the only exception is a
dashboard access moving to a replaced monitor's new dashboard, which is not a loss.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_databricks as databricks

from monitors.desired.plan import Plan
from monitors.desired.readers import (
    READERS_OUTPUT,
    ReadersPlan,
    describe_moved,
    describe_pending,
    describe_removed,
    plan_readers,
    read_last_readers,
)
from monitors.desired.record import MONITORS_OUTPUT
from monitors.program import log


def prepare_readers(plan: Plan, outputs: Mapping[str, Any] | None) -> ReadersPlan:
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


def announce_readers(readers: ReadersPlan, plan: Plan) -> None:
    """Say in the preview what the readers' part of this run cannot do yet, moves or revokes."""
    settings = plan.project.settings
    if readers.pending:
        log.info(describe_pending(readers.pending))
    for access in readers.dashboards:
        if access.moved:
            log.warn(describe_moved(access))
    for message in describe_removed(readers, settings.stack, settings.protect):
        log.warn(message)


def register_readers(readers: ReadersPlan, plan: Plan) -> dict[str, Any]:
    """Register every grant and dashboard access; return the `readers` stack output (exported
    only by a stack with readers: a stack without them keeps exactly its outputs)."""
    protect = plan.project.settings.protect
    for grant in readers.grants:
        databricks.Grant(grant.name, **grant.inputs, opts=pulumi.ResourceOptions(protect=protect))
    for access in readers.dashboards:
        databricks.Permissions(
            access.name,
            **access.inputs,
            opts=pulumi.ResourceOptions(protect=protect and not access.moved),
        )
    return readers.record()
