"""Each declared alert becomes one `databricks.AlertV2`, beside (never under) its monitor.

What keeps an alert alive through its monitor's replace or reset:
- Its query reads the monitor's metric tables by plain name (the last recorded outputs, else
  the documented names), never through the monitor's outputs: with no property dependency the
  engine has no reason to replace it when the monitor is deleted first
  (pulumi `step_generator.go` `calculateDependentReplacements` replaces a dependent only for
  properties that depend on the replaced resource), and the preview shows its query unchanged
  instead of unknown. A recreated monitor writes to the same tables, so nothing changes.
- `depends_on` its monitor orders a first creation after the monitor and its folder; a
  `dependsOn` edge alone never makes a dependent replaced (same function, its comment).
- `protect` is the monitor's (decided with it, `monitors.desired.deployment`): a delete in a
  protected stack fails until unprotected, exactly as a monitor's, and a reset lifts it for the
  reset monitor's alerts in that run only.
- `parent_path` can only be set on create (AlertV2 API), so a changed folder replaces the alert
  (`replace_on_changes`), deleting first: two alerts of one name in one folder would make the
  service rename the new one "... (1)" (terraform-provider-databricks issue 4867).

Notification destinations named in declarations are resolved through the provider's
`getNotificationDestinations` lookup (it lists every destination and filters by name; TF
`notificationdestinations/data_notification_destinations.go` `Read`), once per run and only
when some alert names one, before anything is registered; a name that matches no destination,
or several, stops the run naming the file and field that wrote it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_databricks as databricks
from pulumi.output import Unknown

from monitors.declared.alerts import alert_field
from monitors.desired.alert_record import ALERTS_OUTPUT
from monitors.desired.alerts import AlertRequest
from monitors.desired.deployment import ALERT_REPLACE_ON_CHANGES, Deployment
from monitors.desired.plan import Plan
from monitors.errors import DeclarationError, DeclarationErrors, Problem
from monitors.naming import (
    CONFIG_NAMESPACE,
    DECLARATIONS_PATH,
    alert_resource_name,
    stack_file_name,
)


def destinations_lookup(plan: Plan) -> pulumi.Output[Any] | None:
    """The workspace's notification destinations (one lookup), when some alert names one."""
    if not any(request.destinations for request in plan.alerts.values()):
        return None
    return databricks.get_notification_destinations_output()


def _where_named(plan: Plan, request: AlertRequest, name: str) -> tuple[str, Problem]:
    """The file and field that name a destination: the alert's `notify`, else the stack's."""
    settings = plan.project.settings
    spec = plan.project.monitors[request.table]
    index, alert = next((i, a) for i, a in enumerate(spec.alerts) if a.name == request.name)
    if alert.notify is not None:
        position = alert.notify.destinations.index(name)
        field_name = alert_field(index, alert, f"notify.destinations[{position}]")
        return f"{DECLARATIONS_PATH}/{request.table}.yaml", Problem(field_name, "", request.table)
    notify = settings.alerts.notify if settings.alerts else None
    position = notify.destinations.index(name) if notify else 0
    key = f"{CONFIG_NAMESPACE}:alerts.notify.destinations[{position}]"
    return stack_file_name(settings.stack), Problem(key, "")


def _resolve(plan: Plan, found: Any) -> dict[str, str]:
    """Each destination name some alert uses, to its id; DeclarationErrors naming the file and
    field of every name that matches no destination, or several (names match exactly)."""
    destinations = getattr(found, "notification_destinations", None) or []
    ids: dict[str, str] = {}
    errors: dict[str, list[Problem]] = {}
    for request in plan.alerts.values():
        for name in request.destinations:
            matches = [d.id for d in destinations if d.display_name == name and d.id]
            if len(matches) == 1:
                ids[name] = matches[0]
                continue
            file, where = _where_named(plan, request, name)
            how = "no notification destination" if not matches else f"{len(matches)} destinations"
            message = (
                f"{how} in the workspace is named {name!r} (names match exactly; an admin "
                "sees them under Settings > Notifications)"
            )
            problem = Problem(where.field, message, where.monitor)
            if problem not in errors.setdefault(file, []):
                errors[file].append(problem)
    if errors:
        raise DeclarationErrors([DeclarationError(f, p) for f, p in sorted(errors.items())])
    return ids


def resolve_destinations(plan: Plan, destinations: Any) -> dict[str, str]:
    """Each destination name some alert uses, to its id (`destinations` is the lookup's answer,
    None when no alert names one); checked before any resource is registered."""
    return _resolve(plan, destinations) if destinations is not None else {}


def _evaluation(request: AlertRequest, ids: Mapping[str, str]) -> Any:
    """The evaluation input, with the named destinations' ids after the addresses."""
    evaluation = request.body["evaluation"]
    if not request.destinations:
        return evaluation
    notification = dict(evaluation["notification"])
    notification["subscriptions"] = [
        *notification.get("subscriptions", []),
        *({"destination_id": ids[name]} for name in request.destinations),
    ]
    return {**evaluation, "notification": notification}


def _alert_outputs(alert: databricks.AlertV2, display_name: str) -> Any:
    """One alert's entry in the `alerts` stack output; outside a preview never unknown (see
    `monitors.program.register._monitor_outputs` for why an unknown must not be recorded)."""
    if pulumi.runtime.is_dry_run():
        return {"id": alert.id, "display_name": display_name}

    def known(alert_id: Any) -> dict[str, Any]:
        plain = None if isinstance(alert_id, Unknown) else alert_id
        return {"id": plain, "display_name": display_name}

    return alert.id.apply(known, run_with_unknowns=True)


def register_alerts(
    deployment: Deployment,
    destination_ids: Mapping[str, str],
    monitors: Mapping[str, pulumi.Resource],
) -> dict[str, Any]:
    """Register every alert the stack deploys; return the `alerts` stack output (as inputs)."""
    entries: dict[str, Any] = {}
    for key, alert in deployment.alerts.items():
        request = alert.resource
        opts = pulumi.ResourceOptions(
            protect=alert.protect,
            delete_before_replace=True,
            replace_on_changes=list(ALERT_REPLACE_ON_CHANGES),
            depends_on=[monitors[request.table]],
        )
        resource = databricks.AlertV2(
            alert_resource_name(request.table, request.name),
            **{**request.body, "evaluation": _evaluation(request, destination_ids)},
            opts=opts,
        )
        entries[key] = _alert_outputs(resource, request.body["display_name"])
    return {ALERTS_OUTPUT: entries}
