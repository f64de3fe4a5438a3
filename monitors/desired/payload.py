"""Declarations to API form: the exact create/update body of one monitor.

This one function feeds both the Pulumi resource and `monitors plan`, so what plan
prints is what the provider sends. Custom metrics are sorted by name: the provider keeps an
ordered list, and reordering a YAML file must not look like a change.

Every field is sent in the form the provider reads back, so that a `pulumi refresh` (or an
import by `adopt`) followed by `pulumi up` changes nothing: the API's GET never returns
`skip_builtin_dashboard` and the provider's Read keeps only a stored `true`, so it is sent only
when true; the API returns no empty lists and the bridge tells `[]` from null, so no empty list
is sent (tests/fakes/provider_read.py names the upstream code behind each rule).

A paused stack (`paused: true`) sends no schedule: the schedule's `pause_status` is read-only in
both APIs, and removing the schedule is how a monitor stops refreshing on its own. The provider
sends that removal (the legacy PUT carries the whole config; the data quality PATCH's mask names
all of `data_profiling_config`), and the schedule is no part of the replace rule, so pausing and
resuming are updates in place.
"""

from __future__ import annotations

from typing import Any

from monitors.declared.models import MonitorSpec, Notifications
from monitors.declared.settings import StackSettings


def qualified(name: str, settings: StackSettings) -> str:
    """A bare table name is taken to be in the stack's gold schema."""
    return name if "." in name else settings.full_table_name(name)


def _notifications(spec: MonitorSpec, settings: StackSettings) -> dict[str, Any] | None:
    """Declared notifications win; otherwise the stack's emails hear about failures.

    A destination declared with no addresses means "nobody": it is left out, not sent empty.
    """
    declared = spec.notifications or Notifications()
    body = {
        event: destination
        for event, destination in declared.model_dump(exclude_none=True).items()
        if destination["email_addresses"]
    }
    if declared.on_failure is None and settings.notification_emails:
        body["on_failure"] = {"email_addresses": list(settings.notification_emails)}
    return body or None


def monitor_request(table: str, spec: MonitorSpec, settings: StackSettings) -> dict[str, Any]:
    """The monitor's API body (snake_case, no nulls), minus `table_name` which is in the URL."""
    body: dict[str, Any] = {
        "assets_dir": settings.assets_dir(table),
        "output_schema_name": settings.output_schema_name,
    }
    if spec.custom_metrics:
        body["custom_metrics"] = [
            m.model_dump() for m in sorted(spec.custom_metrics, key=lambda m: m.name)
        ]
    if spec.slicing_exprs:
        body["slicing_exprs"] = list(spec.slicing_exprs)
    profile = spec.profile_type
    body[profile] = getattr(spec, profile).model_dump(exclude_none=True)
    if spec.baseline_table_name:
        body["baseline_table_name"] = qualified(spec.baseline_table_name, settings)
    if settings.schedule is not None and not settings.paused:
        body["schedule"] = (spec.schedule or settings.schedule).model_dump()
    notifications = _notifications(spec, settings)
    if notifications:
        body["notifications"] = notifications
    if spec.data_classification_config is not None:
        body["data_classification_config"] = spec.data_classification_config.model_dump()
    if settings.warehouse_id:
        body["warehouse_id"] = settings.warehouse_id
    if spec.skip_builtin_dashboard:
        body["skip_builtin_dashboard"] = True
    return body
