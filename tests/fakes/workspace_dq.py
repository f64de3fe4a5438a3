"""The Data Quality Monitoring API of the fake workspace (`/api/data-quality/v1/monitors`), and
the Unity Catalog schema endpoint its UUIDs come from.

Mixed into `tests.fakes.workspace.FakeWorkspace`. Request and answer shapes follow databricks-sdk
0.162 `service/dataquality.py` (`DataQualityAPI.create_monitor`, `get_monitor`, `update_monitor`,
`delete_monitor`, `create_refresh`, `list_refresh`, `get_refresh`: the paths, the body being the
`Monitor` itself, `update_mask` as a query parameter) and databricks-sdk-go v0.175
`service/dataquality/impl.go` (the same paths and bodies, which the provider uses).

One profile per table: a monitor created through the legacy API is the same object the new API
reads (Databricks docs; the provider's exporter `exporter/impl_dq.go` exports legacy monitors as
data quality monitors). So the fake keeps one store, `monitors` (the legacy shape, by table
name), and the new endpoints translate: `object_id` is the table's `table_id`, the output schema
is named by its `schema_id`, columns are `*_column`, enums are `AGGREGATION_GRANULARITY_*`,
`DATA_PROFILING_CUSTOM_METRIC_TYPE_*`, `INFERENCE_PROBLEM_TYPE_*`, `DATA_PROFILING_STATUS_*`,
`CRON_SCHEDULE_PAUSE_STATUS_*`, `MONITOR_REFRESH_STATE_*`, `MONITOR_REFRESH_TRIGGER_*`. A
create on a table with a monitor (through either API) answers 409, as the legacy API does.

Where nothing upstream says what the service does, the fake takes the stricter side and says so:
- fields a message does not have are refused (400), so a mapping mistake fails a test;
- `assets_dir`, `warehouse_id` and `skip_builtin_dashboard` are kept from the create on PATCH
  (create-only, as on the legacy API); whether GET echoes `warehouse_id` and
  `skip_builtin_dashboard` is `echo_create_only` (default False: not echoed, as on the legacy
  API), so tests can run both ways;
- `create_refresh` on a schema monitor answers 400 (the SDK: "Currently only supported for the
  `table` `object_type`").
A schema monitor's `anomaly_detection_config.notification_settings` is its schema alert (the
one "Manage alerts" edits in the UI). A PATCH whose mask is `*` or `anomaly_detection_config`
(the provider's: `anomaly_detection_config,data_profiling_config`) or names
`anomaly_detection_config.notification_settings` replaces its recipients with the request's;
none in the request removes the alert; other masks leave it (databricks-sdk 0.162
`AnomalyDetectionConfig.notification_settings` docstring).
The provider's Create does not wait for the monitor to become ACTIVE (terraform-provider-databricks
`data_quality_monitor/resource_data_quality_monitor.go` `Create`), so nothing here waits either.
"""

from __future__ import annotations

import uuid
from typing import Any

DQ_BASE = "/api/data-quality/v1/monitors"
_OBJECT = DQ_BASE + r"/(?P<object_type>[^/]+)/(?P<object_id>[^/]+)"
DQ_ROUTES: tuple[tuple[str, str, str], ...] = (
    ("GET", r"/api/2\.1/unity-catalog/schemas/(?P<schema>[^/]+)", "_get_schema"),
    ("POST", DQ_BASE, "_dq_create"),
    ("GET", _OBJECT, "_dq_get"),
    ("PATCH", _OBJECT, "_dq_update"),
    ("DELETE", _OBJECT, "_dq_delete"),
    ("POST", _OBJECT + "/refreshes", "_dq_create_refresh"),
    ("GET", _OBJECT + "/refreshes", "_dq_list_refreshes"),
    ("GET", _OBJECT + r"/refreshes/(?P<refresh_id>\d+)", "_dq_get_refresh"),
    ("POST", _OBJECT + r"/refreshes/(?P<refresh_id>\d+)/cancel", "_dq_cancel_refresh"),
)

GRANULARITIES = {
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
_LEGACY_GRANULARITY = {v: k for k, v in GRANULARITIES.items()}
_COLUMNS = {
    "timestamp_column": "timestamp_col",
    "prediction_column": "prediction_col",
    "model_id_column": "model_id_col",
    "label_column": "label_col",
}
# The fields of each message (databricks-sdk 0.162 dataquality dataclasses).
MONITOR_FIELDS = {"object_type", "object_id", "anomaly_detection_config", "data_profiling_config"}
PROFILING_INPUT_FIELDS = {
    "output_schema_id",
    "assets_dir",
    "baseline_table_name",
    "custom_metrics",
    "inference_log",
    "notification_settings",
    "schedule",
    "skip_builtin_dashboard",
    "slicing_exprs",
    "snapshot",
    "time_series",
    "warehouse_id",
}
PROFILING_OUTPUT_FIELDS = {
    "dashboard_id",
    "drift_metrics_table_name",
    "effective_warehouse_id",
    "latest_monitor_failure_message",
    "monitor_version",
    "monitored_table_name",
    "profile_metrics_table_name",
    "status",
}
METRIC_FIELDS = {"name", "definition", "input_columns", "output_data_type", "type"}
TIME_SERIES_FIELDS = {"timestamp_column", "granularities"}
INFERENCE_FIELDS = {
    "problem_type",
    "timestamp_column",
    "granularities",
    "prediction_column",
    "model_id_column",
    "label_column",
}
SCHEDULE_FIELDS = {"quartz_cron_expression", "timezone_id", "pause_status"}
NOTIFICATION_FIELDS = {"on_failure", "on_unhealthy_table"}
DESTINATION_FIELDS = {"email_addresses", "destination_ids", "destination_user_ids"}
ANOMALY_FIELDS = {"excluded_table_full_names", "notification_settings"}
ANALYSES = ("snapshot", "time_series", "inference_log")
_CREATE_ONLY = ("assets_dir", "warehouse_id", "skip_builtin_dashboard")
# What a PATCH of data_profiling_config replaces as a whole (absent in the body: removed).
_REPLACED_ON_UPDATE = (
    "custom_metrics",
    "slicing_exprs",
    "schedule",
    "notifications",
    "baseline_table_name",
)


def _recipients(settings: Any) -> list[Any]:
    """The schema alert's recipients (`on_unhealthy_table`: destination and user ids)."""
    target = settings.get("on_unhealthy_table") if isinstance(settings, dict) else None
    if not isinstance(target, dict):
        return []
    return [*target.get("destination_ids", []), *target.get("destination_user_ids", [])]


class DataQualityEndpoints:
    """The data quality endpoints; `FakeWorkspace` provides the state and `_api_error`."""

    tables: dict[str, dict[str, Any]]
    monitors: dict[str, dict[str, Any]]
    refreshes: dict[str, list[dict[str, Any]]]
    schemas: dict[str, dict[str, Any]]
    _advance: Any
    _cancel: Any
    schema_monitors: dict[str, dict[str, Any]]
    dq_create_only: dict[str, dict[str, Any]]
    echo_create_only: bool
    query: dict[str, list[str]]
    user_name: str

    # ---- helpers the mixin needs from FakeWorkspace --------------------------------------

    def _api_error(self, status: int, message: str, error_code: str | None = None) -> Exception:
        raise NotImplementedError

    def _create_monitor_locked(self, table: str, body: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _new_refresh(self, table: str, state: str, trigger: str) -> dict[str, Any]:
        raise NotImplementedError

    def _get_monitor(self, body: dict[str, Any], table: str) -> dict[str, Any]:
        raise NotImplementedError

    # ---- seeding ------------------------------------------------------------------------

    def add_schema(self, full_name: str, schema_id: str | None = None) -> dict[str, Any]:
        """Create a schema (`catalog.schema`) with its UUID."""
        catalog, _, name = full_name.partition(".")
        schema = {
            "name": name,
            "catalog_name": catalog,
            "full_name": full_name,
            "schema_id": schema_id or str(uuid.uuid4()),
            "owner": "deployer@example.com",
        }
        self.schemas[full_name] = schema
        return schema

    def add_schema_monitor(
        self, full_name: str, excluded_tables: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """An anomaly detection monitor on a schema (created if new), as `POST
        /api/data-quality/v1/monitors` with `object_type` schema stores it (databricks-sdk 0.162
        `DataQualityAPI.create_monitor`, `AnomalyDetectionConfig.excluded_table_full_names`);
        returns it as GET answers it."""
        schema = self.schemas.get(full_name) or self.add_schema(full_name)
        self.schema_monitors[full_name] = {
            "object_type": "schema",
            "object_id": schema["schema_id"],
            "anomaly_detection_config": {"excluded_table_full_names": list(excluded_tables)},
        }
        return self._schema_view(full_name)

    def table_id_of(self, full_name: str) -> str:
        """The UUID of a table the fake holds."""
        return str(self.tables[full_name]["table_id"])

    # ---- lookups -------------------------------------------------------------------------

    def _get_schema(self, body: dict[str, Any], schema: str) -> dict[str, Any]:
        """`GET /api/2.1/unity-catalog/schemas/{full_name}` (databricks-sdk `SchemasAPI.get`)."""
        if schema not in self.schemas:
            raise self._api_error(
                404, f"Schema '{schema}' does not exist.", "SCHEMA_DOES_NOT_EXIST"
            )
        return dict(self.schemas[schema])

    def _table_by_id(self, object_id: str) -> str:
        for name, table in self.tables.items():
            if table["table_id"] == object_id:
                return name
        raise self._api_error(404, f"Table with id '{object_id}' does not exist.", "NOT_FOUND")

    def _schema_by_id(self, schema_id: str, what: str = "Schema") -> str:
        for name, schema in self.schemas.items():
            if schema["schema_id"] == schema_id:
                return name
        raise self._api_error(404, f"{what} with id '{schema_id}' does not exist.", "NOT_FOUND")

    def _object(self, object_type: str, object_id: str) -> str:
        """The full name of the monitored object; 400 for a type that is neither."""
        if object_type == "table":
            return self._table_by_id(object_id)
        if object_type == "schema":
            return self._schema_by_id(object_id)
        raise self._api_error(400, f"Invalid object_type '{object_type}'.")

    # ---- translation between the one store and the new API -------------------------------

    def _refuse_unknown(self, where: str, value: Any, allowed: set[str]) -> None:
        if not isinstance(value, dict):
            raise self._api_error(400, f"Invalid JSON given in the body: {where} is not an object.")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self._api_error(
                400, f"Invalid JSON given in the body: unknown field '{where}.{unknown[0]}'."
            )

    def _legacy_profile(self, config: dict[str, Any], key: str) -> dict[str, Any]:
        allowed = TIME_SERIES_FIELDS if key == "time_series" else INFERENCE_FIELDS
        self._refuse_unknown(f"data_profiling_config.{key}", config, allowed)
        legacy: dict[str, Any] = {}
        for name, value in config.items():
            if name == "granularities":
                unknown = [g for g in value if g not in _LEGACY_GRANULARITY]
                if unknown:
                    raise self._api_error(400, f"Invalid granularity '{unknown[0]}'.")
                legacy[name] = [_LEGACY_GRANULARITY[g] for g in value]
            elif name == "problem_type":
                if not str(value).startswith("INFERENCE_PROBLEM_TYPE_"):
                    raise self._api_error(400, f"Invalid problem_type '{value}'.")
                legacy[name] = str(value).replace("INFERENCE_", "", 1)
            else:
                legacy[_COLUMNS[name]] = value
        return legacy

    def _legacy_body(self, config: dict[str, Any]) -> dict[str, Any]:
        """A `data_profiling_config` as the legacy store keeps it (400 for what is invalid)."""
        self._refuse_unknown("data_profiling_config", config, PROFILING_INPUT_FIELDS)
        if not config.get("output_schema_id"):
            raise self._api_error(400, "'data_profiling_config.output_schema_id' is required.")
        analyses = [k for k in ANALYSES if k in config]
        if len(analyses) != 1:
            raise self._api_error(
                400, "Exactly one of snapshot, time_series or inference_log must be present."
            )
        body: dict[str, Any] = {
            "output_schema_name": self._schema_by_id(config["output_schema_id"], "Output schema")
        }
        for key, value in config.items():
            if key in ("output_schema_id", "warehouse_id", "skip_builtin_dashboard"):
                continue
            if key == "custom_metrics":
                metrics = []
                for index, metric in enumerate(value):
                    self._refuse_unknown(f"custom_metrics[{index}]", metric, METRIC_FIELDS)
                    kind = str(metric.get("type", ""))
                    if not kind.startswith("DATA_PROFILING_CUSTOM_METRIC_TYPE_"):
                        raise self._api_error(400, f"Invalid custom metric type '{kind}'.")
                    metrics.append({**metric, "type": kind.replace("DATA_PROFILING_", "", 1)})
                body[key] = metrics
            elif key in ("time_series", "inference_log"):
                body[key] = self._legacy_profile(value, key)
            elif key == "schedule":
                self._refuse_unknown("schedule", value, SCHEDULE_FIELDS)
                body[key] = {k: v for k, v in value.items() if k != "pause_status"}
            elif key == "notification_settings":
                self._refuse_unknown("notification_settings", value, NOTIFICATION_FIELDS)
                if "on_failure" in value:
                    self._refuse_unknown("on_failure", value["on_failure"], DESTINATION_FIELDS)
                    body["notifications"] = {"on_failure": value["on_failure"]}
            elif key == "snapshot":
                self._refuse_unknown("snapshot", value, set())
                body[key] = value
            else:
                body[key] = value
        return body

    def _dq_view(self, table: str) -> dict[str, Any]:
        """The one stored monitor of `table`, as `GET /api/data-quality/v1/monitors` answers."""
        stored = self.monitors[table]
        schema = self.schemas.get(stored["output_schema_name"])
        config: dict[str, Any] = {
            "output_schema_id": schema["schema_id"] if schema else "",
            "monitored_table_name": table,
            "status": "DATA_PROFILING_STATUS_" + stored["status"].removeprefix("MONITOR_STATUS_"),
            "monitor_version": stored.get("monitor_version", 0),
        }
        for key, value in stored.items():
            if key in ("assets_dir", "baseline_table_name", "slicing_exprs", "snapshot") or key in (
                "dashboard_id",
                "profile_metrics_table_name",
                "drift_metrics_table_name",
            ):
                config[key] = value
            elif key == "latest_monitor_failure_msg":
                config["latest_monitor_failure_message"] = value
            elif key == "custom_metrics":
                config[key] = [{**m, "type": "DATA_PROFILING_" + m["type"]} for m in value]
            elif key in ("time_series", "inference_log"):
                profile: dict[str, Any] = {}
                for name, field in value.items():
                    if name == "granularities":
                        profile[name] = [GRANULARITIES[g] for g in field]
                    elif name == "problem_type":
                        profile[name] = "INFERENCE_" + field
                    elif name != "prediction_proba_col":  # the new API has no such column
                        profile[{v: k for k, v in _COLUMNS.items()}[name]] = field
                config[key] = profile
            elif key == "schedule":
                config[key] = {
                    **value,
                    "pause_status": "CRON_SCHEDULE_PAUSE_STATUS_" + value["pause_status"],
                }
            elif key == "notifications" and "on_failure" in value:
                config["notification_settings"] = {"on_failure": value["on_failure"]}
        if self.echo_create_only:
            config.update(self.dq_create_only.get(table, {}))
        return {
            "object_type": "table",
            "object_id": self.table_id_of(table),
            "data_profiling_config": config,
        }

    def _schema_view(self, schema: str) -> dict[str, Any]:
        return dict(self.schema_monitors[schema])

    # ---- monitors ---------------------------------------------------------------------------

    def _dq_create(self, body: dict[str, Any]) -> dict[str, Any]:
        """`POST /api/data-quality/v1/monitors`: the body is the `Monitor`."""
        self._refuse_unknown("monitor", body, MONITOR_FIELDS)
        object_type, object_id = body.get("object_type"), body.get("object_id")
        if not object_type or not object_id:
            raise self._api_error(400, "'object_type' and 'object_id' are required.")
        name = self._object(str(object_type), str(object_id))
        if object_type == "schema":
            config = body.get("anomaly_detection_config")
            if config is None or "data_profiling_config" in body:
                raise self._api_error(400, "A schema monitor takes anomaly_detection_config only.")
            self._refuse_unknown("anomaly_detection_config", config, ANOMALY_FIELDS)
            if name in self.schema_monitors:
                raise self._api_error(409, f"Monitor for schema '{name}' already exists.")
            self.schema_monitors[name] = {
                "object_type": "schema",
                "object_id": object_id,
                "anomaly_detection_config": dict(config),
            }
            return self._schema_view(name)
        config = body.get("data_profiling_config")
        if config is None or "anomaly_detection_config" in body:
            raise self._api_error(400, "A table monitor takes data_profiling_config only.")
        legacy = self._legacy_body(config)
        if name in self.monitors:
            raise self._api_error(409, f"Data Monitor '{name}' already exists.")
        # assets_dir is optional here: the service fills a default location (SDK docstring:
        # "Normally prepopulated to a default user location").
        legacy.setdefault("assets_dir", f"/Workspace/Users/{self.user_name}/monitoring/{name}")
        legacy["skip_builtin_dashboard"] = bool(config.get("skip_builtin_dashboard"))
        self._create_monitor_locked(name, legacy)
        self.dq_create_only[name] = {
            k: config[k] for k in ("warehouse_id", "skip_builtin_dashboard") if k in config
        }
        return self._dq_view(name)

    def _dq_get(self, body: dict[str, Any], object_type: str, object_id: str) -> dict[str, Any]:
        name = self._object(object_type, object_id)
        if object_type == "schema":
            if name not in self.schema_monitors:
                raise self._api_error(404, f"Monitor for schema '{name}' does not exist.")
            return self._schema_view(name)
        if name not in self.monitors:
            raise self._api_error(404, f"Monitor for table '{name}' does not exist.")
        self._get_monitor(
            body={}, table=name
        )  # the legacy read, asynchronous initialisation included
        return self._dq_view(name)

    def _dq_update(self, body: dict[str, Any], object_type: str, object_id: str) -> dict[str, Any]:
        """`PATCH ...?update_mask=a,b`: the fields the mask names are replaced by the body's."""
        mask = ",".join(self.query.get("update_mask", []))
        if not mask:
            raise self._api_error(400, "'update_mask' is required.")
        paths = [p.strip() for p in mask.split(",") if p.strip()]
        self._refuse_unknown("monitor", body, MONITOR_FIELDS)
        name = self._object(object_type, object_id)
        if object_type == "schema":
            if name not in self.schema_monitors:
                raise self._api_error(404, f"Monitor for schema '{name}' does not exist.")
            given = body.get("anomaly_detection_config") or {}
            self._refuse_unknown("anomaly_detection_config", given, ANOMALY_FIELDS)
            stored = self.schema_monitors[name]["anomaly_detection_config"]
            if {"*", "anomaly_detection_config"} & set(paths):
                stored = dict(given)  # the schema alert's recipients too: absent, removed
            for field in ANOMALY_FIELDS:
                if f"anomaly_detection_config.{field}" in paths:
                    stored = {k: v for k, v in stored.items() if k != field}
                    if field in given:
                        stored[field] = given[field]
            if not _recipients(stored.get("notification_settings")):
                stored.pop("notification_settings", None)  # no recipient: no schema alert
            self.schema_monitors[name]["anomaly_detection_config"] = stored
            return self._schema_view(name)
        if name not in self.monitors:
            raise self._api_error(404, f"Monitor for table '{name}' does not exist.")
        if {"*", "data_profiling_config"} & set(paths):
            given = dict(body.get("data_profiling_config") or {})
            # Output fields are ignored; create-only ones are kept from the create.
            ignored = PROFILING_OUTPUT_FIELDS | set(_CREATE_ONLY)
            legacy = self._legacy_body({k: v for k, v in given.items() if k not in ignored})
            monitor = self.monitors[name]
            for key in (*ANALYSES, *_REPLACED_ON_UPDATE):
                monitor.pop(key, None)
            if "schedule" in legacy:
                legacy["schedule"] = {"pause_status": "UNPAUSED", **legacy["schedule"]}
            monitor.update({k: v for k, v in legacy.items() if v != []})
        return self._dq_view(name)

    def _dq_delete(self, body: dict[str, Any], object_type: str, object_id: str) -> dict[str, Any]:
        """`DELETE`: the monitor goes; its metric tables and dashboard stay."""
        name = self._object(object_type, object_id)
        store = self.schema_monitors if object_type == "schema" else self.monitors
        if name not in store:
            raise self._api_error(404, f"Monitor for {object_type} '{name}' does not exist.")
        del store[name]
        if object_type == "table":
            self.refreshes.pop(name, None)
            self.dq_create_only.pop(name, None)
        return {}

    # ---- refreshes ----------------------------------------------------------------------------

    def _refresh_view(self, refresh: dict[str, Any], object_id: str) -> dict[str, Any]:
        view = {
            "object_type": "table",
            "object_id": object_id,
            "refresh_id": refresh["refresh_id"],
            "state": "MONITOR_REFRESH_STATE_" + refresh["state"],
            "trigger": "MONITOR_REFRESH_TRIGGER_" + refresh["trigger"],
            "start_time_ms": refresh["start_time_ms"],
        }
        for key in ("end_time_ms", "message"):
            if key in refresh:
                view[key] = refresh[key]
        return view

    def _table_monitor(self, object_type: str, object_id: str) -> str:
        name = self._object(object_type, object_id)
        if object_type != "table":
            raise self._api_error(400, "Refreshes are only supported for the table object_type.")
        if name not in self.monitors:
            raise self._api_error(404, f"Monitor for table '{name}' does not exist.")
        return name

    def _dq_create_refresh(
        self, body: dict[str, Any], object_type: str, object_id: str
    ) -> dict[str, Any]:
        name = self._table_monitor(object_type, object_id)
        return self._refresh_view(self._new_refresh(name, "PENDING", "MANUAL"), object_id)

    def _dq_list_refreshes(
        self, body: dict[str, Any], object_type: str, object_id: str
    ) -> dict[str, Any]:
        name = self._table_monitor(object_type, object_id)
        newest_first = sorted(
            self.refreshes.get(name, []),
            key=lambda r: (r["start_time_ms"], r["refresh_id"]),
            reverse=True,
        )
        return {"refreshes": [self._refresh_view(r, object_id) for r in newest_first]}

    def _dq_get_refresh(
        self, body: dict[str, Any], object_type: str, object_id: str, refresh_id: str
    ) -> dict[str, Any]:
        name = self._table_monitor(object_type, object_id)
        refresh = self._dq_refresh(name, refresh_id)
        self._advance(refresh)
        return self._refresh_view(refresh, object_id)

    def _dq_refresh(self, name: str, refresh_id: str) -> dict[str, Any]:
        for refresh in self.refreshes.get(name, []):
            if refresh["refresh_id"] == int(refresh_id):
                return refresh
        raise self._api_error(404, f"Refresh {refresh_id} does not exist.")

    def _dq_cancel_refresh(
        self, body: dict[str, Any], object_type: str, object_id: str, refresh_id: str
    ) -> dict[str, Any]:
        """`POST .../refreshes/{id}/cancel`: `CancelRefreshResponse`, `{"refresh": ...}`
        (databricks-sdk 0.162 `DataQualityAPI.cancel_refresh`); an ended refresh is refused
        as on the legacy API (the stricter side: undocumented)."""
        name = self._table_monitor(object_type, object_id)
        refresh = self._dq_refresh(name, refresh_id)
        self._cancel(refresh)
        return {"refresh": self._refresh_view(refresh, object_id)}
