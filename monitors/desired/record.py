"""The previous deployment's record: the stack outputs the program writes and reads back.

The program exports each monitor's structure (`monitor_structure`: one compact JSON string per
monitor, always plain values) and each monitor's resource outputs (`monitors`), and reads both
back next run through a StackReference to its own stack. This module owns the output names, the
entry format both ways, and what counts as unreadable.

What the engine records, and so what the reader must expect (pulumi `pkg/resource/deploy`):
- a successful deployment records every output as sent;
- a failed one records them only if the program got to register them (with `--continue-on-error`,
  or when the failure came after the program finished), merged key by key over the old outputs
  (`stepExecutor.executeRegisterResourceOutputs`); a monitor whose registration failed then has
  its resource outputs recorded as unknown (the Python SDK resolves a failed registration's
  outputs as unknown, `runtime/resource.py` `register_resource`), which a StackReference reads
  back as None in an update and as `Unknown` in a preview.
So `monitor_structure` says what the last run asked for, and a monitor's `monitors` entry
having its `table_name` says that run's registration of it completed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    OnErrorOmit,
    Strict,
    StrictStr,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import ErrorDetails, PydanticCustomError
from typing_extensions import TypedDict

from monitors.declared.models import METRIC_TYPES, PROFILE_TYPES
from monitors.declared.problems import field_path
from monitors.desired.replacement import MetricShape, Structure
from monitors.errors import Problem, RecordError
from monitors.naming import API_LEGACY, APIS, ApiName

STRUCTURE_OUTPUT = "monitor_structure"
MONITORS_OUTPUT = "monitors"
# Written only by a stack with schema-level anomaly detection on: {schema_name, ...}.
ANOMALY_OUTPUT = "anomaly_detection"
_WHERE = f"stack output '{STRUCTURE_OUTPUT}'"
FIX_HINT = (
    "Nothing was registered. If you cannot restore the output, remove that monitor's entry "
    f"from '{STRUCTURE_OUTPUT}' (`pulumi stack export --file state.json`, edit the stack "
    "resource's outputs, `pulumi stack import --file state.json`): the monitor's history then "
    "counts as unknown, so it is never replaced and the next run rebuilds its record."
)


def entry(structure: Structure) -> str:
    """One monitor's record entry: compact JSON, the flags only when set.

    One string per monitor: hundreds of monitors' structures cross the engine twice per run
    (exported, then read back), and nested values cost far more to serialise. Records written
    before the flags existed read the same. `api` is written only for a monitor registered
    through another backend than the legacy one: absent means legacy, so a legacy stack's record
    is byte for byte what it was before backends existed. The monitored table is not written:
    the `monitors` output already holds it (`recorded_table_names`).
    """
    data: dict[str, Any] = {
        "profile_type": structure.profile_type,
        "assets_dir": structure.assets_dir,
        "warehouse_id": structure.warehouse_id,
        "skip_builtin_dashboard": structure.skip_builtin_dashboard,
        "reset_token": structure.reset_token,
        "generation": structure.generation,
        "metrics": {
            name: [m.type, list(m.input_columns), m.output_type, m.definition_digest]
            for name, m in structure.metrics.items()
        },
    }
    if structure.resetting:
        data["resetting"] = True
    if structure.no_trigger:
        data["no_trigger"] = True
    if structure.first_trigger:
        data["first_trigger"] = True
    if structure.api != API_LEGACY:
        data["api"] = structure.api
    return json.dumps(data, separators=(",", ":"))


# ---------------------------------------------------------------------------- reading an entry

_NON_EMPTY = Field(min_length=1)
_Text = Annotated[str, _NON_EMPTY]
if TYPE_CHECKING:  # the choices are the tuples: one owner each
    _ProfileType = str
    _MetricType = str
else:
    _ProfileType = Literal[PROFILE_TYPES]
    _MetricType = Literal[METRIC_TYPES]
_SHAPE = "must be [type, input_columns, output_type, definition_digest]"


def _four_values(value: Any) -> Any:
    """A metric is written as a list of exactly four values: anything else is refused whole."""
    if isinstance(value, list) and len(value) == 4:
        return value
    raise PydanticCustomError("metric_shape", _SHAPE)


_Metric = Annotated[
    tuple[_MetricType, Annotated[list[_Text], _NON_EMPTY], _Text, _Text],
    Strict(False),  # a list of four, checked just above
    BeforeValidator(_four_values),
]


class RecordEntry(BaseModel):
    """One monitor's `monitor_structure` entry, exactly as `entry` writes it: strict, so a wrong
    type is refused (a whole number is never a boolean or text, a flag never 0 or "false")."""

    model_config = ConfigDict(strict=True, extra="forbid")

    profile_type: _ProfileType
    assets_dir: _Text
    warehouse_id: _Text | None = None
    skip_builtin_dashboard: bool = False
    metrics: dict[_Text, _Metric]
    reset_token: _Text | None = None
    # Absent: the monitor's history is unknown (`monitors.desired.replacement.decide`).
    generation: Annotated[int, Field(ge=0)] | None = None
    resetting: bool = False
    no_trigger: bool = False
    first_trigger: bool = False
    api: ApiName = API_LEGACY


# The order the record's problems are reported in, one at a time: a missing field, then an
# unknown one, then the fields' values in this order ("metrics.*" is one metric's contents).
_REQUIRED = ("profile_type", "assets_dir", "metrics")
_CHECKED = (
    "profile_type",
    "generation",
    "metrics",
    "api",
    "assets_dir",
    "warehouse_id",
    "skip_builtin_dashboard",
    "metrics.*",
    "reset_token",
    "resetting",
    "no_trigger",
    "first_trigger",
)
# What a field must be, said of the value read (`{!r}`).
_MUST_BE = {
    "profile_type": f"must be one of {list(PROFILE_TYPES)}, got {{!r}}",
    "generation": "must be a whole number >= 0, got {!r}",
    "api": f"must be one of {list(APIS)}, got {{!r}}",
    "assets_dir": "must be a non-empty string, got {!r}",
    "warehouse_id": "must be a non-empty string or null, got {!r}",
    "reset_token": "must be a non-empty string or null, got {!r}",
    "skip_builtin_dashboard": "must be true or false, got {!r}",
    "resetting": "must be true or false, got {!r}",
    "no_trigger": "must be true or false, got {!r}",
    "first_trigger": "must be true or false, got {!r}",
}
# What each of a metric's four values must be (the input columns as a whole: [1]).
_METRIC_MUST_BE = (
    "unknown metric type {!r}",
    "must be a non-empty list, got {!r}",
    "must be a type name, got {!r}",
    "must be a digest, got {!r}",
)
_UNKNOWN = ("extra_forbidden", "invalid_key")  # a key that is not a field, text or not


def _rank(error: ErrorDetails) -> tuple[int, int, str]:
    loc = error["loc"]
    if not loc:
        return (0, 0, "")
    if error["type"] == "missing" and len(loc) == 1:
        return (1, _REQUIRED.index(str(loc[0])), "")
    if error["type"] in _UNKNOWN:
        return (2, 0, str(loc[0]))
    checked = "metrics.*" if loc[0] == "metrics" and len(loc) > 1 else str(loc[0])
    return (3, _CHECKED.index(checked), "")


def _problem(table: str, error: ErrorDetails, data: Any) -> Problem:
    """The first problem of an entry (`data`, as read), in the record's words."""
    loc = error["loc"]
    kind = error["type"]
    if not loc:
        return Problem("", f"must be a JSON object, got {type(data).__name__}", table)
    name = str(loc[0])
    if kind == "missing":
        return Problem(name, "is missing", table)
    if kind in _UNKNOWN:
        return Problem(name, "is not a field of the record", table)
    value = data[name]
    if name != "metrics":
        return Problem(name, _MUST_BE[name].format(value), table)
    if len(loc) == 1:
        return Problem(name, f"must be an object, got {type(value).__name__}", table)
    if loc[-1] == "[key]":
        return Problem(name, f"metric names must be non-empty strings, got {loc[1]!r}", table)
    if len(loc) == 2:
        return Problem(field_path(loc), str(error["msg"]), table)
    position = int(loc[2])
    shown = value[loc[1]][position]
    if len(loc) > 3:
        message = f"input columns must be strings, got {shown!r}"
    else:
        message = _METRIC_MUST_BE[position].format(shown)
    return Problem(field_path(loc[:3]), message, table)


def _refuse(problem: Problem) -> RecordError:
    problem = Problem(
        problem.field, f"{problem.message}; refusing to guess what was deployed", problem.monitor
    )
    return RecordError(f"{problem.describe(_WHERE)}. {FIX_HINT}")


def _validated(table: str, raw: Any) -> RecordEntry:
    """The entry checked by its model; RecordError naming its first problem. Text is read by
    pydantic's JSON reader, and again by `json` only when it is refused, so a message shows the
    values (and a JSON error) as `json` reads them."""
    if isinstance(raw, str):
        try:
            return RecordEntry.model_validate_json(raw)
        except ValidationError:
            pass
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise _refuse(Problem("", f"is not valid JSON ({exc})", table)) from None
    else:
        data = raw
    if isinstance(data, Mapping) and not isinstance(data, dict):
        data = dict(data)
    try:
        return RecordEntry.model_validate(data)
    except ValidationError as exc:
        first = min(exc.errors(), key=_rank)
        raise _refuse(_problem(table, first, data)) from None


def _structure(model: RecordEntry, table_name: str | None = None) -> Structure:
    return Structure(
        profile_type=model.profile_type,
        assets_dir=model.assets_dir,
        warehouse_id=model.warehouse_id,
        skip_builtin_dashboard=model.skip_builtin_dashboard,
        metrics={
            name: MetricShape(kind, tuple(columns), output_type, digest)
            for name, (kind, columns, output_type, digest) in model.metrics.items()
        },
        reset_token=model.reset_token,
        generation=model.generation,
        resetting=model.resetting,
        no_trigger=model.no_trigger,
        first_trigger=model.first_trigger,
        api=model.api,
        table_name=table_name,
    )


def parse_entry(table: str, raw: Any) -> Structure:
    """Read one monitor's entry strictly: any wrong type or value is refused, naming the field.

    A missing `generation` is not an error: it means the monitor's history is unknown (see
    `monitors.desired.replacement.decide`).
    """
    return _structure(_validated(table, raw))


def _read_structures(raw: Any, table_names: Mapping[str, str]) -> dict[str, Structure]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise _refuse(Problem("", f"must be an object of monitors, got {type(raw).__name__}"))
    structures: dict[str, Structure] = {}
    for table, data in raw.items():
        if not isinstance(table, str) or not table:
            raise _refuse(Problem("", f"monitor names must be non-empty strings, got {table!r}"))
        structures[table] = _structure(_validated(table, data), table_names.get(table))
    return structures


def read_last_structures(raw: Any) -> dict[str, Structure]:
    """Parse the last deployment's structure output; an unreadable one stops the run.

    Absent or empty means no monitor has a record (a new stack, or a lost record): every monitor
    then counts as having unknown history. Anything else that is not exactly what `entry`
    writes is refused: guessing could replace a monitor or lift its protection.
    """
    return _read_structures(raw, {})


# ---------------------------------------------------------------------------- lenient outputs


class MonitorOutputs(TypedDict, total=False):
    """What a later run reads of a monitor's `monitors` entry (the provider's answers; its other
    outputs are ignored). A value of another kind is left out: a failed registration leaves
    them unknown (None, or `Unknown` in a preview)."""

    table_name: OnErrorOmit[StrictStr]
    dashboard_id: OnErrorOmit[Annotated[StrictStr, _NON_EMPTY]]
    profile_metrics_table_name: OnErrorOmit[StrictStr]
    drift_metrics_table_name: OnErrorOmit[StrictStr]


class AnomalyOutputs(TypedDict, total=False):
    """What a later run reads of the `anomaly_detection` output; unreadable values left out."""

    schema_name: OnErrorOmit[Annotated[StrictStr, _NON_EMPTY]]
    excluded_table_full_names: OnErrorOmit[Annotated[list[StrictStr], Strict()]]


# An entry that is not an object is left out.
_MONITOR_OUTPUTS = TypeAdapter(dict[Any, OnErrorOmit[MonitorOutputs]])
_ANOMALY_OUTPUTS = TypeAdapter(AnomalyOutputs)


def monitor_outputs(raw: Any) -> dict[Any, MonitorOutputs]:
    """Each monitor's `monitors` entry as far as it is readable ({} when the output is not an
    object): the record only says what the last run's registrations reported."""
    if not isinstance(raw, Mapping):
        return {}
    return _MONITOR_OUTPUTS.validate_python(raw)


def registered_tables(raw: Any) -> set[str]:
    """The monitors whose registration completed in the last run, from its `monitors` output.

    A completed registration exported the resource's `table_name` as a string; a failed one left
    it unknown (None or `Unknown` when read back). Anything unreadable counts as not completed.
    """
    return set(recorded_table_names(raw))


def recorded_table_names(raw: Any) -> dict[str, str]:
    """The table each monitor was on at its last completed registration: its `monitors` entry's
    `table_name` (the provider's answer). Records of every earlier version hold it."""
    return {
        table: outputs["table_name"]
        for table, outputs in monitor_outputs(raw).items()
        if "table_name" in outputs
    }


@dataclass(frozen=True)
class LastDeployment:
    """What the program knows of its last deployment: per monitor, what it asked for, and
    whether that registration completed."""

    structures: dict[str, Structure] = field(default_factory=dict)
    registered: set[str] = field(default_factory=set)
    # The schema the last run's anomaly detection monitor watched (None: it had none).
    anomaly_schema: str | None = None
    # The exclusions it sent, in order (None: none recorded, or unreadable).
    anomaly_excluded: tuple[str, ...] | None = None

    def applied(self, table: str) -> bool:
        """True when the last run's registration of `table` completed."""
        return table in self.registered


def read_last_deployment(outputs: Mapping[str, Any] | None) -> LastDeployment:
    """Read the stack's own last outputs (as its StackReference serves them)."""
    outputs = outputs or {}
    names = recorded_table_names(outputs.get(MONITORS_OUTPUT))
    return LastDeployment(
        _read_structures(outputs.get(STRUCTURE_OUTPUT), names),
        set(names),
        anomaly_schema(outputs.get(ANOMALY_OUTPUT)),
        anomaly_excluded(outputs.get(ANOMALY_OUTPUT)),
    )


def _anomaly_outputs(raw: Any) -> AnomalyOutputs:
    return _ANOMALY_OUTPUTS.validate_python(raw) if isinstance(raw, Mapping) else {}


def anomaly_schema(raw: Any) -> str | None:
    """The schema named by the last run's anomaly detection output, None when it had none; an
    entry without a readable name still counts as deployed (`?`), so removing it is announced."""
    if raw is None:
        return None
    return _anomaly_outputs(raw).get("schema_name", "?")


def anomaly_excluded(raw: Any) -> tuple[str, ...] | None:
    """The exclusions the last run's anomaly detection monitor sent, in order; None when the
    entry holds no readable list."""
    names = _anomaly_outputs(raw).get("excluded_table_full_names")
    return None if names is None else tuple(names)
