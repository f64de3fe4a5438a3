"""The state pulumi-databricks keeps for an AlertV2, and whether the next `up` updates it.

A model of the provider between the AlertV2 API and the engine, as tests/fakes/provider_read.py
is for the quality monitor, so a test can say "after `pulumi refresh`, the next `pulumi up`
plans no update of the alert". Read at terraform-provider-databricks v1.128.0 (the newest
mirror; pulumi-databricks 1.118.0 bundles a newer provider, v1.140 by the vN -> v(N+22) rule,
whose generated Python adds `custom_template_format`, which the program never sets):

- internal/providers/pluginfw/products/alert_v2/resource_alert_v2.go `Create`: the plan goes to
  the API as is (`TfSdkToGoSdkStruct`), the answer becomes the state (`GoSdkToTfSdkStruct`), then
  `AlertV2.SyncFieldsDuringCreateOrUpdate(plan)`; `Read`: the GET answer becomes the state, then
  `SyncFieldsDuringRead(prior state)`; `ApplySchemaCustomizations`: which attributes are
  required, optional or computed. Only `provider_config` is optional+computed.
- internal/service/sql_tf/model.go: the nested types' customizations (`AlertV2Evaluation`:
  `state`, `last_evaluated_at` computed; `AlertV2Notification`: `effective_notify_on_ok`,
  `effective_retrigger_seconds` computed, `subscriptions` a set; `CronSchedule`: `pause_status`
  optional, NOT computed) and Sync functions: `AlertV2Notification.SyncFieldsDuringCreateOrUpdate`
  keeps the answer's `notify_on_ok`/`retrigger_seconds` as the effective values and the plan's
  as the values; `SyncFieldsDuringRead` keeps the prior effective values and the prior values
  while the answer agrees with the prior effective ones (`ValueBool()`/`ValueInt64()` read null
  as false/0). The other nested Sync functions recurse and change nothing.
- pulumi-terraform-bridge pf `DiffWithContext` and opentofu `objchange.ProposedNew` (as in
  provider_read.py): a computed attribute keeps the prior value; any other takes the input, so
  an optional attribute the inputs leave out while the state holds a value is a change.

Simplifications: absent and null are one (the engine encodes both alike); a set is compared
ignoring order; `provider_config` and `purge_on_delete` are not modelled (the program sets
neither).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

Mode = str  # "required" | "optional" | "computed"
Schema = Mapping[str, Any]  # attribute -> mode, or (mode, nested schema), or ("set", schema)

_OPERAND_COLUMN: Schema = {"aggregation": "optional", "display": "optional", "name": "required"}
_NOTIFICATION: Schema = {
    "effective_notify_on_ok": "computed",
    "notify_on_ok": "optional",
    "effective_retrigger_seconds": "computed",
    "retrigger_seconds": "optional",
    "subscriptions": ("set", {"destination_id": "optional", "user_email": "optional"}),
}
_RUN_AS: Schema = {"service_principal_name": "optional", "user_name": "optional"}
SCHEMA: Schema = {
    "create_time": "computed",
    "custom_description": "optional",
    "custom_summary": "optional",
    "display_name": "required",
    "effective_run_as": ("computed", _RUN_AS),
    "evaluation": (
        "required",
        {
            "comparison_operator": "required",
            "empty_result_state": "optional",
            "last_evaluated_at": "computed",
            "notification": ("optional", _NOTIFICATION),
            "source": ("required", _OPERAND_COLUMN),
            "state": "computed",
            "threshold": (
                "optional",
                {
                    "column": ("optional", _OPERAND_COLUMN),
                    "value": (
                        "optional",
                        {
                            "bool_value": "optional",
                            "double_value": "optional",
                            "string_value": "optional",
                        },
                    ),
                },
            ),
        },
    ),
    "id": "computed",
    "lifecycle_state": "computed",
    "owner_user_name": "computed",
    "parameters": ("set", {"name": "required", "type": "optional", "value": "optional"}),
    "parent_path": "optional",
    "query_text": "required",
    "run_as": ("optional", _RUN_AS),
    "run_as_user_name": "optional",
    "schedule": (
        "required",
        {"pause_status": "optional", "quartz_cron_schedule": "required", "timezone_id": "required"},
    ),
    "update_time": "computed",
    "warehouse_id": "required",
}


def _without_nulls(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _notification(state: dict[str, Any]) -> dict[str, Any] | None:
    evaluation = state.get("evaluation")
    if isinstance(evaluation, dict) and isinstance(evaluation.get("notification"), dict):
        return evaluation["notification"]  # type: ignore[no-any-return]
    return None


def created_state(plan: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
    """The state `Create` stores: the answer, synced with the plan (snake_case inputs)."""
    state: dict[str, Any] = _without_nulls(dict(answer))
    notification, planned = _notification(state), _notification(dict(plan))
    if notification is not None and planned is not None:
        for name in ("notify_on_ok", "retrigger_seconds"):
            effective = notification.pop(name, None)
            if effective is not None:
                notification[f"effective_{name}"] = effective
            if planned.get(name) is not None:
                notification[name] = planned[name]
    return state


def refreshed_state(prior: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
    """The state `Read` stores: the GET answer, synced with the prior state."""
    state: dict[str, Any] = _without_nulls(dict(answer))
    notification, before = _notification(state), _notification(dict(prior))
    if notification is not None and before is not None:
        for name, zero in (("notify_on_ok", False), ("retrigger_seconds", 0)):
            effective = before.get(f"effective_{name}")
            answered = notification.get(name)
            if effective is None:
                notification.pop(f"effective_{name}", None)
            else:
                notification[f"effective_{name}"] = effective
            if (effective if effective is not None else zero) == (
                answered if answered is not None else zero
            ):
                if before.get(name) is None:
                    notification.pop(name, None)
                else:
                    notification[name] = before[name]
    return state


def _canonical(items: list[Any]) -> list[str]:
    return sorted(json.dumps(i, sort_keys=True) for i in items)


def planned_changes(state: Mapping[str, Any], inputs: Mapping[str, Any]) -> list[str]:
    """Dotted paths the next `up` would change (ProposedNew against the state); [] for none."""
    return _changes(SCHEMA, state, inputs, "")


def _changes(
    schema: Schema, state: Mapping[str, Any], config: Mapping[str, Any], prefix: str
) -> list[str]:
    found: list[str] = []
    for name, node in schema.items():
        path = f"{prefix}{name}"
        mode, nested = (node, None) if isinstance(node, str) else node
        if mode == "computed":
            continue
        prior, wanted = state.get(name), config.get(name)
        if mode == "set":
            if _canonical(prior or []) != _canonical(wanted or []):
                found.append(path)
        elif nested is not None and isinstance(prior, Mapping) and isinstance(wanted, Mapping):
            found += _changes(nested, prior, wanted, f"{path}.")
        elif wanted != prior:
            found.append(path)
    return found
