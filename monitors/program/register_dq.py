"""The `data_quality` backend's resources: each monitor as a `databricks.DataQualityMonitor`, and
the optional schema-level anomaly detection monitor.

The body comes from `monitors.desired.payload_dq` with named placeholders for the UUIDs the new
API keys objects on; here each placeholder becomes the provider's own lookup, once per name:
`databricks.get_table` (`table_info.table_id`) and `databricks.get_schema`
(`schema_info.schema_id`; the data source's `id` is the schema's full NAME, terraform-provider-
databricks `catalog/data_schema.go` `DataSourceSchema`, so it is never used). Nothing is keyed
on the resource's own ID: the bridge computes none for this type (pulumi-databricks
`bridge-metadata.json`: `computeID: missing`).

Stack outputs keep the legacy shape: `monitors.{table}` holds `table_name`, `status`,
`dashboard_id` and both metric table names, read from the resource's `data_profiling_config`
outputs; `table_name` is derived from the resource's `object_id` output, so a registration that
failed leaves it unknown (recorded as null) exactly as on the legacy backend.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pulumi
import pulumi_databricks as databricks

from monitors.desired.payload_dq import OBJECT_SCHEMA, OBJECT_TABLE, placeholder_name
from monitors.errors import IdLookupError
from monitors.naming import ANOMALY_RESOURCE_NAME, resource_name

# The monitor's outputs that fill its entry of the `monitors` stack output.
PROFILE_OUTPUTS: tuple[str, ...] = (
    "status",
    "dashboard_id",
    "profile_metrics_table_name",
    "drift_metrics_table_name",
)


class Lookups:
    """The provider's lookups of UUIDs by name, each made once per run."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], pulumi.Output[str]] = {}

    def table_id(self, full_name: str) -> pulumi.Output[str]:
        """`databricks.get_table(name=...).table_info.table_id`."""
        key = (OBJECT_TABLE, full_name)
        if key not in self._ids:
            self._ids[key] = databricks.get_table_output(name=full_name).apply(
                lambda result: _uuid(
                    full_name, result.table_info.table_id if result.table_info else None
                )
            )
        return self._ids[key]

    def schema_id(self, full_name: str) -> pulumi.Output[str]:
        """`databricks.get_schema(name=...).schema_info.schema_id`."""
        key = (OBJECT_SCHEMA, full_name)
        if key not in self._ids:
            self._ids[key] = databricks.get_schema_output(name=full_name).apply(
                lambda result: _uuid(
                    full_name, result.schema_info.schema_id if result.schema_info else None
                )
            )
        return self._ids[key]

    def resolve(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """The body with its two UUID placeholders (`object_id`, and the profiling config's
        `output_schema_id`) replaced by their lookups; nothing else is read as a placeholder."""
        body = dict(request)
        body["object_id"] = self._lookup(body["object_id"])
        config = body.get("data_profiling_config")
        if isinstance(config, Mapping):
            body["data_profiling_config"] = {
                **config,
                "output_schema_id": self._lookup(config["output_schema_id"]),
            }
        return body

    def _lookup(self, value: Any) -> Any:
        found = placeholder_name(value)
        if found is None:
            return value
        kind, name = found
        return self.table_id(name) if kind == OBJECT_TABLE else self.schema_id(name)


def _uuid(full_name: str, value: str | None) -> str:
    if not value:
        raise IdLookupError(f"the provider's lookup of {full_name} returned no id")
    return value


def register_monitor(
    table: str,
    full_name: str,
    request: Mapping[str, Any],
    lookups: Lookups,
    opts: pulumi.ResourceOptions,
) -> tuple[databricks.DataQualityMonitor, dict[str, Any]]:
    """Register one table's monitor; the resource and its fields of the `monitors` output."""
    monitor = databricks.DataQualityMonitor(
        resource_name(table), **lookups.resolve(request), opts=opts
    )
    return monitor, monitor_fields(monitor, full_name)


def _config_field(name: str) -> Callable[[Any], Any]:
    return lambda config: getattr(config, name, None) if config is not None else None


def monitor_fields(monitor: databricks.DataQualityMonitor, full_name: str) -> dict[str, Any]:
    """The legacy-shaped output fields of a data quality monitor."""
    config = monitor.data_profiling_config
    fields: dict[str, Any] = {"table_name": monitor.object_id.apply(lambda _: full_name)}
    fields.update({name: config.apply(_config_field(name)) for name in PROFILE_OUTPUTS})
    return fields


def register_anomaly_detection(
    request: Mapping[str, Any],
    lookups: Lookups,
    schema_name: str,
    opts: pulumi.ResourceOptions,
) -> dict[str, Any]:
    """Register the schema monitor; its entry of the `anomaly_detection` stack output (plain
    values: what the next run compares against)."""
    databricks.DataQualityMonitor(ANOMALY_RESOURCE_NAME, **lookups.resolve(request), opts=opts)
    config = request.get("anomaly_detection_config", {})
    return {
        "schema_name": schema_name,
        "excluded_table_full_names": list(config.get("excluded_table_full_names", [])),
    }
