"""What a stack declares, in API form: each enabled monitor's body and structure.

Pure: computed from a Project with no Pulumi or Databricks calls, so the program, `plan` and the
change report all see the same bodies. `plan_document` is the stable JSON form `plan` prints.
`requests` are the legacy API bodies on either backend (the structures, and so the replace rule,
and the change report's field diffs come from them); on the `data_quality` backend
`dq_requests` are the bodies actually sent (`monitors.desired.payload_dq`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from monitors.declared.project import Project
from monitors.desired.alerts import (
    AlertRequest,
    alert_requests,
    declared_alerts,
    enable_alerts_commands,
    undeployed_alerts,
)
from monitors.desired.anomaly_alert import UPDATE_REMOVES_RECIPIENTS
from monitors.desired.payload import monitor_request
from monitors.desired.payload_dq import ENDPOINT, anomaly_detection_request, data_quality_request
from monitors.desired.protection import is_protected
from monitors.desired.readers import DASHBOARD_PERMISSION, grant_requests
from monitors.desired.replacement import Structure, structure_of
from monitors.naming import API_DATA_QUALITY, alert_urn, anomaly_urn, monitor_urn, short_stack


@dataclass
class Plan:
    """What this run declares: the API body and structure of each enabled monitor, and the
    inputs of each alert the stack deploys (keyed `table.alert`)."""

    project: Project
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)
    structures: dict[str, Structure] = field(default_factory=dict)
    alerts: dict[str, AlertRequest] = field(default_factory=dict)
    dq_requests: dict[str, dict[str, Any]] = field(default_factory=dict)
    anomaly: dict[str, Any] | None = None  # the schema monitor's body, when enabled

    @property
    def data_quality(self) -> bool:
        """True when the stack deploys through the Data Quality Monitoring API."""
        return self.project.settings.api == API_DATA_QUALITY

    @property
    def protect(self) -> bool:
        """`protect` of every resource of this plan that no reset lifts in the run
        (`monitors.desired.protection.is_protected`): what `plan` shows, what a deployed
        resource has recorded, and what a run registers for all but a monitor it resets (and
        that monitor's alerts: `monitors.desired.deployment.monitor_step`)."""
        return is_protected(self.project.settings.protect, reset_applied_now=False)


def make_plan(project: Project) -> Plan:
    """Compute every monitor's API body and structure, with no Pulumi calls."""
    plan = Plan(project)
    settings = project.settings
    for table, spec in project.monitors.items():
        request = monitor_request(table, spec, settings)
        reset = settings.resets.get(table)
        plan.requests[table] = request
        plan.structures[table] = structure_of(
            request, reset.token if reset else None, settings.api, settings.full_table_name(table)
        )
        if plan.data_quality:
            plan.dq_requests[table] = data_quality_request(table, spec, settings, request)
    plan.anomaly = anomaly_detection_request(settings)
    plan.alerts = alert_requests(project)
    return plan


def template_document(project: Project) -> dict[str, Any]:
    """Each template: what it covers, the enabled tables it declares (null when its pattern
    was not resolved, with the reason), and the tables it overrides."""
    by_file: dict[str, list[str]] = {}
    for table in project.monitors:
        by_file.setdefault(project.file_of(table), []).append(table)
    return {
        template.file: {
            "covers": template.describe(),
            "tables": None
            if template.file in project.unresolved
            else by_file.get(template.file, []),
            "unresolved": project.unresolved.get(template.file),
            "overrides": sorted(template.overrides),
        }
        for template in project.declared.templates
    }


def describe_paused(stack: str, monitors: int) -> str:
    """What a paused stack means, as the preview and `plan` say it."""
    return (
        f"stack '{short_stack(stack)}' is paused (lakehouse-monitors:paused): its {monitors} "
        "monitor(s) are deployed without a schedule, so they refresh only when asked; "
        "their history is kept. Remove the setting (or set it to false) to restore the "
        "declared schedules."
    )


def plan_document(plan: Plan) -> dict[str, Any]:
    """The stable JSON form of a stack's plan."""
    settings = plan.project.settings
    templates = {t.file for t in plan.project.declared.templates}
    templated = {t: f for t, f in plan.project.sources.items() if f in templates}
    monitors: dict[str, Any] = {}
    for table, request in plan.requests.items():
        reset = settings.resets.get(table)
        monitors[table] = {
            "table_name": settings.full_table_name(table),
            "urn": monitor_urn(settings.stack, table, settings.api),
            "protect": plan.protect,
            "delete_before_replace": True,
            "reset": reset.model_dump() if reset else None,
            "request": plan.dq_requests[table] if plan.data_quality else request,
        }
        if plan.data_quality:
            monitors[table]["endpoint"] = ENDPOINT
        if table in templated:
            monitors[table]["declared_in"] = templated[table]
    alerts = {
        key: {
            "table": request.table,
            "urn": alert_urn(settings.stack, request.table, request.name),
            "protect": plan.protect,
            "rule": request.rule,
            "destinations": list(request.destinations),
            "request": request.body,
        }
        for key, request in plan.alerts.items()
    }
    document: dict[str, Any] = {
        "stack": settings.stack,
        "protect": settings.protect,
        "refresh_after_update": settings.refresh_after_update,
        "monitors": monitors,
        "alerts": alerts,
        "undeployed_alerts": [] if settings.alerts else declared_alerts(plan.project),
        # The same alerts with their rule and query, and the commands that deploy them.
        "undeployed_alert_queries": {
            key: {"table": alert.table, "rule": alert.rule, "query_text": alert.query_text}
            for key, alert in undeployed_alerts(plan.project).items()
        },
        "enable_alerts": (
            enable_alerts_commands(settings.stack)
            if not settings.alerts and declared_alerts(plan.project)
            else []
        ),
    }
    # Only a stack that uses them shows the new keys: a legacy stack's plan is what it was.
    if templates:
        document["templates"] = template_document(plan.project)
        document["template_notes"] = list(plan.project.notes)
    if plan.data_quality:
        document["api"] = settings.api
    if settings.paused:
        document["paused"] = True
    if settings.readers is not None:
        document["readers"] = {
            "use_catalog": settings.readers.use_catalog,
            "grants": [
                {"name": g.name, "protect": plan.protect, **g.inputs}
                for g in grant_requests(settings)
            ],
            "dashboard_permission": DASHBOARD_PERMISSION,
        }
    if plan.anomaly is not None:
        document["anomaly_detection"] = {
            "schema_name": settings.gold_schema_name,
            "urn": anomaly_urn(settings.stack),
            "protect": plan.protect,
            "endpoint": ENDPOINT,
            "request": plan.anomaly,
            "on_update": UPDATE_REMOVES_RECIPIENTS,
        }
    return document
