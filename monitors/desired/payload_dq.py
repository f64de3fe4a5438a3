"""Declarations to the Data Quality Monitoring API's body (`POST /api/data-quality/v1/monitors`).

Pure, like `monitors.desired.payload`: the body is made FROM the legacy body, so both backends
share every normalisation (metrics sorted by name, the stack's notification and schedule
defaults, qualified baseline names, no empty lists, `skip_builtin_dashboard` only when true) and
differ only in the field map below. Field names, enum values and which fields exist are those of
databricks-sdk 0.162 `service/dataquality.py` (`Monitor`, `DataProfilingConfig`,
`DataProfilingCustomMetric`, `TimeSeriesConfig`, `InferenceLogConfig`, `CronSchedule`,
`NotificationSettings`, `AnomalyDetectionConfig`) and pulumi-databricks 1.118
`DataQualityMonitor*Args` (tests check every key against the installed Args types).

- the table name (in the legacy URL) -> `object_type: table`, `object_id: <table_id of c.s.t>`;
- `output_schema_name: c.s` -> `output_schema_id: <schema_id of c.s>`;
- `custom_metrics[].type` `CUSTOM_METRIC_TYPE_*` -> `DATA_PROFILING_CUSTOM_METRIC_TYPE_*`;
- `time_series` / `inference_log`: `*_col` -> `*_column`, granularities `"1 day"` ->
  `AGGREGATION_GRANULARITY_1_DAY`, `problem_type` `PROBLEM_TYPE_*` -> `INFERENCE_PROBLEM_TYPE_*`;
- `notifications.on_failure` -> `notification_settings.on_failure`;
- `snapshot`, `slicing_exprs`, `baseline_table_name`, `schedule`, `assets_dir`, `warehouse_id`,
  `skip_builtin_dashboard`: the same; all of it inside `data_profiling_config`.

`schedule.pause_status` is not sent: the SDK documents it as "Read only field" and the
provider marks it computed (terraform-provider-databricks `dataquality_tf/model.go`
`CronSchedule.ApplySchemaCustomizations`). The three fields the new API lacks are refused
before this runs (`monitors.declared.backend`); `data_quality_request` refuses them again rather
than drop them silently.

The UUIDs are not known here: the body holds named placeholders (`<table_id of c.s.t>`,
`<schema_id of c.s>`) that `plan` prints and the program replaces with the provider's lookups
(`databricks.get_table` / `get_schema`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitors.declared.backend import unexpressible_fields
from monitors.declared.models import MonitorSpec
from monitors.declared.settings import StackSettings
from monitors.errors import DeclarationError, Problem
from monitors.naming import DECLARATIONS_PATH

ENDPOINT = "POST /api/data-quality/v1/monitors"
OBJECT_TABLE = "table"
OBJECT_SCHEMA = "schema"
METRIC_TYPE_PREFIX = ("CUSTOM_METRIC_TYPE_", "DATA_PROFILING_CUSTOM_METRIC_TYPE_")
PROBLEM_TYPE_PREFIX = ("PROBLEM_TYPE_", "INFERENCE_PROBLEM_TYPE_")
GRANULARITIES: dict[str, str] = {
    "5 minutes": "AGGREGATION_GRANULARITY_5_MINUTES",
    "30 minutes": "AGGREGATION_GRANULARITY_30_MINUTES",
    "1 hour": "AGGREGATION_GRANULARITY_1_HOUR",
    "1 day": "AGGREGATION_GRANULARITY_1_DAY",
    "1 week": "AGGREGATION_GRANULARITY_1_WEEK",
    "2 weeks": "AGGREGATION_GRANULARITY_2_WEEKS",
    "3 weeks": "AGGREGATION_GRANULARITY_3_WEEKS",
    "4 weeks": "AGGREGATION_GRANULARITY_4_WEEKS",
    "1 month": "AGGREGATION_GRANULARITY_1_MONTH",
    "1 year": "AGGREGATION_GRANULARITY_1_YEAR",
}
# Legacy column fields of the profile configs, and their data quality names.
COLUMN_FIELDS: dict[str, str] = {
    "timestamp_col": "timestamp_column",
    "prediction_col": "prediction_column",
    "model_id_col": "model_id_column",
    "label_col": "label_column",
}
# Fields of the legacy body copied as they are into `data_profiling_config`.
SAME_FIELDS: tuple[str, ...] = (
    "assets_dir",
    "slicing_exprs",
    "snapshot",
    "baseline_table_name",
    "schedule",
    "warehouse_id",
    "skip_builtin_dashboard",
)
TABLE_ID_PREFIX = "<table_id of "
SCHEMA_ID_PREFIX = "<schema_id of "


def table_id_placeholder(full_table_name: str) -> str:
    """What the body holds for a table's UUID until the program looks it up."""
    return f"{TABLE_ID_PREFIX}{full_table_name}>"


def schema_id_placeholder(full_schema_name: str) -> str:
    """What the body holds for a schema's UUID until the program looks it up."""
    return f"{SCHEMA_ID_PREFIX}{full_schema_name}>"


def placeholder_name(value: object) -> tuple[str, str] | None:
    """(`table` or `schema`, full name) for a placeholder, None for any other value."""
    if isinstance(value, str) and value.endswith(">"):
        for kind, prefix in ((OBJECT_TABLE, TABLE_ID_PREFIX), (OBJECT_SCHEMA, SCHEMA_ID_PREFIX)):
            if value.startswith(prefix):
                return kind, value[len(prefix) : -1]
    return None


def _renamed(prefixes: tuple[str, str], value: str) -> str:
    old, new = prefixes
    return new + value.removeprefix(old)


def _profile(config: Mapping[str, Any]) -> dict[str, Any]:
    """A time series or inference log config with the new column names and enum values."""
    body: dict[str, Any] = {}
    for key, value in config.items():
        if key == "granularities":
            body[key] = [GRANULARITIES[g] for g in value]
        elif key == "problem_type":
            body[key] = _renamed(PROBLEM_TYPE_PREFIX, value)
        else:
            body[COLUMN_FIELDS[key]] = value
    return body


def data_profiling_config(legacy: Mapping[str, Any]) -> dict[str, Any]:
    """The `data_profiling_config` of a monitor from its legacy body (see the table above)."""
    config: dict[str, Any] = {
        "output_schema_id": schema_id_placeholder(legacy["output_schema_name"])
    }
    for key, value in legacy.items():
        if key in SAME_FIELDS:
            config[key] = value
        elif key == "custom_metrics":
            config[key] = [
                {**metric, "type": _renamed(METRIC_TYPE_PREFIX, metric["type"])} for metric in value
            ]
        elif key in ("time_series", "inference_log"):
            config[key] = _profile(value)
        elif key == "notifications":
            config["notification_settings"] = {"on_failure": value["on_failure"]}
    return dict(sorted(config.items()))


def data_quality_request(
    table: str, spec: MonitorSpec, settings: StackSettings, legacy: Mapping[str, Any]
) -> dict[str, Any]:
    """The monitor's `POST /api/data-quality/v1/monitors` body (snake_case, no nulls), with
    placeholders for the UUIDs; `legacy` is its `monitor_request` body."""
    problems = unexpressible_fields(spec)
    if problems:
        raise DeclarationError(
            f"{DECLARATIONS_PATH}/{table}.yaml",
            [Problem(p.field, p.message, table) for p in problems],
        )
    return {
        "object_type": OBJECT_TABLE,
        "object_id": table_id_placeholder(settings.full_table_name(table)),
        "data_profiling_config": data_profiling_config(legacy),
    }


def anomaly_detection_request(settings: StackSettings) -> dict[str, Any] | None:
    """The schema monitor's body when the stack turns anomaly detection on, else None."""
    anomaly = settings.anomaly_detection
    if anomaly is None or not anomaly.enabled:
        return None
    config: dict[str, Any] = {}
    if anomaly.excluded_tables:
        config["excluded_table_full_names"] = [
            settings.full_table_name(table) for table in anomaly.excluded_tables
        ]
    return {
        "object_type": OBJECT_SCHEMA,
        "object_id": schema_id_placeholder(settings.gold_schema_name),
        "anomaly_detection_config": config,
    }
