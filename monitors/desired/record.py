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
from dataclasses import dataclass, field, replace
from typing import Any

from monitors.desired.replacement import PROFILE_TYPES, MetricShape, Structure
from monitors.errors import Problem, RecordError
from monitors.naming import API_LEGACY, APIS

STRUCTURE_OUTPUT = "monitor_structure"
MONITORS_OUTPUT = "monitors"
# Written only by a stack with schema-level anomaly detection on: {schema_name, ...}.
ANOMALY_OUTPUT = "anomaly_detection"
_WHERE = f"stack output '{STRUCTURE_OUTPUT}'"
METRIC_TYPES = (
    "CUSTOM_METRIC_TYPE_AGGREGATE",
    "CUSTOM_METRIC_TYPE_DERIVED",
    "CUSTOM_METRIC_TYPE_DRIFT",
)
_REQUIRED = ("profile_type", "assets_dir", "metrics")
_OPTIONAL = (
    "warehouse_id",
    "skip_builtin_dashboard",
    "reset_token",
    "generation",
    "resetting",
    "no_trigger",
    "first_trigger",
    "api",
)
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


def _refuse(table: str | None, field_name: str, message: str) -> RecordError:
    problem = Problem(field_name, f"{message}; refusing to guess what was deployed", table)
    return RecordError(f"{problem.describe(_WHERE)}. {FIX_HINT}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(table: str, data: Mapping[str, Any], key: str, *, optional: bool = False) -> Any:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        expected = "a non-empty string or null" if optional else "a non-empty string"
        raise _refuse(table, key, f"must be {expected}, got {value!r}")
    return value


def _flag(table: str, data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise _refuse(table, key, f"must be true or false, got {value!r}")
    return value


def _metric(table: str, name: Any, value: Any) -> MetricShape:
    where = f"metrics.{name}"
    if not isinstance(name, str) or not name:
        raise _refuse(table, "metrics", f"metric names must be non-empty strings, got {name!r}")
    if not isinstance(value, list) or len(value) != 4:
        raise _refuse(table, where, "must be [type, input_columns, output_type, definition_digest]")
    kind, columns, output_type, digest = value
    if kind not in METRIC_TYPES:
        raise _refuse(table, f"{where}[0]", f"unknown metric type {kind!r}")
    if not isinstance(columns, list) or not columns:
        raise _refuse(table, f"{where}[1]", f"must be a non-empty list, got {columns!r}")
    if not all(isinstance(c, str) and c for c in columns):
        raise _refuse(table, f"{where}[1]", f"input columns must be strings, got {columns!r}")
    if not isinstance(output_type, str) or not output_type:
        raise _refuse(table, f"{where}[2]", f"must be a type name, got {output_type!r}")
    if not isinstance(digest, str) or not digest:
        raise _refuse(table, f"{where}[3]", f"must be a digest, got {digest!r}")
    return MetricShape(kind, tuple(columns), output_type, digest)


def parse_entry(table: str, raw: Any) -> Structure:
    """Read one monitor's entry strictly: any wrong type or value is refused, naming the field.

    A missing `generation` is not an error: it means the monitor's history is unknown (see
    `monitors.desired.replacement.decide`).
    """
    if isinstance(raw, str):
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise _refuse(table, "", f"is not valid JSON ({exc})") from None
    else:
        data = raw
    if not isinstance(data, Mapping):
        raise _refuse(table, "", f"must be a JSON object, got {type(data).__name__}")
    for key in _REQUIRED:
        if key not in data:
            raise _refuse(table, key, "is missing")
    unknown = sorted(str(k) for k in data if k not in _REQUIRED + _OPTIONAL)
    if unknown:
        raise _refuse(table, unknown[0], "is not a field of the record")
    profile = data["profile_type"]
    if profile not in PROFILE_TYPES:
        raise _refuse(
            table, "profile_type", f"must be one of {list(PROFILE_TYPES)}, got {profile!r}"
        )
    generation = data.get("generation")
    if generation is not None and (not _is_int(generation) or generation < 0):
        raise _refuse(table, "generation", f"must be a whole number >= 0, got {generation!r}")
    metrics = data["metrics"]
    if not isinstance(metrics, Mapping):
        raise _refuse(table, "metrics", f"must be an object, got {type(metrics).__name__}")
    api = data.get("api", API_LEGACY)
    if api not in APIS:
        raise _refuse(table, "api", f"must be one of {list(APIS)}, got {api!r}")
    return Structure(
        profile_type=profile,
        assets_dir=_text(table, data, "assets_dir"),
        warehouse_id=_text(table, data, "warehouse_id", optional=True),
        skip_builtin_dashboard=_flag(table, data, "skip_builtin_dashboard"),
        metrics={name: _metric(table, name, value) for name, value in metrics.items()},
        reset_token=_text(table, data, "reset_token", optional=True),
        generation=generation,
        resetting=_flag(table, data, "resetting"),
        no_trigger=_flag(table, data, "no_trigger"),
        first_trigger=_flag(table, data, "first_trigger"),
        api=api,
    )


def read_last_structures(raw: Any) -> dict[str, Structure]:
    """Parse the last deployment's structure output; an unreadable one stops the run.

    Absent or empty means no monitor has a record (a new stack, or a lost record): every monitor
    then counts as having unknown history. Anything else that is not exactly what `entry`
    writes is refused: guessing could replace a monitor or lift its protection.
    """
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise _refuse(None, "", f"must be an object of monitors, got {type(raw).__name__}")
    structures: dict[str, Structure] = {}
    for table, data in raw.items():
        if not isinstance(table, str) or not table:
            raise _refuse(None, "", f"monitor names must be non-empty strings, got {table!r}")
        structures[table] = parse_entry(table, data)
    return structures


def registered_tables(raw: Any) -> set[str]:
    """The monitors whose registration completed in the last run, from its `monitors` output.

    A completed registration exported the resource's `table_name` as a string; a failed one left
    it unknown (None or `Unknown` when read back). Anything unreadable counts as not completed.
    """
    if not isinstance(raw, Mapping):
        return set()
    return {
        table
        for table, outputs in raw.items()
        if isinstance(outputs, Mapping) and isinstance(outputs.get("table_name"), str)
    }


def recorded_table_names(raw: Any) -> dict[str, str]:
    """The table each monitor was on at its last completed registration: its `monitors` entry's
    `table_name` (the provider's answer). Records of every earlier version hold it."""
    if not isinstance(raw, Mapping):
        return {}
    return {
        table: outputs["table_name"]
        for table, outputs in raw.items()
        if isinstance(outputs, Mapping) and isinstance(outputs.get("table_name"), str)
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
    structures = read_last_structures(outputs.get(STRUCTURE_OUTPUT))
    names = recorded_table_names(outputs.get(MONITORS_OUTPUT))
    return LastDeployment(
        {t: replace(s, table_name=names.get(t)) for t, s in structures.items()},
        registered_tables(outputs.get(MONITORS_OUTPUT)),
        anomaly_schema(outputs.get(ANOMALY_OUTPUT)),
        anomaly_excluded(outputs.get(ANOMALY_OUTPUT)),
    )


def anomaly_schema(raw: Any) -> str | None:
    """The schema named by the last run's anomaly detection output, None when it had none; an
    entry without a readable name still counts as deployed (`?`), so removing it is announced."""
    if raw is None:
        return None
    name = raw.get("schema_name") if isinstance(raw, Mapping) else None
    return name if isinstance(name, str) and name else "?"


def anomaly_excluded(raw: Any) -> tuple[str, ...] | None:
    """The exclusions the last run's anomaly detection monitor sent, in order; None when the
    entry holds no readable list."""
    names = raw.get("excluded_table_full_names") if isinstance(raw, Mapping) else None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return None
    return tuple(names)
