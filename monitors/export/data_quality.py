"""Export through the Data Quality Monitoring API: its answer read in the legacy form, and the
check of the data quality payload (pure).

`GET /api/data-quality/v1/monitors/table/{table_id}` answers with a `data_profiling_config`;
`legacy_form` maps it back, field by field, through the inverse of the map the payload uses
(`monitors.desired.payload_dq`), so one writer (`monitors.export.form`) serves both APIs.
Then the declaration's data quality payload (`data_quality_request`, the UUID placeholders
filled with the table's and the stack's output schema's ids) is compared with the answer's
settable fields: what the provider sends and what the next `pulumi up` diffs.

The create-only inputs (`assets_dir`, `warehouse_id`, `skip_builtin_dashboard`) are ignored by
the program outside a replace on this backend (`monitors.desired.deployment`
`CREATE_ONLY_INPUTS`), so a difference there changes nothing: it is a note.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitors.declared.models import MonitorSpec
from monitors.declared.settings import StackSettings
from monitors.desired.payload_dq import (
    COLUMN_FIELDS,
    GRANULARITIES,
    METRIC_TYPE_PREFIX,
    OBJECT_TABLE,
    PROBLEM_TYPE_PREFIX,
    data_quality_request,
    placeholder_name,
)
from monitors.desired.replacement import CREATE_ONLY_FIELDS
from monitors.export.check import MonitorExport, export_monitor
from monitors.export.form import Gap, quoted

STATUS_PREFIX = ("DATA_PROFILING_STATUS_", "MONITOR_STATUS_")
PAUSE_PREFIX = "CRON_SCHEDULE_PAUSE_STATUS_"
# `data_profiling_config` fields the service computes.
COMPUTED = frozenset(
    {
        "dashboard_id",
        "drift_metrics_table_name",
        "effective_warehouse_id",
        "latest_monitor_failure_message",
        "monitor_version",
        "monitored_table_name",
        "profile_metrics_table_name",
        "status",
    }
)
# Create-only fields the program ignores outside a replace on this backend: all of them.
IGNORED_OUTSIDE_A_REPLACE = CREATE_ONLY_FIELDS
_LEGACY_GRANULARITY = {enum: text for text, enum in GRANULARITIES.items()}
_LEGACY_COLUMN = {new: old for old, new in COLUMN_FIELDS.items()}
# data_profiling_config keys under their declaration (legacy) names.
_LEGACY_KEY = {"output_schema_id": "output_schema_name", "notification_settings": "notifications"}


def _renamed(prefixes: tuple[str, str], value: object) -> object:
    """The inverse of the payload's renaming: `DATA_PROFILING_..._AGGREGATE` -> `..._AGGREGATE`."""
    legacy, new = prefixes
    if isinstance(value, str) and value.startswith(new):
        return legacy + value.removeprefix(new)
    return value  # not one the map knows: left for validation to refuse, and reported


def _profile(config: Mapping[str, Any]) -> dict[str, Any]:
    profile: dict[str, Any] = {}
    for key, value in config.items():
        if key == "granularities" and isinstance(value, list):
            profile[key] = [_LEGACY_GRANULARITY.get(g, g) for g in value]
        elif key == "problem_type":
            profile[key] = _renamed(PROBLEM_TYPE_PREFIX, value)
        else:
            profile[_LEGACY_COLUMN.get(key, key)] = value
    return profile


def _output_schema(
    config: Mapping[str, Any], settings: StackSettings, stack_schema_id: str | None
) -> str:
    """The output schema's name: the stack's when the ids agree; else read from the metric
    table's name; else the id itself, which no stack names (reported as a difference)."""
    held = config.get("output_schema_id")
    if held and held == stack_schema_id:
        return settings.output_schema_name
    profile_table = config.get("profile_metrics_table_name")
    if isinstance(profile_table, str) and profile_table.count(".") == 2:
        return profile_table.rsplit(".", 1)[0]
    return f"<schema id {held}>"


def legacy_form(
    answer: Mapping[str, Any], settings: StackSettings, stack_schema_id: str | None
) -> dict[str, Any]:
    """A table monitor's `data_profiling_config` in the legacy API's form (names, enums)."""
    config = answer.get("data_profiling_config") or {}
    legacy: dict[str, Any] = {
        "output_schema_name": _output_schema(config, settings, stack_schema_id)
    }
    for key, value in config.items():
        if key == "output_schema_id":
            continue
        if key == "custom_metrics" and isinstance(value, list):
            legacy[key] = [
                {**m, "type": _renamed(METRIC_TYPE_PREFIX, m.get("type"))}
                if isinstance(m, Mapping)
                else m
                for m in value
            ]
        elif key in ("time_series", "inference_log") and isinstance(value, Mapping):
            legacy[key] = _profile(value)
        elif key == "schedule" and isinstance(value, Mapping):
            legacy[key] = dict(value)
            pause = value.get("pause_status")
            if isinstance(pause, str):
                legacy[key]["pause_status"] = pause.removeprefix(PAUSE_PREFIX)
        elif key == "notification_settings":
            legacy["notifications"] = value
        elif key == "status" and isinstance(value, str):
            legacy[key] = STATUS_PREFIX[1] + value.removeprefix(STATUS_PREFIX[0])
        elif key == "monitored_table_name":
            legacy["table_name"] = value
        elif key in ("latest_monitor_failure_message", "effective_warehouse_id"):
            continue  # computed here: the provider plans no update for them
        else:
            legacy[key] = value
    return legacy


def _filled(value: Any, ids: Mapping[tuple[str, str], str | None]) -> Any:
    """A payload with its UUID placeholders replaced by the ids looked up (kept if unknown)."""
    if isinstance(value, Mapping):
        return {k: _filled(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, ids) for v in value]
    found = placeholder_name(value)
    return (ids.get(found) or value) if found else value


def _settable(config: Mapping[str, Any]) -> dict[str, Any]:
    held = {
        k: v
        for k, v in config.items()
        if k not in COMPUTED and k not in IGNORED_OUTSIDE_A_REPLACE and v is not None
    }
    if isinstance(held.get("schedule"), Mapping):
        held["schedule"] = {k: v for k, v in held["schedule"].items() if k != "pause_status"}
    return held


def dq_payload_differences(
    table: str,
    spec: MonitorSpec,
    settings: StackSettings,
    payload: Mapping[str, Any],
    answer: Mapping[str, Any],
    ids: Mapping[tuple[str, str], str | None],
) -> list[Gap]:
    """Where the declaration's data quality payload differs from the monitor as answered."""
    request = _filled(data_quality_request(table, spec, settings, payload), ids)
    gaps: list[Gap] = []
    if request["object_id"] != answer.get("object_id"):
        gaps.append(
            Gap(("object_id",), f"the monitor is on object {quoted(answer.get('object_id'))}")
        )
    sent = _settable(request["data_profiling_config"])
    held = _settable(answer.get("data_profiling_config") or {})
    for key in sorted(set(sent) | set(held)):
        if sent.get(key) != held.get(key):
            gaps.append(
                Gap(
                    (_LEGACY_KEY.get(key, key),),
                    f"data_profiling_config.{key}: the workspace holds "
                    f"{quoted(held.get(key)) if key in held else 'nothing'}, the declaration "
                    f"sends {quoted(sent.get(key)) if key in sent else 'nothing'}",
                )
            )
    return gaps


def export_dq_monitor(
    table: str,
    answer: Mapping[str, Any],
    settings: StackSettings,
    stack_schema_id: str | None,
    *,
    file: str,
    source: str,
    kept: Mapping[str, Any] | None = None,
) -> MonitorExport:
    """The declaration file of a data quality monitor, checked on its data quality payload;
    `kept` as for `export_monitor`."""
    ids = {
        (OBJECT_TABLE, settings.full_table_name(table)): answer.get("object_id"),
        ("schema", settings.output_schema_name): stack_schema_id,
    }

    def check(spec: MonitorSpec, payload: Mapping[str, Any]) -> list[Gap]:
        return dq_payload_differences(table, spec, settings, payload, answer, ids)

    return export_monitor(
        table,
        legacy_form(answer, settings, stack_schema_id),
        settings,
        file=file,
        source=source,
        ignored=IGNORED_OUTSIDE_A_REPLACE,
        also_check=check,
        kept=kept,
    )
