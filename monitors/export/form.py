"""An existing monitor's configuration back to the declaration people write (pure).

`monitors export` reads a monitor in the legacy API's form (snake_case keys, enum
values such as `CUSTOM_METRIC_TYPE_AGGREGATE`, StructField JSON output types; the data quality
API's answer is translated to this form first) and writes the friendly form the shipped files
use: `type: aggregate`, `output_data_type: double`, `problem_type: classification`, the
baseline table's short name when it is in the gold schema, and no `schedule` or `notifications`
where the stack's own settings already give the monitor exactly these.

What a declaration cannot say is left out, never guessed: every part the validation would refuse
(a derived metric written with `{{ }}`, an unknown granularity, a sixth email address...) is
dropped, one at a time until the rest validates, and each becomes a `Gap` saying what and why.
A monitor whose profile itself cannot be declared is not exported at all (`NotExpressible`).
Comparing the result's payload with the workspace (`monitors.export.check`) finds the
remaining differences.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from monitors.declared.checks import DERIVED, SERVICE_TEMPLATES
from monitors.declared.datatypes import (
    normalise_output_data_type,
    output_type_label,
    spark_type_name,
    struct_field_json,
)
from monitors.declared.files import printable
from monitors.declared.loader import parse_declaration
from monitors.declared.models import GRANULARITIES, PROFILE_TYPES, MonitorSpec
from monitors.declared.settings import StackSettings
from monitors.errors import DeclarationError, MonitorsError, Problem

# Fields of the answer the declaration does not hold: computed by the service, or stack-level
# (assets_dir, output_schema_name: compared by the payload check), or said in a Gap.
STACK_LEVEL_FIELDS = ("assets_dir", "output_schema_name")
COMPUTED_FIELDS = (
    "table_name",
    "status",
    "monitor_version",
    "profile_metrics_table_name",
    "drift_metrics_table_name",
    "dashboard_id",
    "latest_monitor_failure_msg",
)
DECLARED_FIELDS = (
    *PROFILE_TYPES,
    "baseline_table_name",
    "slicing_exprs",
    "custom_metrics",
    "schedule",
    "notifications",
    "data_classification_config",
)
# Create-only fields the legacy API never returns; used when an answer has them.
CREATE_ONLY_FIELDS = ("warehouse_id", "skip_builtin_dashboard")
# Declaration fields that describe other resources than the monitor (alerts are Databricks SQL
# alerts over its metric tables): export does not read them from the workspace, and keeps them
# from the declaration it overwrites.
KEPT_FIELDS = ("alerts",)
_KNOWN_FIELDS = frozenset(
    (*STACK_LEVEL_FIELDS, *COMPUTED_FIELDS, *DECLARED_FIELDS, *CREATE_ONLY_FIELDS)
)
_METRIC_KEYS = ("name", "type", "input_columns", "definition", "output_data_type")
_PROFILE_KEYS = {
    "time_series": ("timestamp_col", "granularities"),
    "snapshot": (),
    "inference_log": (
        "problem_type",
        "timestamp_col",
        "granularities",
        "prediction_col",
        "model_id_col",
        "label_col",
        "prediction_proba_col",
    ),
}
_EVENTS = ("on_failure", "on_new_classification_tag_detected")
_METRIC_TYPE_PREFIX = "CUSTOM_METRIC_TYPE_"
_PROBLEM_TYPE_PREFIX = "PROBLEM_TYPE_"
PENDING = "MONITOR_STATUS_PENDING"
ACTIVE = "MONITOR_STATUS_ACTIVE"
PAUSED = "PAUSED"
MAX_QUOTED = 200
# Where a refusal points, as `Problem.field` spells it: the part of the declaration to leave out.
_LIST_ITEM = re.compile(r"(custom_metrics|slicing_exprs|alerts)\[(\d+)\]")
_GRANULARITY = re.compile(r"(time_series|inference_log)\.granularities\[(\d+)\]")
_NOTIFICATION = re.compile(r"notifications\.(on_failure|on_new_classification_tag_detected)\b")
_TEMPLATE_NAME = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class Gap:
    """One thing the declaration does not say as the workspace holds it.

    `key` locates it: `("custom_metrics", name[, field])` for one metric, `(field,)` for any
    other field of the payload, which is compared whole. `changes` is True when the first
    `pulumi up` after adopting the monitor would change the monitor there, False for a note.
    """

    key: tuple[str, ...]
    message: str
    changes: bool = True

    @property
    def field(self) -> str:
        """The key as users read fields: `custom_metrics (total_guests).output_data_type`."""
        head, *rest = self.key
        if head == "custom_metrics" and rest:
            return f"custom_metrics ({rest[0]})" + "".join(f".{part}" for part in rest[1:])
        return ".".join(self.key)

    def covers(self, other: Gap) -> bool:
        """True when this gap already explains `other`: it changes the monitor, and its key is a
        prefix of the other's (a left-out metric explains that metric's differences)."""
        return self.changes and other.key[: len(self.key)] == self.key


class NotExpressible(MonitorsError):
    """A monitor no declaration can describe (its profile is not one we can write); the
    message also names what was left out on the way, which may be why."""

    def __init__(self, table: str, problems: Sequence[Problem], left_out: Sequence[Gap]) -> None:
        self.table = table
        self.problems = tuple(problems)
        lines = [f"{p.field}: {p.message}" if p.field else p.message for p in problems]
        lines += [f"{g.field}: {g.message}" for g in left_out if g.changes]
        super().__init__("; ".join(lines))


@dataclass(frozen=True)
class DeclarationForm:
    """A monitor as a declaration: the data (friendly forms, written key order), its validated
    spec, and what was left out or only noted."""

    table: str
    data: dict[str, Any]
    spec: MonitorSpec
    gaps: tuple[Gap, ...]


def quoted(value: object) -> str:
    """A value for a one-line message: text in double quotes (not escaped inside), anything
    else as JSON; control characters escaped, long values cut."""
    shown = f'"{value}"' if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = printable(shown)
    return text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 3] + "..."


# ------------------------------------------------------------------------ friendly forms


def friendly_enum(value: object, prefix: str) -> object:
    """`CUSTOM_METRIC_TYPE_AGGREGATE` (or `AGGREGATE`) -> `aggregate`; validation judges it."""
    if isinstance(value, str):
        return value.removeprefix(prefix).lower()
    return value


def friendly_output_type(value: object) -> object:
    """StructField JSON -> the type name (`double`, `decimal(18,2)`) the model turns back into the
    same JSON; the canonical JSON spelled otherwise stays as held (the model keeps it, so the
    provider sees the same text); a value the model would refuse stays as it is, to be refused."""
    try:
        sent = normalise_output_data_type(value)
    except (ValueError, TypeError):
        return value
    label = output_type_label(sent)
    return label if sent == struct_field_json(spark_type_name(label)) else sent


def friendly_granularity(value: object) -> object:
    """`1 day` as the model spells it when the value is one of ours but for case or spacing."""
    if isinstance(value, str):
        spelled = " ".join(value.split()).lower()
        if spelled in GRANULARITIES:
            return spelled
    return value


def short_table_name(name: object, settings: StackSettings) -> object:
    """A table in the stack's gold schema by its short name (what the payload qualifies back)."""
    prefix = settings.full_table_name("")
    if isinstance(name, str) and name.startswith(prefix) and "." not in name[len(prefix) :]:
        return name[len(prefix) :]
    return name


def suggested_definition(definition: str) -> str:
    """A derived metric's definition with `{{name}}` written bare, as the service reads it."""
    return _TEMPLATE_NAME.sub(
        lambda m: m.group(0) if m.group(1) in SERVICE_TEMPLATES else m.group(1), definition
    )


# ------------------------------------------------------------------------ the declaration


def _ordered(source: Mapping[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    return {key: source[key] for key in keys if source.get(key) is not None}


def _metric(metric: Any) -> Any:
    if not isinstance(metric, Mapping):
        return metric
    data = _ordered(metric, _METRIC_KEYS)
    if "type" in data:
        data["type"] = friendly_enum(data["type"], _METRIC_TYPE_PREFIX)
    if "output_data_type" in data:
        data["output_data_type"] = friendly_output_type(data["output_data_type"])
    data.update({k: v for k, v in metric.items() if k not in _METRIC_KEYS})
    return data


def _profile(kind: str, config: Any) -> Any:
    if not isinstance(config, Mapping):
        return config
    data = _ordered(config, _PROFILE_KEYS[kind])
    if "granularities" in data and isinstance(data["granularities"], list):
        data["granularities"] = [friendly_granularity(g) for g in data["granularities"]]
    if "problem_type" in data:
        data["problem_type"] = friendly_enum(data["problem_type"], _PROBLEM_TYPE_PREFIX)
    data.update({k: v for k, v in config.items() if k not in _PROFILE_KEYS[kind]})
    return data


def _unique(values: list[Any], key: tuple[str, ...], gaps: list[Gap]) -> list[Any]:
    kept: list[Any] = []
    for value in values:
        if value in kept:
            gaps.append(Gap(key, f"{quoted(value)} is listed twice: kept once"))
        else:
            kept.append(value)
    return kept


def _addresses(destination: Any, event: str, gaps: list[Gap]) -> list[Any]:
    """A destination's addresses; other kinds of destination are reported, not dropped quietly."""
    if not isinstance(destination, Mapping):
        return []
    for key, value in destination.items():
        if key != "email_addresses" and value:
            gaps.append(
                Gap(
                    ("notifications",),
                    f"{event}.{key} {quoted(value)} not expressed: "
                    "declarations name email addresses only",
                )
            )
    return list(destination.get("email_addresses") or [])


def _schedule(config: Mapping[str, Any], settings: StackSettings, gaps: list[Gap]) -> Any:
    """The declaration's schedule: none where the stack's own schedule is the monitor's."""
    held = config.get("schedule")
    stack_schedule = settings.schedule
    if not isinstance(held, Mapping):
        if stack_schedule is not None:
            gaps.append(
                Gap(
                    ("schedule",),
                    f"the monitor has no schedule, but stack {settings.stack} schedules every "
                    f"monitor (lakehouse-monitors:schedule "
                    f"{quoted(stack_schedule.model_dump())}): the first `pulumi up` adds it",
                )
            )
        return None
    if held.get("pause_status") == PAUSED:
        gaps.append(
            Gap(
                ("schedule", "pause_status"),
                "the schedule is PAUSED; a declaration cannot say so (the program never sends "
                "pause_status, read-only in the legacy API), and `pulumi up` leaves it paused",
                changes=False,
            )
        )
    wanted = {
        "quartz_cron_expression": held.get("quartz_cron_expression"),
        "timezone_id": held.get("timezone_id"),
    }
    if stack_schedule is None:
        gaps.append(
            Gap(
                ("schedule",),
                f"the monitor refreshes on {quoted(wanted)}, but stack {settings.stack} sets no "
                "lakehouse-monitors:schedule, so none of its monitors is scheduled: the first "
                "`pulumi up` removes this schedule (set lakehouse-monitors:schedule to keep one)",
            )
        )
        return None
    if wanted == stack_schedule.model_dump():
        return None
    return wanted


def _notifications(
    config: Mapping[str, Any], settings: StackSettings, gaps: list[Gap]
) -> dict[str, Any] | None:
    """Declared addresses only where they differ from what the stack gives every monitor."""
    held = config.get("notifications")
    held = held if isinstance(held, Mapping) else {}
    data: dict[str, Any] = {}
    on_failure = _addresses(held.get("on_failure"), "on_failure", gaps)
    if on_failure != list(settings.notification_emails):
        # `[]` means "nobody": the stack's addresses are not used for this monitor.
        data["on_failure"] = {"email_addresses": on_failure}
    tagged = _addresses(
        held.get("on_new_classification_tag_detected"), "on_new_classification_tag_detected", gaps
    )
    if tagged:
        data["on_new_classification_tag_detected"] = {"email_addresses": tagged}
    for key in held:
        if key not in _EVENTS:
            gaps.append(
                Gap(("notifications",), f"{quoted(key)} not expressed: unknown to this program")
            )
    return data or None


def declaration_data(
    table: str, config: Mapping[str, Any], settings: StackSettings
) -> tuple[dict[str, Any], list[Gap]]:
    """The declaration of `table`'s monitor, friendly forms restored, before validation."""
    gaps: list[Gap] = []
    data: dict[str, Any] = {}
    for kind in PROFILE_TYPES:
        if kind in config:
            data[kind] = _profile(kind, config[kind])
    baseline = config.get("baseline_table_name")
    if baseline:
        data["baseline_table_name"] = short_table_name(baseline, settings)
    slicing = config.get("slicing_exprs")
    if isinstance(slicing, list) and slicing:
        data["slicing_exprs"] = _unique(slicing, ("slicing_exprs",), gaps)
    metrics = config.get("custom_metrics")
    if isinstance(metrics, list) and metrics:
        data["custom_metrics"] = [_metric(m) for m in metrics]
    schedule = _schedule(config, settings, gaps)
    if schedule is not None:
        data["schedule"] = schedule
    notifications = _notifications(config, settings, gaps)
    if notifications is not None:
        data["notifications"] = notifications
    if config.get("data_classification_config") is not None:
        data["data_classification_config"] = config["data_classification_config"]
    skips, note = _dashboard(config)
    if skips:
        data["skip_builtin_dashboard"] = True
    gaps += note
    gaps += _warehouse(config, settings)
    gaps += _notes(config)
    for key in config:
        if key not in _KNOWN_FIELDS:
            gaps.append(Gap((str(key),), "not expressed: a field unknown to this program"))
    return data, gaps


def _dashboard(config: Mapping[str, Any]) -> tuple[bool, list[Gap]]:
    """Whether the monitor skips the built-in dashboard, which the API never returns: a monitor
    past PENDING without a dashboard was created without one. The program ignores changes to
    this create-only setting outside a replace, so a wrong guess changes nothing until then."""
    key = ("skip_builtin_dashboard",)
    if isinstance(config.get(key[0]), bool):  # returned after all (the data quality API may)
        return bool(config[key[0]]), []
    if config.get("dashboard_id"):
        return False, []
    if config.get("status") == PENDING:
        return False, [
            Gap(
                key,
                "the monitor is still initialising and has no dashboard yet, so whether it "
                "skips the built-in dashboard cannot be told (the API never returns the "
                "setting): written as not skipping; export it again once it is ACTIVE",
                changes=False,
            )
        ]
    return True, [
        Gap(
            key,
            "true because the monitor has no dashboard (the API never returns the setting)",
            changes=False,
        )
    ]


def _warehouse(config: Mapping[str, Any], settings: StackSettings) -> list[Gap]:
    """A returned warehouse the stack does not set: create-only, so nothing changes until a
    replace, which would use the stack's."""
    held = config.get("warehouse_id")
    if not held or held == settings.warehouse_id:
        return []
    wanted = settings.warehouse_id or "none (the first running warehouse)"
    return [
        Gap(
            ("warehouse_id",),
            f"the monitor uses SQL warehouse {quoted(held)}, stack {settings.stack} sets "
            f"{wanted} (lakehouse-monitors:warehouseId): create-only, so `pulumi up` leaves it; "
            "a replace or reset would use the stack's",
            changes=False,
        )
    ]


def _notes(config: Mapping[str, Any]) -> list[Gap]:
    gaps = []
    failure = config.get("latest_monitor_failure_msg")
    if failure:
        gaps.append(
            Gap(
                ("latest_monitor_failure_msg",),
                f"the monitor reports a failure ({quoted(failure)}): the provider reads this "
                "message as a setting, so the next `pulumi up` plans an update to clear it; no "
                "declaration can prevent that",
            )
        )
    status = config.get("status")
    if status and status not in (ACTIVE, PENDING):
        gaps.append(
            Gap(
                ("status",),
                f"the monitor's status is {status}: exported as configured; check it with "
                "`monitors verify` once adopted",
                changes=False,
            )
        )
    return gaps


# ------------------------------------------------------------------------ leaving out refusals


@dataclass(frozen=True)
class _Part:
    """A part of the declaration a refusal points at, which can be left out."""

    path: tuple[str | int, ...]  # where it is in the data
    key: tuple[str, ...]  # the Gap's key


def _part_of(problem: Problem, data: Mapping[str, Any]) -> _Part | None:
    field = problem.field
    found = _LIST_ITEM.match(field)
    if found:
        name, index = found.group(1), int(found.group(2))
        if name == "custom_metrics":
            metric = data["custom_metrics"][index]
            label = metric.get("name") if isinstance(metric, Mapping) else None
            return _Part((name, index), (name, str(label if label is not None else index)))
        return _Part((name, index), (name,))  # slicing_exprs, alerts: compared whole
    found = _GRANULARITY.match(field)
    if found:
        kind, index = found.group(1), int(found.group(2))
        return _Part((kind, "granularities", index), (kind,))
    found = _NOTIFICATION.match(field)
    if found:
        return _Part(("notifications", found.group(1)), ("notifications",))
    for name in ("schedule", "baseline_table_name", "data_classification_config"):
        if field == name or field.startswith(name + "."):
            return _Part((name,), (name,))
    return None


def _remove(data: dict[str, Any], path: tuple[str | int, ...]) -> None:
    *parents, last = path
    node: Any = data
    for step in parents:
        node = node[step]
    del node[last]
    if parents == ["notifications"] and not node:
        del data["notifications"]  # its last event went: no `notifications: {}` left behind


def _at(data: Mapping[str, Any], path: tuple[str | int, ...]) -> Any:
    node: Any = data
    for step in path:
        node = node[step]
    return node


def _left_out_message(part: _Part, messages: list[str], data: Mapping[str, Any]) -> str:
    """`left out: <why>`, naming the value where the key does not (an expression, an event),
    and for a derived metric written with `{{ }}` the definition the service would take."""
    value = _at(data, part.path)
    why = "; ".join(messages)
    if part.path[0] != "custom_metrics":
        if part.path[0] == "notifications":
            named = str(part.path[-1])
        elif part.path[0] == "alerts" and isinstance(value, Mapping):
            named = f"alert {quoted(value.get('name'))}"
        else:
            named = quoted(value)
        return f"left out: {why}" if len(part.path) == 1 else f"left out {named}: {why}"
    text = f"left out: {why}"
    if isinstance(value, Mapping) and str(value.get("type", "")).upper() in ("DERIVED", DERIVED):
        definition = value.get("definition")
        suggestion = suggested_definition(definition) if isinstance(definition, str) else None
        if suggestion is not None and suggestion != definition:
            text += f". Written for the service it would be {quoted(suggestion)}"
    return text


def declaration_form(
    table: str,
    config: Mapping[str, Any],
    settings: StackSettings,
    file: str,
    kept: Mapping[str, Any] | None = None,
) -> DeclarationForm:
    """The validated declaration of a monitor, parts a declaration cannot say left out;
    `kept` holds the `KEPT_FIELDS` of the declaration being overwritten.

    Raises NotExpressible when a refusal points at nothing that can be left out (the profile).
    """
    data, gaps = declaration_data(table, config, settings)
    for name in KEPT_FIELDS:
        if kept and kept.get(name):
            data[name] = kept[name]
    while True:
        try:
            spec = parse_declaration(table, data, file)
        except DeclarationError as exc:
            parts: dict[tuple[str | int, ...], tuple[_Part, list[str]]] = {}
            for problem in exc.problems:
                part = _part_of(problem, data)
                if part is None:
                    raise NotExpressible(table, exc.problems, gaps) from None
                parts.setdefault(part.path, (part, []))[1].append(problem.message)
            # Deepest and last first, so the indices of what is still to go stay valid.
            for path in sorted(parts, key=lambda p: (len(p), p), reverse=True):
                part, messages = parts[path]
                gaps.append(Gap(part.key, _left_out_message(part, messages, data)))
                _remove(data, path)
            continue
        return DeclarationForm(table, data, spec, tuple(gaps))
