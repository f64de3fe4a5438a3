"""The state pulumi-databricks keeps for a QualityMonitor, and whether the next `up` updates it.

A model of what happens between the monitor API and the Pulumi engine, so tests can say "after
`pulumi refresh` (or `adopt`), the next `pulumi up` plans no update" without a provider plugin.
Versions: the code below is read at terraform-provider-databricks v1.118.0 and is unchanged up
to the newest mirrored commit (684f442, v1.128.0+10: only an acceptance test and the unified
provider's workspace_id handling differ); pulumi-terraform-bridge v3.133.0 (unchanged to
v3.136.0); databricks-sdk-go v0.145.0 (the monitor models unchanged to v0.175.0). The installed
pulumi-databricks 1.118.0 is newer than every mirror: its tags vN bundle the provider's
v(N+22) from v1.90.0 to v1.106.0 (= provider v1.128.0, bridge v3.137.0), so it likely bundles
a provider near v1.140 that no mirror here holds; its generated Python (quality_monitor.py:
the same fields, `id` renamed `monitorId`) matches this model.

Upstream sources followed (TF = terraform-provider-databricks, Go SDK = databricks-sdk-go):
- TF internal/providers/pluginfw/products/qualitymonitor/resource_quality_monitor.go:
  `Schema`, `Create`, `Read`, `Update`, `ImportState` (passthrough of the ID into table_name).
- TF internal/service/catalog_tf/legacy_model.go: `MonitorInfo_SdkV2` and nested
  `ApplySchemaCustomizations` (optional/required/computed; SizeAtMost(1) = MaxItemsOne blocks).
- TF internal/providers/pluginfw/converters/go_to_tf.go `GoSdkToTfSdkStruct`: a zero scalar not
  in ForceSendFields becomes null; a nil pointer or nil slice null; an empty slice an empty
  list; a pointer to a struct a one-element list. tf_to_go.go `TfSdkToGoSdkStruct` and
  `shouldSetForceSendFields`: a non-null scalar is always sent, null is never sent.
- Go SDK marshal/unmarshal.go `Unmarshal`: basic fields present in the JSON are recorded in
  ForceSendFields (only structs that have that field: MonitorInfo, MonitorInferenceLog,
  MonitorDataClassificationConfig); marshal.go: nil or empty slices are never sent;
  service/catalog/model.go: CreateMonitor, UpdateMonitor and MonitorInfo fields.
- bridge pkg/convert/flattened.go: a MaxItemsOne block is a plain object in Pulumi; null and
  `[]` both decode to null and an absent object encodes as `[]`.
- bridge pkg/pf/tfbridge/provider_diff.go `DiffWithContext`: the prior state (the outputs) is
  diffed against `ProposedNew(prior, inputs)` after `ApplyIgnoreChanges(prior, inputs, ...)`;
  pkg/vendored/opentofu/plans/objchange/objchange.go `ProposedNew`: a computed attribute keeps
  the prior value, an optional+computed one too when the input is null, any other attribute
  takes the input; list blocks are matched by index. The bridge's golden files
  pkg/pf/tests/diff_test/testdata/TestPFDetailedDiffList show that for a list attribute
  `[]` against null IS a change (attribute_no_replace/changed_empty_to_null) and for a list
  block it is not (block_no_replace/changed_null_to_empty).

Each field's fate. `rqm:N` is line N of resource_quality_monitor.go at v1.118.0, `lm:N` of
catalog_tf/legacy_model.go there. The state after each operation starts from the GET answer
converted by GoSdkToTfSdkStruct (Create rqm:170-176 after `waitForMonitor` polls GET until
ACTIVE, Read rqm:212-224, Update rqm:281-287), then sets the last three rows' fields itself.

Field                      Mode (source)                      Create / Read / Update store
assetsDir                  required (rqm:88)                  answer / answer / answer
baselineTableName          optional (lm:24028)                answer / answer / answer
customMetrics              optional list block, by index      answer, in the answer's order
                           (lm:24029)
dataClassificationConfig   optional block, max 1 (lm:24031)   answer / answer / answer
inferenceLog               optional block, max 1 (lm:24034)   answer / answer / answer
latestMonitorFailureMsg    optional, NOT computed (lm:24036)  answer / answer / answer
notifications (onFailure,  optional blocks, max 1 (lm:24038)  answer / answer / answer
  onNewClassificationTagDetected: optional emailAddresses list)
outputSchemaName           required (lm:24040)                answer / answer / answer
tableName                  required (lm:24048)                answer / answer / answer
schedule                   optional block, max 1 (lm:24042)   answer / answer / answer
schedule.pauseStatus       computed (rqm:94)                  answer; Update never sends it
                                                              (rqm:261)
slicingExprs               optional list attribute (lm:24044) answer / answer / answer
snapshot, timeSeries       optional blocks, max 1 (lm:24045,  answer / answer / answer
                           lm:24049)
dashboardId                computed (rqm:93)                  answer; Update sends the
                                                              state's value (rqm:250)
status, monitorVersion,    computed (rqm:89-92)               answer / answer / answer
drift-/profileMetricsTableName
monitorId (TF `id`)        optional+computed (rqm:97-98)      tableName (rqm:182) / prior
                                                              tableName (rqm:229) / not set
warehouseId                optional (rqm:95)                  input (rqm:184) / prior if
                                                              non-empty (rqm:230) / prior (rqm:292)
skipBuiltinDashboard       optional (rqm:96)                  input (rqm:185) / prior if true
                                                              (rqm:233) / prior (rqm:293)

(lm:24026-24052 is MonitorInfo_SdkV2.ApplySchemaCustomizations; the resource's `Schema`,
rqm:85-99, then turns the read-only ones computed and every nested attribute into a block.)

So: the GET answer never has warehouse_id or skip_builtin_dashboard; Read keeps a stored
`true`/non-empty value but turns a stored `false` into null; Update copies both from the PRIOR
STATE, not from the inputs, so once null (after a refresh or an import) they stay null until
the monitor is created again; `latestMonitorFailureMsg` is optional but not computed, so a
failure message in the answer differs from an input that does not (cannot: Create:ERR) set it.

Simplifications, each harmless for the monitors this project declares: state objects omit
null attributes (the engine encodes absent and null alike); the providerConfig block is not
modelled (the program never sets it); values in the answer are taken as the Go SDK would
unmarshal them, without enum validation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound

Mode = Literal["required", "optional", "computed", "optional+computed"]


@dataclass(frozen=True)
class Attr:
    """A TF attribute: how ProposedNew treats it, and whether it is a list of primitives."""

    mode: Mode
    is_list: bool = False


@dataclass(frozen=True)
class Block:
    """A TF nested block (`ConfigureAsSdkV2Compatible` turns nested attributes into blocks).

    `max_one` blocks carry listvalidator.SizeAtMost(1) and are flattened to one object by the
    bridge. `force_send` says the Go SDK struct has ForceSendFields (zero values kept on read).
    """

    children: Mapping[str, Attr | Block]
    max_one: bool = True
    force_send: bool = False


_DESTINATION = Block({"email_addresses": Attr("optional", is_list=True)})
# TF field names (snake_case) as in resource_quality_monitor.go `Schema` after customizations.
SCHEMA = Block(
    {
        "assets_dir": Attr("required"),
        "baseline_table_name": Attr("optional"),
        "custom_metrics": Block(
            {
                "definition": Attr("required"),
                "input_columns": Attr("required", is_list=True),
                "name": Attr("required"),
                "output_data_type": Attr("required"),
                "type": Attr("required"),
            },
            max_one=False,
        ),
        "dashboard_id": Attr("computed"),
        "data_classification_config": Block({"enabled": Attr("optional")}, force_send=True),
        "drift_metrics_table_name": Attr("computed"),
        "inference_log": Block(
            {
                "granularities": Attr("required", is_list=True),
                "label_col": Attr("optional"),
                "model_id_col": Attr("required"),
                "prediction_col": Attr("required"),
                "prediction_proba_col": Attr("optional"),
                "problem_type": Attr("required"),
                "timestamp_col": Attr("required"),
            },
            force_send=True,
        ),
        "latest_monitor_failure_msg": Attr("optional"),
        "monitor_version": Attr("computed"),
        "notifications": Block(
            {"on_failure": _DESTINATION, "on_new_classification_tag_detected": _DESTINATION}
        ),
        "output_schema_name": Attr("required"),
        "profile_metrics_table_name": Attr("computed"),
        "schedule": Block(
            {
                "pause_status": Attr("computed"),
                "quartz_cron_expression": Attr("required"),
                "timezone_id": Attr("required"),
            }
        ),
        "slicing_exprs": Attr("optional", is_list=True),
        "snapshot": Block({}),
        "status": Attr("computed"),
        "table_name": Attr("required"),
        "time_series": Block(
            {"granularities": Attr("required", is_list=True), "timestamp_col": Attr("required")}
        ),
        # MonitorInfoExtended's own fields.
        "warehouse_id": Attr("optional"),
        "skip_builtin_dashboard": Attr("optional"),
        "id": Attr("optional+computed"),
    },
    max_one=False,
    force_send=True,
)
# Fields of MonitorInfo (the GET answer): everything but MonitorInfoExtended's own three.
_ANSWER_FIELDS = frozenset(SCHEMA.children) - {"warehouse_id", "skip_builtin_dashboard", "id"}
# Go SDK CreateMonitor / UpdateMonitor body fields (table_name travels in the URL).
_CREATE_FIELDS = frozenset(
    {
        "assets_dir",
        "baseline_table_name",
        "custom_metrics",
        "data_classification_config",
        "inference_log",
        "latest_monitor_failure_msg",
        "notifications",
        "output_schema_name",
        "schedule",
        "skip_builtin_dashboard",
        "slicing_exprs",
        "snapshot",
        "time_series",
        "warehouse_id",
    }
)
_UPDATE_FIELDS = (_CREATE_FIELDS - {"assets_dir", "skip_builtin_dashboard", "warehouse_id"}) | {
    "dashboard_id"
}
# The bridge renames TF `id` (pulumi-databricks provider/resources.go: "id": {Name: "monitorId"}).
_RENAMED = {"id": "monitorId"}


def pulumi_name(tf_name: str) -> str:
    """TF snake_case to the Pulumi property name (camelCase)."""
    if tf_name in _RENAMED:
        return _RENAMED[tf_name]
    head, *rest = tf_name.split("_")
    return head + "".join(part.title() for part in rest)


def _tf_name(name: str) -> str:
    renamed = {v: k for k, v in _RENAMED.items()}
    return renamed.get(name) or re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


# ---- GET answer -> state (converters/go_to_tf.go + bridge decode) -----------------------------


def _decode(node: Attr | Block, value: Any, present: bool, force_send: bool) -> Any:
    """One field of the Go SDK struct as the Pulumi state holds it (None = absent/null)."""
    if isinstance(node, Attr):
        if node.is_list:
            return None if value is None else list(value)
        if value is None or (value in ("", False, 0) and not (force_send and present)):
            return None
        return value
    if value is None:
        return None
    if node.max_one:
        return _decode_object(node, value)
    return [_decode_object(node, element) for element in value]


def _decode_object(block: Block, answer: Mapping[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for name, node in block.children.items():
        decoded = _decode(node, answer.get(name), name in answer, block.force_send)
        if decoded is not None:
            state[pulumi_name(name)] = decoded
    return state


def state_from_answer(answer: Mapping[str, Any]) -> dict[str, Any]:
    """`GoSdkToTfSdkStruct(MonitorInfo)` decoded to Pulumi: the part every operation shares."""
    known = {k: v for k, v in answer.items() if k in _ANSWER_FIELDS}
    return _decode_object(SCHEMA, known)


def created_state(inputs: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
    """`Create`: the answer after the wait, ID = table name, warehouse/skip from the plan."""
    state = state_from_answer(answer)
    state["monitorId"] = state["tableName"]
    for name in ("warehouseId", "skipBuiltinDashboard"):
        if inputs.get(name) is not None:
            state[name] = inputs[name]
    return state


def refreshed_state(prior: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
    """`Read`: the answer, ID = prior table name; warehouse kept if non-empty, skip if true."""
    state = state_from_answer(answer)
    state["monitorId"] = prior["tableName"]
    if prior.get("warehouseId"):
        state["warehouseId"] = prior["warehouseId"]
    if prior.get("skipBuiltinDashboard") is True:
        state["skipBuiltinDashboard"] = True
    return state


def imported_state(table_name: str, answer: Mapping[str, Any]) -> dict[str, Any]:
    """`ImportState` passes the ID through to table_name, then `Read` runs on that alone."""
    return refreshed_state({"tableName": table_name}, answer)


def updated_state(prior: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
    """`Update`: the answer after the wait; warehouse and skip from the PRIOR state; no ID."""
    state = state_from_answer(answer)
    for name in ("warehouseId", "skipBuiltinDashboard"):
        if prior.get(name) is not None:
            state[name] = prior[name]
    return state


# ---- inputs -> request bodies (converters/tf_to_go.go + Go SDK marshal) ----------------------


def _encode(value: Any) -> Any:
    """A Pulumi input value as the Go SDK marshals it: nulls and empty lists are not sent."""
    if isinstance(value, Mapping):
        encoded = {_tf_name(k): _encode(v) for k, v in value.items()}
        return {k: v for k, v in encoded.items() if v is not None and v != []}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


def create_request(inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """`Create`: (table name, POST body): CreateMonitor from the plan."""
    body = {k: v for k, v in _encode(inputs).items() if k in _CREATE_FIELDS}
    return inputs["tableName"], body


def update_request(
    prior: Mapping[str, Any], inputs: Mapping[str, Any]
) -> tuple[str, dict[str, Any]]:
    """`Update`: (table name, PUT body): UpdateMonitor from the plan, dashboard_id from state,
    the schedule's pause_status cleared."""
    body = {k: v for k, v in _encode(inputs).items() if k in _UPDATE_FIELDS}
    if prior.get("dashboardId"):
        body["dashboard_id"] = prior["dashboardId"]
    if "schedule" in body:
        body["schedule"] = {k: v for k, v in body["schedule"].items() if k != "pause_status"}
    return inputs["tableName"], body


# ---- the next plan (bridge DiffWithContext + ProposedNew) -------------------------------------


def _proposed(node: Attr | Block, prior: Any, config: Any) -> Any:
    if isinstance(node, Attr):
        if node.mode == "computed":
            return prior
        if node.mode == "optional+computed" and config is None:
            return prior
        return config
    if node.max_one:
        if config is None or prior is None:
            return config
        return _proposed_object(node, prior, config)
    if not config:
        return config
    return [
        _proposed_object(node, prior[i], c) if prior and i < len(prior) else c
        for i, c in enumerate(config)
    ]


def _proposed_object(block: Block, prior: Mapping[str, Any], config: Mapping[str, Any]) -> Any:
    planned = {}
    for name, node in block.children.items():
        key = pulumi_name(name)
        planned[key] = _proposed(node, prior.get(key), config.get(key))
    return planned


def _same(node: Attr | Block, a: Any, b: Any) -> bool:
    """Equality of two TF values of `node`, absent/null objects and list blocks [] = null."""
    if isinstance(node, Attr):
        return bool(a == b)
    if not node.max_one:
        a, b = a or None, b or None
        if a is None or b is None:
            return a is b
        return len(a) == len(b) and all(_same_object(node, x, y) for x, y in zip(a, b, strict=True))
    if a is None or b is None:
        return a is b
    return _same_object(node, a, b)


def _same_object(block: Block, a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return all(
        _same(node, a.get(pulumi_name(n)), b.get(pulumi_name(n)))
        for n, node in block.children.items()
    )


def planned_changes(
    state: Mapping[str, Any], inputs: Mapping[str, Any], ignore_changes: Iterable[str] = ()
) -> list[str]:
    """The top-level properties whose planned value differs from the state; [] = no update.

    When something differs, the plugin framework also marks computed properties unknown, so
    the engine's list of changed keys grows by those; they never cause an update themselves and
    are left out here.
    """
    config = dict(inputs)
    for name in ignore_changes:  # propertyvalue.ApplyIgnoreChanges: the prior state's value
        config.pop(name, None)
        if name in state:
            config[name] = state[name]
    planned = _proposed_object(SCHEMA, state, config)
    return sorted(
        pulumi_name(n)
        for n, node in SCHEMA.children.items()
        if not _same(node, state.get(pulumi_name(n)), planned.get(pulumi_name(n)))
    )


# ---- the provider's operations against a (fake) workspace, through the real SDK -------------


class MonitorNotActiveError(Exception):
    """`waitForMonitor` gave up: the monitor never became ACTIVE (or went ERROR/FAILED)."""


@dataclass
class BridgedMonitors:
    """The QualityMonitor resource's Create/Read/Update as the provider runs them.

    Requests go through the real databricks-sdk `ApiClient` to the same endpoints the Go SDK
    calls (POST/GET/PUT /api/2.1/unity-catalog/tables/{table}/monitor). `waitForMonitor` polls
    GET until MONITOR_STATUS_ACTIVE (`polls` times here instead of 15 minutes).
    """

    client: WorkspaceClient
    polls: int = 5
    requests: list[tuple[str, str, dict[str, Any] | None]] = field(default_factory=list)

    def _call(self, method: str, table: str, body: dict[str, Any] | None = None) -> Any:
        path = f"/api/2.1/unity-catalog/tables/{table}/monitor"
        self.requests.append((method, table, body))
        return self.client.api_client.do(method, path, body=body)

    def _wait(self, table: str) -> dict[str, Any]:
        for _ in range(self.polls):
            answer = dict(self._call("GET", table))
            if answer.get("status") == "MONITOR_STATUS_ACTIVE":
                return answer
            if answer.get("status") in ("MONITOR_STATUS_ERROR", "MONITOR_STATUS_FAILED"):
                raise MonitorNotActiveError(f"monitor status returned {answer['status']}")
        raise MonitorNotActiveError(f"monitor {table} is still pending")

    def create(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """`pulumi up` creating the monitor: the state recorded afterwards."""
        table, body = create_request(inputs)
        self._call("POST", table, body)
        return created_state(inputs, self._wait(table))

    def read(self, prior: Mapping[str, Any]) -> dict[str, Any] | None:
        """`pulumi refresh`: the state afterwards, None if the monitor is gone."""
        try:
            answer = self._call("GET", prior["tableName"])
        except NotFound:
            return None
        return refreshed_state(prior, answer)

    def import_(self, table_name: str) -> dict[str, Any]:
        """`pulumi import` (what `adopt` runs): the state recorded for an existing monitor."""
        return imported_state(table_name, self._call("GET", table_name))

    def update(self, prior: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
        """`pulumi up` updating the monitor in place: the state recorded afterwards."""
        table, body = update_request(prior, inputs)
        self._call("PUT", table, body)
        return updated_state(prior, self._wait(table))

    def up(
        self,
        prior: Mapping[str, Any],
        inputs: Mapping[str, Any],
        ignore_changes: Iterable[str] = (),
    ) -> tuple[list[str], dict[str, Any]]:
        """One `pulumi up` of an existing monitor: (the properties it updated, the state after)."""
        changes = planned_changes(prior, inputs, ignore_changes)
        return changes, (self.update(prior, inputs) if changes else dict(prior))
