"""What an update of the schema-level anomaly detection monitor does to its schema alert (pure).

The schema alert (who is told when anomaly detection finds unhealthy tables; "Manage alerts" in
the Data Quality Monitoring UI) is `anomaly_detection_config.notification_settings` of the schema
monitor. An update whose mask names `anomaly_detection_config` replaces its recipients with the
request's, and a request without them removes the alert (databricks-sdk 0.162
`service/dataquality.py` `AnomalyDetectionConfig.notification_settings`). The provider updates
with `update_mask=anomaly_detection_config,data_profiling_config` (terraform-provider-databricks
`data_quality_monitor/resource_data_quality_monitor.go` `update`) and cannot send recipients
(pulumi-databricks 1.118 `DataQualityMonitorAnomalyDetectionConfigArgs` holds
`excluded_table_full_names` only). So every update of the monitor removes recipients set
outside Pulumi; `plan`, the preview and `verify` say so.
"""

from __future__ import annotations

from collections.abc import Sequence

UPDATE_REMOVES_RECIPIENTS = (
    "every update of this monitor removes its schema alert's recipients set outside Pulumi "
    "(Manage alerts in the Data Quality Monitoring UI): the provider cannot send recipients "
    "(pulumi-databricks 1.118) and updates with a mask that replaces them, so the service "
    "keeps none; set them again after the update"
)


def excluded_change(before: Sequence[str] | None, now: Sequence[str]) -> bool:
    """True when the exclusions sent now differ from those recorded (None: unreadable, so an
    update cannot be ruled out). The provider compares the list in order."""
    return before is None or list(before) != list(now)


def describe_update(schema: str, before: Sequence[str] | None, now: Sequence[str]) -> str:
    """The preview warning for an update of the schema monitor."""
    was = "unknown" if before is None else (", ".join(before) or "none")
    return (
        f"schema anomaly detection of {schema} will be UPDATED (excluded tables: {was} -> "
        f"{', '.join(now) or 'none'}): {UPDATE_REMOVES_RECIPIENTS}."
    )
