"""Run the program under Pulumi's mock runtime: for the tests and the benchmark, no CLI needed.

`run_program` evaluates a program function as the engine would (optionally as a preview),
feeding the stack's own last outputs to its StackReference, and records every resource
registration with the options the engine would see (protect, delete-before-replace,
replacement trigger, ignore_changes, hooks), every log message, and the stack outputs.

`failed` names registrations the engine answers as failed, as it does under
`--continue-on-error` (pulumi `source_eval.go` `RegisterResource` returns `Result_FAIL` when the
request supports result reporting); the SDK then resolves that resource's outputs as unknown
(`pulumi/runtime/resource.py` `register_resource`), so stack outputs built from them are unknown.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.output import Unknown
from pulumi.runtime import mocks, rpc, settings
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from monitors.naming import ALERT_RESOURCE_TYPE as ALERT_TYPE
from monitors.naming import DQ_RESOURCE_TYPE, PROJECT_NAME, RESOURCE_TYPE

GET_TABLE = "databricks:index/getTable:getTable"
GET_SCHEMA = "databricks:index/getSchema:getSchema"
GET_TABLES = "databricks:index/getTables:getTables"
# The bridge computes no ID for a DataQualityMonitor (pulumi-databricks bridge-metadata.json
# `computeID: missing`); the mocks give it a constant one, so nothing can key on it.
DQ_MOCK_ID = "missing ID"


def mock_object_id(kind: str, full_name: str) -> str:
    """The UUID the mocks' lookups answer for a table or schema (stable per name)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{kind}:{full_name}"))


@dataclass(frozen=True)
class Registration:
    """One RegisterResourceRequest as the engine would receive it."""

    type: str
    name: str
    inputs: dict[str, Any]
    protect: bool
    delete_before_replace: bool
    replacement_trigger: Any
    hooks: dict[str, list[str]]
    ignore_changes: tuple[str, ...] = ()
    replace_on_changes: tuple[str, ...] = ()
    dependencies: tuple[str, ...] = ()  # URNs, from depends_on and from the inputs' outputs
    property_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class ProgramRun:
    """Everything one evaluation of the program did."""

    registrations: list[Registration] = field(default_factory=list)
    reads: list[tuple[str, str]] = field(default_factory=list)
    infos: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    stack_outputs: dict[str, Any] = field(default_factory=dict)
    failure: BaseException | None = None

    def monitor(self, table: str) -> Registration:
        """The registration of one table's monitor."""
        matches = [r for r in self.registrations if r.name == table]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} registrations named {table!r}")
        return matches[0]

    def alert(self, key: str) -> Registration:
        """The registration of one alert (`table.alert`)."""
        matches = [r for r in self.registrations if r.name == key and r.type == ALERT_TYPE]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} alert registrations named {key!r}")
        return matches[0]

    def alerts(self) -> dict[str, Registration]:
        """Every alert registration by name (`table.alert`)."""
        return {r.name: r for r in self.registrations if r.type == ALERT_TYPE}


class _Mocks(pulumi.runtime.Mocks):
    """Echo inputs as outputs, add plausible provider outputs, answer the table and schema
    lookups, and serve the last outputs."""

    def __init__(
        self,
        last_outputs: Mapping[str, Any],
        provider_outputs: bool,
        invokes: Mapping[str, Mapping[str, Any]] | None = None,
        tables: Collection[str] | None = None,
    ) -> None:
        self.last_outputs = dict(last_outputs)
        self.provider_outputs = provider_outputs
        self.invokes = dict(invokes or {})
        self.tables = None if tables is None else sorted(tables)
        self.names: dict[str, str] = {}  # looked-up UUID -> full name

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.typ == "pulumi:pulumi:StackReference":
            return args.resource_id or args.name, {
                "name": args.inputs.get("name"),
                "outputs": self.last_outputs,
                "secretOutputNames": [],
            }
        state = dict(args.inputs)
        if args.typ == DQ_RESOURCE_TYPE:
            if self.provider_outputs and "dataProfilingConfig" in state:
                state["dataProfilingConfig"] = self._profiling_outputs(
                    state["objectId"], dict(state["dataProfilingConfig"])
                )
            return DQ_MOCK_ID, state
        if self.provider_outputs and args.typ == RESOURCE_TYPE:
            table = state["tableName"]
            short = table.split(".")[-1]
            state.update(
                status="MONITOR_STATUS_ACTIVE",
                dashboardId=f"dashboard-{short}",
                monitorVersion=1,
                profileMetricsTableName=f"{state['outputSchemaName']}.{short}_profile_metrics",
                driftMetricsTableName=f"{state['outputSchemaName']}.{short}_drift_metrics",
            )
        return f"{args.name}-id", state

    def _profiling_outputs(self, object_id: str, config: dict[str, Any]) -> dict[str, Any]:
        """A table monitor's computed `data_profiling_config` fields, as after its create."""
        table = self.names.get(object_id, f"unknown.unknown.{object_id}")
        schema = self.names.get(config.get("outputSchemaId", ""), "unknown.unknown")
        short = table.split(".")[-1]
        return {
            **config,
            "status": "DATA_PROFILING_STATUS_ACTIVE",
            "dashboardId": f"dashboard-{short}",
            "monitorVersion": 1,
            "monitoredTableName": table,
            "profileMetricsTableName": f"{schema}.{short}_profile_metrics",
            "driftMetricsTableName": f"{schema}.{short}_drift_metrics",
        }

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The provider's `get_table` and `get_schema` lookups (terraform-provider-databricks
        catalog/data_table.go: id = table_id; catalog/data_schema.go: id = the full name) and its
        table listing (catalog/data_tables.go `DataSourceTables`: `ids`, the full names of the
        schema's tables, views left out; absent for a schema without tables, as the bridge
        drops an empty `omitempty` list); any other function answers what the test gave for its
        token, or nothing, and no check failures (the SDK's mock monitor iterates them: [] not
        None)."""
        if args.token in self.invokes:
            return dict(self.invokes[args.token]), []
        if args.token == GET_TABLES:
            return self._list_tables(args.args)
        name = str(args.args.get("name", ""))
        if args.token == GET_TABLE:
            table_id = mock_object_id("table", name)
            self.names[table_id] = name
            return {"id": table_id, "name": name, "tableInfo": {"tableId": table_id}}, []
        if args.token == GET_SCHEMA:
            schema_id = mock_object_id("schema", name)
            self.names[schema_id] = name
            return {"id": name, "name": name, "schemaInfo": {"schemaId": schema_id}}, []
        return {}, []

    def _list_tables(self, args: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """`get_tables` of the test's gold tables (`tables=` of `run_program`): the test must
        say which tables the workspace holds, or the invoke fails (as the SDK reports a failed
        invoke: `invoke of <token> failed: <reason>`)."""
        if self.tables is None:
            return {}, [("", "the workspace did not answer (the test gave no tables)")]
        catalog, schema = str(args.get("catalogName")), str(args.get("schemaName"))
        answer: dict[str, Any] = {"id": f"{catalog}.{schema}", "catalogName": catalog}
        answer["schemaName"] = schema
        if self.tables:
            answer["ids"] = [f"{catalog}.{schema}.{t}" for t in self.tables]
        return answer, []


class _RecordingMonitor(mocks.MockMonitor):
    """A mock resource monitor that keeps the options of every registration."""

    def __init__(self, run: ProgramRun, the_mocks: _Mocks) -> None:
        super().__init__(the_mocks)
        self.run = run
        self.failed: set[str] = set()  # registrations the engine answers as failed

    def RegisterResource(self, request: Any) -> Any:
        if request.type != "pulumi:pulumi:Stack":
            trigger = None
            if request.HasField("replacement_trigger"):
                trigger = json_format.MessageToDict(request.replacement_trigger)
            hooks = (
                {
                    name: list(getattr(request.hooks, name))
                    for name in (
                        "before_create",
                        "after_create",
                        "before_update",
                        "after_update",
                        "before_delete",
                        "after_delete",
                    )
                }
                if request.HasField("hooks")
                else {}
            )
            self.run.registrations.append(
                Registration(
                    type=request.type,
                    name=request.name,
                    inputs=rpc.deserialize_properties(request.object),
                    protect=request.protect,
                    delete_before_replace=request.deleteBeforeReplace,
                    replacement_trigger=trigger,
                    hooks={k: v for k, v in hooks.items() if v},
                    ignore_changes=tuple(request.ignoreChanges),
                    replace_on_changes=tuple(request.replaceOnChanges),
                    dependencies=tuple(request.dependencies),
                    property_dependencies={
                        key: tuple(deps.urns)
                        for key, deps in request.propertyDependencies.items()
                        if deps.urns
                    },
                )
            )
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.name in self.failed:
            return resource_pb2.RegisterResourceResponse(
                urn=response.urn, result=resource_pb2.Result.FAIL
            )
        return response

    def ReadResource(self, request: Any) -> Any:
        self.run.reads.append((request.type, request.id))
        return super().ReadResource(request)  # type: ignore[no-untyped-call]


class _ListHandler(logging.Handler):
    def __init__(self, run: ProgramRun) -> None:
        super().__init__(logging.DEBUG)
        self.run = run

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.run.errors.append(record.getMessage())
        elif record.levelno >= logging.WARNING:
            self.run.warnings.append(record.getMessage())
        elif record.levelno >= logging.INFO:
            self.run.infos.append(record.getMessage())


def run_program(
    program: Callable[[], Any],
    *,
    stack: str,
    config: Mapping[str, Any] | None = None,
    last_outputs: Mapping[str, Any] | None = None,
    preview: bool = True,
    provider_outputs: bool = True,
    expect_failure: bool = False,
    failed: Collection[str] = (),
    invokes: Mapping[str, Mapping[str, Any]] | None = None,
    tables: Collection[str] | None = None,
) -> ProgramRun:
    """Evaluate `program` once under mocks and return what it registered, logged and exported.

    With `expect_failure`, the program's exception is kept in `failure` instead of raised, so a
    test can check that nothing was registered before it. `outputs` are the stack outputs as a
    StackReference reads them back in this mode; `stack_outputs` as the engine records them,
    unknown values kept as the state file's placeholder (`rpc.UNKNOWN`, the same string as
    pulumi `pkg/resource/stack/deployment.go` `computedValuePlaceholder`). `tables` are the
    short names of the gold schema's tables the provider's listing answers (pattern templates).
    """
    run = ProgramRun()
    the_mocks = _Mocks(last_outputs or {}, provider_outputs, invokes, tables)
    logger = logging.getLogger(f"{__name__}.{id(run)}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(_ListHandler(run))
    settings.ROOT.set(None)
    monitor = _RecordingMonitor(run, the_mocks)
    monitor.failed = set(failed)
    mocks.set_mocks(
        the_mocks,
        project=PROJECT_NAME,
        stack=stack,
        preview=preview,
        logger=logger,
        monitor=monitor,
        organization="organization",
    )
    pulumi.runtime.set_all_config({k: _config_string(v) for k, v in (config or {}).items()})

    settings.SETTINGS.rpc_manager.clear()
    settings.SETTINGS.outputs.clear()
    try:
        _sync_await(run_pulumi_func(program))
    except Exception as exc:
        if not expect_failure:
            raise
        run.failure = exc
        return run
    root = settings.get_root_resource()
    exported = getattr(root, "outputs", {}) if root is not None else {}
    # Serialise the stack outputs as the runtime does when it records them with the engine
    # (nested Outputs included), then read them back as a StackReference would.
    serialized = _sync_await(rpc.serialize_properties(exported, {}))
    run.outputs = rpc.deserialize_properties(serialized)
    run.stack_outputs = _with_placeholders(rpc.deserialize_properties(serialized, True))
    return run


def _with_placeholders(value: Any) -> Any:
    """Unknown values as the checkpoint stores them: the placeholder string."""
    if isinstance(value, Unknown):
        return rpc.UNKNOWN
    if isinstance(value, dict):
        return {k: _with_placeholders(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_placeholders(v) for v in value]
    return value


def _config_string(value: Any) -> str:
    """Config values as the engine passes them: strings, with objects JSON-encoded."""
    if isinstance(value, str):
        return value
    return json.dumps(value)
