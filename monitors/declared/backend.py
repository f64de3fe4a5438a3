"""Which monitor API a stack deploys through, and what the `data_quality` API cannot express.

A stack chooses its backend with `lakehouse-monitors:api`: `legacy` (the default: the Lakehouse
Monitoring API behind `databricks.QualityMonitor`) or `data_quality` (the Data Quality
Monitoring API, `/api/data-quality/v1/monitors`, behind `databricks.DataQualityMonitor`, Public
Preview). The declarations are the same; three of their fields have no counterpart in the new
API's `DataProfilingConfig` (databricks-sdk 0.162 `service/dataquality.py`; pulumi-databricks
1.118 `DataQualityMonitorDataProfilingConfigArgs`), so on that backend they are refused, naming
the file, the monitor and the field, before anything is registered:

- `data_classification_config`: the config has no such field;
- `inference_log.prediction_proba_col`: `InferenceLogConfig` has no probability column;
- `notifications.on_new_classification_tag_detected`: `NotificationSettings` has `on_failure`
  only (the SDK's `on_unhealthy_table` is for schema monitors, and not in the provider).

Also here: the schema-level anomaly detection setting (`anomalyDetection`), which adds one
`DataQualityMonitor` with `object_type: schema` for the gold schema on either backend.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from monitors.declared.identifiers import check_name
from monitors.declared.models import MonitorSpec, unique_entries
from monitors.declared.values import true_or_false
from monitors.errors import Problem
from monitors.naming import API_DATA_QUALITY, CONFIG_NAMESPACE, migrate_command

Api = Literal["legacy", "data_quality"]  # monitors.naming.APIS, as a type
API_SETTING = "api"
MIGRATION_SETTING = "migratingTo"
ANOMALY_SETTING = "anomalyDetection"

NOT_EXPRESSIBLE = "the Data Quality Monitoring API (lakehouse-monitors:api: data_quality) has no"


def unexpressible_fields(spec: MonitorSpec) -> list[Problem]:
    """The fields of a declaration the `data_quality` API cannot express, one Problem each."""
    problems: list[Problem] = []
    if spec.data_classification_config is not None:
        problems.append(
            Problem(
                "data_classification_config",
                f"{NOT_EXPRESSIBLE} data classification: remove the field, or deploy this stack "
                "with the legacy API",
            )
        )
    if spec.inference_log is not None and spec.inference_log.prediction_proba_col is not None:
        problems.append(
            Problem(
                "inference_log.prediction_proba_col",
                f"{NOT_EXPRESSIBLE} prediction probability column: remove the field, or deploy "
                "this stack with the legacy API",
            )
        )
    notifications = spec.notifications
    if notifications is not None and notifications.on_new_classification_tag_detected is not None:
        problems.append(
            Problem(
                "notifications.on_new_classification_tag_detected",
                f"{NOT_EXPRESSIBLE} classification-tag notifications (only on_failure): remove "
                "the field, or deploy this stack with the legacy API",
            )
        )
    return problems


def backend_problems(api: str, table: str, spec: MonitorSpec) -> list[Problem]:
    """What stops `spec` from deploying through `api`, naming the monitor; [] when nothing."""
    if api != API_DATA_QUALITY:
        return []
    return [Problem(p.field, p.message, table) for p in unexpressible_fields(spec)]


ExcludedTable = Annotated[str, AfterValidator(check_name("table name"))]


class AnomalyDetection(BaseModel):
    """`anomalyDetection: {enabled: true, excludedTables: [...]}`: freshness and completeness
    checks on every table of the gold schema but the excluded ones (tables of the gold schema,
    by their short names)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: Annotated[bool, BeforeValidator(true_or_false)]
    """Deploy the schema monitor; `false` or no setting deletes it."""
    excluded_tables: Annotated[list[ExcludedTable], AfterValidator(unique_entries)] = Field(
        default_factory=list, alias="excludedTables"
    )
    """Tables of the gold schema to leave out, by short name. Editing it updates in place."""


def migration_problem(stack: str, api: str, migrating_to: str | None) -> str | None:
    """Why a migration marker contradicts the stack's backend, or None."""
    if migrating_to is None or migrating_to == api:
        return None
    return (
        f"says the stack is migrating to {migrating_to!r}, but {CONFIG_NAMESPACE}:{API_SETTING} "
        f"is {api!r}: finish the migration with `{migrate_command(stack, migrating_to)}`, "
        "or remove this setting"
    )
