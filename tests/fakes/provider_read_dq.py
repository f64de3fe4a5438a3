"""The state pulumi-databricks keeps for a DataQualityMonitor, and whether the next `up` updates it.

The counterpart of tests/fakes/provider_read.py for the `data_quality` backend, so tests can say
"after `pulumi refresh` (or an import), the next `pulumi up` plans no update" without a plugin.

Versions: read at terraform-provider-databricks v1.128.0+10 (the newest mirror; pulumi-databricks
1.118.0 bundles a newer provider no mirror holds, whose generated Python types,
`DataQualityMonitor*Args`, have exactly the fields below), databricks-sdk-go v0.175.0.

Upstream sources followed (TF = terraform-provider-databricks):
- TF internal/providers/pluginfw/products/data_quality_monitor/resource_data_quality_monitor.go:
  `Monitor.ApplySchemaCustomizations` (object_type, object_id required with
  UseStateForUnknown; the configs optional; no attribute requires replacement but
  provider_config.workspace_id), `Create` (POST, state from the answer, no wait for ACTIVE),
  `Read` (GET; 404 removes the resource), `update` (PATCH of the whole monitor with
  `update_mask: anomaly_detection_config,data_profiling_config`), `ImportState` (ID
  `object_type,object_id` sets those two attributes, then Read), `Delete`.
- TF internal/service/dataquality_tf/model.go: `DataProfilingConfig`, `CronSchedule`,
  `DataProfilingCustomMetric`, `InferenceLogConfig`, `NotificationSettings`,
  `NotificationDestination`, `TimeSeriesConfig`, `SnapshotConfig`, `AnomalyDetectionConfig`:
  `ApplySchemaCustomizations` (which attributes are optional, required, computed) and
  `SyncFieldsDuringRead` / `SyncFieldsDuringCreateOrUpdate` (an empty list planned for
  custom_metrics, slicing_exprs, email_addresses or excluded_table_full_names is kept when the
  answer has none; nothing else is kept from the prior state or the plan).
- TF internal/providers/pluginfw/tfschema/struct_to_schema.go `typeToSchema`: this resource's
  nested objects are SingleNestedAttributes and its object lists ListNestedAttributes (not
  blocks), so `[]` and null differ for every list.
- TF internal/providers/pluginfw/converters/go_to_tf.go `goSdkToTfSdkSingleField`: a zero scalar
  is null unless the Go struct lists it in ForceSendFields; a nil pointer or slice is null; an
  empty slice an empty list. databricks-sdk-go `service/dataquality/model.go`: only
  `DataProfilingConfig` and `InferenceLogConfig` have ForceSendFields, which `marshal.Unmarshal`
  fills with every basic field present in the JSON.
- pulumi-terraform-bridge pkg/pf/tfbridge/provider_diff.go `DiffWithContext` and
  unstable/propertyvalue/ignore_changes.go `ApplyIgnoreChanges`: ignored paths (nested too)
  take the prior STATE's value, or are dropped when the state lacks them; then the plan is
  `ProposedNew(prior, config)` (opentofu objchange.go: a computed attribute with a null config
  keeps the prior value; nested attributes are matched field by field, list elements by index).

Not modelled: provider_config (the program never sets it; its plan modifier copies the state on
update), effective_warehouse_id's meaning (computed: it only ever keeps the prior value).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound

Mode = Literal["required", "optional", "computed"]
UPDATE_MASK = "anomaly_detection_config,data_profiling_config"
BASE = "/api/data-quality/v1/monitors"


@dataclass(frozen=True)
class Attr:
    """A scalar or list-of-scalars attribute."""

    mode: Mode
    is_list: bool = False


@dataclass(frozen=True)
class Nested:
    """A SingleNestedAttribute (`is_list` False) or ListNestedAttribute; `force_send` when the Go
    SDK struct has ForceSendFields (zero values present in the answer are kept)."""

    mode: Mode
    children: Mapping[str, Attr | Nested]
    is_list: bool = False
    force_send: bool = False
    keep_empty: tuple[str, ...] = ()  # lists SyncFields* keep empty from the plan/prior state


_DESTINATION = Nested(
    "optional", {"email_addresses": Attr("optional", True)}, keep_empty=("email_addresses",)
)
_PROFILING = Nested(
    "optional",
    {
        "assets_dir": Attr("optional"),
        "baseline_table_name": Attr("optional"),
        "custom_metrics": Nested(
            "optional",
            {
                "definition": Attr("required"),
                "input_columns": Attr("required", True),
                "name": Attr("required"),
                "output_data_type": Attr("required"),
                "type": Attr("required"),
            },
            is_list=True,
        ),
        "dashboard_id": Attr("computed"),
        "drift_metrics_table_name": Attr("computed"),
        "effective_warehouse_id": Attr("computed"),
        "inference_log": Nested(
            "optional",
            {
                "granularities": Attr("required", True),
                "label_column": Attr("optional"),
                "model_id_column": Attr("required"),
                "prediction_column": Attr("required"),
                "problem_type": Attr("required"),
                "timestamp_column": Attr("required"),
            },
            force_send=True,
        ),
        "latest_monitor_failure_message": Attr("computed"),
        "monitor_version": Attr("computed"),
        "monitored_table_name": Attr("computed"),
        "notification_settings": Nested("optional", {"on_failure": _DESTINATION}),
        "output_schema_id": Attr("required"),
        "profile_metrics_table_name": Attr("computed"),
        "schedule": Nested(
            "optional",
            {
                "pause_status": Attr("computed"),
                "quartz_cron_expression": Attr("required"),
                "timezone_id": Attr("required"),
            },
        ),
        "skip_builtin_dashboard": Attr("optional"),
        "slicing_exprs": Attr("optional", True),
        "snapshot": Nested("optional", {}),
        "status": Attr("computed"),
        "time_series": Nested(
            "optional",
            {"granularities": Attr("required", True), "timestamp_column": Attr("required")},
        ),
        "warehouse_id": Attr("optional"),
    },
    force_send=True,
    keep_empty=("custom_metrics", "slicing_exprs"),
)
SCHEMA = Nested(
    "required",
    {
        "anomaly_detection_config": Nested(
            "optional",
            {"excluded_table_full_names": Attr("optional", True)},
            keep_empty=("excluded_table_full_names",),
        ),
        "data_profiling_config": _PROFILING,
        "object_id": Attr("required"),
        "object_type": Attr("required"),
    },
)


def pulumi_name(tf_name: str) -> str:
    """TF snake_case to the Pulumi property name (camelCase)."""
    head, *rest = tf_name.split("_")
    return head + "".join(part.title() for part in rest)


def tf_name(name: str) -> str:
    """A Pulumi property name back to TF snake_case."""
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


# ---- the answer -> state (converters/go_to_tf.go, then SyncFields*) ------------------------------


def _decode(node: Attr | Nested, value: Any, present: bool, force_send: bool) -> Any:
    if isinstance(node, Attr):
        if node.is_list:
            return None if value is None else list(value)
        if value is None or (value in ("", False, 0) and not (force_send and present)):
            return None
        return value
    if value is None:
        return None
    if node.is_list:
        return [_decode_object(node, element) for element in value]
    return _decode_object(node, value)


def _decode_object(node: Nested, answer: Mapping[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for name, child in node.children.items():
        decoded = _decode(child, answer.get(name), name in answer, node.force_send)
        if decoded is not None:
            state[pulumi_name(name)] = decoded
    return state


def _sync(node: Nested, state: dict[str, Any], source: Mapping[str, Any] | None) -> None:
    """SyncFieldsDuringRead / SyncFieldsDuringCreateOrUpdate: an empty list in `source` (the
    prior state, or the plan) is kept where the answer has none; nested objects recursively."""
    if not source:
        return
    for name, child in node.children.items():
        key = pulumi_name(name)
        if name in node.keep_empty and source.get(key) == [] and state.get(key) is None:
            state[key] = []
        if isinstance(child, Nested) and isinstance(state.get(key), dict):
            nested_source = source.get(key)
            _sync(child, state[key], nested_source if isinstance(nested_source, Mapping) else None)


def state_from_answer(answer: Mapping[str, Any], source: Mapping[str, Any] | None) -> dict:
    """The state after any operation: the answer converted, then synced with `source`."""
    state = _decode_object(SCHEMA, answer)
    _sync(SCHEMA, state, source)
    return state


# ---- inputs -> request bodies (converters/tf_to_go.go + Go SDK marshal) --------------------------


def _strip_computed(node: Nested, value: Mapping[str, Any]) -> dict[str, Any]:
    """The plan's config values only: computed attributes are unknown in a changed plan
    (plugin framework `MarkComputedNilsAsUnknown`) and unknowns are not sent."""
    body: dict[str, Any] = {}
    for name, child in node.children.items():
        item = value.get(pulumi_name(name))
        if item is None or child.mode == "computed":
            continue
        if isinstance(child, Nested):
            item = (
                [_strip_computed(child, element) for element in item]
                if child.is_list
                else _strip_computed(child, item)
            )
        elif child.is_list and item == []:
            continue  # Go `omitempty`: an empty slice is not sent
        body[name] = item
    return body


def request_body(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The Monitor the provider sends on create and update."""
    return _strip_computed(SCHEMA, inputs)


# ---- the next plan (bridge DiffWithContext + ProposedNew) ----------------------------------------


def apply_ignore_changes(
    state: Mapping[str, Any], inputs: Mapping[str, Any], paths: Iterable[str]
) -> dict[str, Any]:
    """propertyvalue.ApplyIgnoreChanges for dotted paths: the prior state's value, or absent."""
    result: dict[str, Any] = _copy(inputs)
    for path in paths:
        parts = path.split(".")
        src: Any = state
        dst: Any = result
        for part in parts[:-1]:
            if not (isinstance(src, Mapping) and isinstance(dst, dict)):
                break
            if part not in src or part not in dst:
                break
            src, dst = src[part], dst[part]
        else:
            last = parts[-1]
            if isinstance(src, Mapping) and isinstance(dst, dict):
                if last in src:
                    dst[last] = src[last]
                else:
                    dst.pop(last, None)
    return result


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _proposed(node: Attr | Nested, prior: Any, config: Any) -> Any:
    if node.mode == "computed" and config is None:
        return prior
    if isinstance(node, Attr) or config is None or prior is None:
        return config
    if node.is_list:
        return [
            _proposed_object(node, prior[i], c) if i < len(prior) else c
            for i, c in enumerate(config)
        ]
    return _proposed_object(node, prior, config)


def _proposed_object(node: Nested, prior: Mapping[str, Any], config: Mapping[str, Any]) -> Any:
    planned = {}
    for name, child in node.children.items():
        key = pulumi_name(name)
        value = _proposed(child, prior.get(key), config.get(key))
        if value is not None:
            planned[key] = value
    return planned


def planned_changes(
    state: Mapping[str, Any], inputs: Mapping[str, Any], ignore_changes: Iterable[str] = ()
) -> list[str]:
    """The top-level properties whose planned value differs from the state; [] = no update."""
    config = apply_ignore_changes(state, inputs, ignore_changes)
    planned = _proposed_object(SCHEMA, state, config)
    return sorted(
        pulumi_name(name)
        for name in SCHEMA.children
        if state.get(pulumi_name(name)) != planned.get(pulumi_name(name))
    )


# ---- the provider's operations against a (fake) workspace, through the real SDK ------------------


@dataclass
class BridgedDataQualityMonitors:
    """The DataQualityMonitor resource's Create/Read/Update/Delete as the provider runs them,
    through the real databricks-sdk `ApiClient` to the endpoints databricks-sdk-go calls."""

    client: WorkspaceClient
    requests: list[tuple[str, str, dict[str, Any] | None]] = field(default_factory=list)

    def _call(
        self, method: str, path: str, body: dict[str, Any] | None = None, query: Any = None
    ) -> Any:
        self.requests.append((method, path, body))
        return self.client.api_client.do(method, path, body=body, query=query)

    @staticmethod
    def _path(state: Mapping[str, Any]) -> str:
        return f"{BASE}/{state['objectType']}/{state['objectId']}"

    def create(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """`pulumi up` creating the monitor: the state recorded afterwards."""
        answer = self._call("POST", BASE, request_body(inputs))
        return state_from_answer(answer, inputs)

    def read(self, prior: Mapping[str, Any]) -> dict[str, Any] | None:
        """`pulumi refresh`: the state afterwards, None if the monitor is gone."""
        try:
            answer = self._call("GET", self._path(prior))
        except NotFound:
            return None
        return state_from_answer(answer, prior)

    def import_(self, object_type: str, object_id: str) -> dict[str, Any]:
        """`pulumi import` with ID `object_type,object_id`: ImportState, then Read."""
        state = self.read({"objectType": object_type, "objectId": object_id})
        assert state is not None, "import of a monitor that does not exist"
        return state

    def update(self, prior: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
        """`pulumi up` updating the monitor in place: the state recorded afterwards."""
        answer = self._call(
            "PATCH", self._path(inputs), request_body(inputs), {"update_mask": UPDATE_MASK}
        )
        return state_from_answer(answer, inputs)

    def up(
        self,
        prior: Mapping[str, Any],
        inputs: Mapping[str, Any],
        ignore_changes: Iterable[str] = (),
    ) -> tuple[list[str], dict[str, Any]]:
        """One `pulumi up` of an existing monitor: (the properties it updated, the state after).

        The update sends the plan: the inputs with ignored paths taken from the state."""
        changes = planned_changes(prior, inputs, ignore_changes)
        if not changes:
            return changes, dict(prior)
        plan = apply_ignore_changes(prior, inputs, ignore_changes)
        return changes, self.update(prior, plan)
