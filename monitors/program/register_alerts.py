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
- `protect` is the monitor's: a delete in a protected stack fails until unprotected, exactly as
  a monitor's, and a reset lifts it for the reset monitor's alerts in that run only.
- `parent_path` can only be set on create (AlertV2 API), so a changed folder replaces the alert
  (`replace_on_changes`), deleting first: two alerts of one name in one folder would make the
  service rename the new one "... (1)" (terraform-provider-databricks issue 4867).

Notification destinations named in declarations are resolved through the provider's
`getNotificationDestinations` lookup, once per run and only when some alert names one; a name
that matches no destination, or several, stops the run with a sentence naming the alert.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_databricks as databricks
from pulumi.output import Unknown

from monitors.desired.alert_record import (
    ALERTS_OUTPUT,
    deployed_alerts,
    recorded_metric_tables,
)
from monitors.desired.alerts import AlertRequest, alert_requests, documented_metric_tables
from monitors.desired.plan import Plan
from monitors.desired.protection import alert_delete_needs_unprotect, is_protected
from monitors.desired.replacement import Decision
from monitors.naming import alert_resource_name

# Top-level input keys (camelCase, as the engine diffs them) whose change replaces the alert.
CREATE_ONLY_INPUTS = ["parentPath"]


def _announce_deletes(plan: Plan, requests: Mapping[str, AlertRequest], last: set[str]) -> None:
    settings = plan.project.settings
    for key in sorted(last - requests.keys()):
        table, _, name = key.partition(".")
        why = (
            "is no longer declared"
            if settings.alerts is not None
            else "is in a stack that no longer sets lakehouse-monitors:alerts"
        )
        message = f"alert '{key}' {why}: it will be DELETED."
        if settings.protect:
            message += " " + alert_delete_needs_unprotect(settings.stack, table, name)
        pulumi.log.warn(message)


def _with_recorded_tables(plan: Plan, outputs: Mapping[str, Any] | None) -> dict[str, AlertRequest]:
    """The plan's alert inputs, re-made for monitors whose record names other metric tables
    than the documented ones (said once per monitor: `plan` shows the documented ones)."""
    if not plan.alerts:
        return plan.alerts
    settings = plan.project.settings
    recorded = recorded_metric_tables(outputs)
    differing = {
        table: names
        for table, names in recorded.items()
        if table in plan.project.monitors and names != documented_metric_tables(settings, table)
    }
    if not differing:
        return plan.alerts
    for table, names in sorted(differing.items()):
        pulumi.log.warn(
            f"monitor '{table}' reported its metric tables as {names.profile} and {names.drift}, "
            "not the documented names `plan` shows: its alerts read the reported ones."
        )
    return alert_requests(plan.project, recorded)


def _destination_ids(key: str, names: Sequence[str], found: Any) -> list[dict[str, str]]:
    """Subscriptions for `names`, from the lookup's result; RunError for a name not found once."""
    destinations = getattr(found, "notification_destinations", None) or []
    subscriptions: list[dict[str, str]] = []
    for name in names:
        ids = [d.id for d in destinations if d.display_name == name and d.id]
        if len(ids) != 1:
            how = "no notification destination is" if not ids else f"{len(ids)} destinations are"
            raise pulumi.RunError(
                f"alert '{key}': {how} named {name!r} in the workspace (names are matched "
                "exactly; see them under Settings > Notifications): fix `notify.destinations`"
            )
        subscriptions.append({"destination_id": ids[0]})
    return subscriptions


def _evaluation(request: AlertRequest, lookup: pulumi.Output[Any] | None) -> Any:
    """The evaluation input, with the named destinations' ids once the lookup answers."""
    evaluation = request.body["evaluation"]
    if not request.destinations or lookup is None:
        return evaluation

    def resolved(found: Any) -> dict[str, Any]:
        notification = dict(evaluation["notification"])
        notification["subscriptions"] = [
            *notification.get("subscriptions", []),
            *_destination_ids(request.key, request.destinations, found),
        ]
        return {**evaluation, "notification": notification}

    return lookup.apply(resolved)


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
    plan: Plan,
    decisions: Mapping[str, Decision],
    monitors: Mapping[str, pulumi.Resource],
    outputs: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """Register every alert the stack deploys; return the `alerts` stack output (as inputs)."""
    settings = plan.project.settings
    requests = _with_recorded_tables(plan, outputs)
    _announce_deletes(plan, requests, deployed_alerts(outputs))
    lookup = (
        databricks.get_notification_destinations_output()
        if any(r.destinations for r in requests.values())
        else None
    )
    entries: dict[str, Any] = {}
    for key, request in requests.items():
        decision = decisions[request.table]
        opts = pulumi.ResourceOptions(
            protect=is_protected(settings.protect, decision.reset),
            delete_before_replace=True,
            replace_on_changes=CREATE_ONLY_INPUTS,
            depends_on=[monitors[request.table]],
        )
        alert = databricks.AlertV2(
            alert_resource_name(request.table, request.name),
            **{**request.body, "evaluation": _evaluation(request, lookup)},
            opts=opts,
        )
        entries[key] = _alert_outputs(alert, request.body["display_name"])
    return {ALERTS_OUTPUT: entries}
