"""The data quality body: every key a real input of the installed provider's types, every enum a
value of the installed SDK, and the field map of the notes, exactly.

The provider's types are pulumi-databricks 1.118 `DataQualityMonitorArgs` and its nested
`DataQualityMonitor*Args` (`_inputs.py`); the SDK's are databricks-sdk 0.162
`service/dataquality.py`.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

import pulumi_databricks
import pytest
from databricks.sdk.service import dataquality

from monitors.declared.loader import parse_declaration
from monitors.declared.models import GRANULARITIES as DECLARED_GRANULARITIES
from monitors.declared.models import METRIC_TYPES, PROBLEM_TYPES
from monitors.declared.project import Project, select_monitors
from monitors.declared.settings import read_stack_config, settings_from_config
from monitors.desired.payload_dq import (
    ENDPOINT,
    GRANULARITIES,
    anomaly_detection_request,
    data_profiling_config,
    placeholder_name,
)
from monitors.desired.plan import make_plan, plan_document
from tests.change_table import shipped

STACKS = ("dev", "prod")
DOUBLE = '{"metadata":{},"name":"output","nullable":true,"type":"double"}'
# Computed fields: the provider's Args list them, but they are outputs (terraform-provider-
# databricks dataquality_tf/model.go `DataProfilingConfig.ApplySchemaCustomizations`: computed).
OUTPUT_ONLY = {
    "dashboard_id",
    "drift_metrics_table_name",
    "effective_warehouse_id",
    "latest_monitor_failure_message",
    "monitor_version",
    "monitored_table_name",
    "profile_metrics_table_name",
    "status",
    "pause_status",
}
OTHER_SHAPES: dict[str, dict[str, Any]] = {
    "inference log": {
        "custom_metrics": [],
        "inference_log": {
            "problem_type": "classification",
            "timestamp_col": "created_at",
            "granularities": ["5 minutes", "1 year"],
            "prediction_col": "prediction",
            "model_id_col": "model_version",
            "label_col": "label",
        },
    },
    "snapshot with a baseline and no dashboard": {
        "custom_metrics": [],
        "snapshot": {},
        "baseline_table_name": "dim_host_baseline",
        "skip_builtin_dashboard": True,
    },
    "own schedule and notifications": {
        "custom_metrics": [],
        "snapshot": {},
        "schedule": {"quartz_cron_expression": "0 30 2 * * ?", "timezone_id": "Europe/Paris"},
        "notifications": {"on_failure": {"email_addresses": ["a@example.com"]}},
        "slicing_exprs": ["country"],
    },
}


def project(stack: str, declarations: dict[str, Any] | None = None, **settings: Any) -> Project:
    config = dict(read_stack_config(stack))
    config["lakehouse-monitors:api"] = "data_quality"
    config.update({f"lakehouse-monitors:{k}": v for k, v in settings.items()})
    parsed = settings_from_config(stack, config, f"Pulumi.{stack}.yaml")
    raw = {**shipped().declarations, **(declarations or {})}
    specs = {t: parse_declaration(t, d, f"{t}.yaml") for t, d in raw.items()}
    return Project(parsed, select_monitors(parsed, specs, f"Pulumi.{stack}.yaml"))


def bodies() -> list[tuple[str, dict[str, Any]]]:
    """Every shipped monitor in both stacks, and the other shapes a declaration can take."""
    found = []
    for stack in STACKS:
        for table, body in make_plan(project(stack, warehouseId="wh1")).dq_requests.items():
            found.append((f"{stack}/{table}", body))
        for name, shape in OTHER_SHAPES.items():
            plan = make_plan(project(stack, {"dim_host": shape}))
            found.append((f"{stack}/{name}", plan.dq_requests["dim_host"]))
    return found


BODIES = bodies()


def _args_class(annotation: Any) -> type | None:
    found = re.search(r"(DataQualityMonitor\w*Args)\b", str(annotation))
    return getattr(pulumi_databricks, found.group(1)) if found else None


def _parameters(cls: type) -> dict[str, inspect.Parameter]:
    return {
        name: p
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if name not in ("self", "__self__")
    }


def problems_against(cls: type, value: dict[str, Any], where: str) -> list[str]:
    """Keys of `value` that are not inputs of `cls`, output-only ones, and missing required ones."""
    params = _parameters(cls)
    problems = [
        f"{where}.{key}: not an input of {cls.__name__}" for key in value if key not in params
    ]
    problems += [f"{where}.{key}: an output, never sent" for key in value if key in OUTPUT_ONLY]
    problems += [
        f"{where}.{name}: required by {cls.__name__}, missing"
        for name, p in params.items()
        if p.default is inspect.Parameter.empty and name not in value
    ]
    for key, child in value.items():
        nested = _args_class(params[key].annotation) if key in params else None
        items = child if isinstance(child, list) else [child]
        for index, item in enumerate(items):
            if isinstance(item, dict):
                if nested is None:
                    problems.append(f"{where}.{key}: an object where {cls.__name__} takes none")
                else:
                    problems += problems_against(nested, item, f"{where}.{key}[{index}]")
    return problems


@pytest.mark.parametrize(("name", "body"), BODIES, ids=[n for n, _ in BODIES])
def test_every_key_of_the_body_is_an_input_of_the_installed_args_types(name, body):
    assert problems_against(pulumi_databricks.DataQualityMonitorArgs, body, "monitor") == []


@pytest.mark.parametrize(("name", "body"), BODIES, ids=[n for n, _ in BODIES])
def test_the_body_reads_as_the_sdks_monitor_and_back_unchanged(name, body):
    assert dataquality.Monitor.from_dict(body).as_dict() == body


def test_granularities_map_to_the_sdks_aggregation_granularities_one_to_one():
    assert set(GRANULARITIES) == set(DECLARED_GRANULARITIES)
    assert sorted(GRANULARITIES.values()) == sorted(
        g.value for g in dataquality.AggregationGranularity
    )


def test_metric_and_problem_types_take_the_sdks_names():
    legacy = {
        "custom_metrics": [
            {
                "name": f"m_{t.lower()}",
                "type": t,
                "definition": "1",
                "input_columns": [":table"],
                "output_data_type": DOUBLE,
            }
            for t in METRIC_TYPES
        ],
        "output_schema_name": "c.s",
        "inference_log": {
            "problem_type": PROBLEM_TYPES[0],
            "timestamp_col": "t",
            "granularities": ["1 day"],
            "prediction_col": "p",
            "model_id_col": "m",
        },
    }
    config = data_profiling_config(legacy)
    assert sorted(m["type"] for m in config["custom_metrics"]) == sorted(
        t.value for t in dataquality.DataProfilingCustomMetricType
    )
    assert config["inference_log"]["problem_type"] in {
        t.value for t in dataquality.InferenceProblemType
    }


def test_the_body_of_a_shipped_monitor_is_exactly_the_field_map_of_the_notes():
    plan = make_plan(project("prod"))
    body = plan.dq_requests["fact_booking_daily"]
    legacy = plan.requests["fact_booking_daily"]
    config = body["data_profiling_config"]
    assert body["object_type"] == "table"
    assert body["object_id"] == "<table_id of wanderbricks.wanderbricks_gold.fact_booking_daily>"
    assert config["output_schema_id"] == "<schema_id of wanderbricks.wanderbricks_gold_monitoring>"
    assert config["time_series"] == {
        "timestamp_column": "check_in_date",
        "granularities": ["AGGREGATION_GRANULARITY_1_DAY", "AGGREGATION_GRANULARITY_1_WEEK"],
    }
    assert [m["name"] for m in config["custom_metrics"]] == [
        m["name"] for m in legacy["custom_metrics"]
    ]
    assert {m["type"] for m in config["custom_metrics"]} == {
        "DATA_PROFILING_CUSTOM_METRIC_TYPE_AGGREGATE",
        "DATA_PROFILING_CUSTOM_METRIC_TYPE_DERIVED",
        "DATA_PROFILING_CUSTOM_METRIC_TYPE_DRIFT",
    }
    same = ("assets_dir", "slicing_exprs", "schedule")
    assert {k: config[k] for k in same} == {k: legacy[k] for k in same}
    assert config["notification_settings"] == legacy["notifications"]
    assert "notifications" not in config and "output_schema_name" not in config


def test_inference_log_columns_are_the_new_apis_names():
    plan = make_plan(project("dev", {"dim_host": OTHER_SHAPES["inference log"]}))
    assert plan.dq_requests["dim_host"]["data_profiling_config"]["inference_log"] == {
        "problem_type": "INFERENCE_PROBLEM_TYPE_CLASSIFICATION",
        "timestamp_column": "created_at",
        "granularities": ["AGGREGATION_GRANULARITY_5_MINUTES", "AGGREGATION_GRANULARITY_1_YEAR"],
        "prediction_column": "prediction",
        "model_id_column": "model_version",
        "label_column": "label",
    }


def test_the_read_only_pause_status_is_never_sent():
    for _, body in BODIES:
        assert "pause_status" not in body["data_profiling_config"].get("schedule", {})


def test_the_create_only_fields_are_inside_the_config():
    plan = make_plan(
        project(
            "dev",
            {"dim_host": OTHER_SHAPES["snapshot with a baseline and no dashboard"]},
            warehouseId="wh1",
        )
    )
    config = plan.dq_requests["dim_host"]["data_profiling_config"]
    assert (config["warehouse_id"], config["skip_builtin_dashboard"]) == ("wh1", True)
    assert config["baseline_table_name"] == "wanderbricks_dev.wanderbricks_gold.dim_host_baseline"


def test_placeholders_name_what_the_program_looks_up():
    assert placeholder_name("<table_id of c.s.t>") == ("table", "c.s.t")
    assert placeholder_name("<schema_id of c.s>") == ("schema", "c.s")
    assert placeholder_name("c.s.t") is None


def test_anomaly_detection_is_a_schema_monitor_of_the_gold_schema():
    settings = project(
        "dev", anomalyDetection={"enabled": True, "excludedTables": ["dim_user"]}
    ).settings
    assert anomaly_detection_request(settings) == {
        "object_type": "schema",
        "object_id": "<schema_id of wanderbricks_dev.wanderbricks_gold>",
        "anomaly_detection_config": {
            "excluded_table_full_names": ["wanderbricks_dev.wanderbricks_gold.dim_user"]
        },
    }
    off = project("dev", anomalyDetection={"enabled": False}).settings
    assert anomaly_detection_request(off) is None


def test_plan_shows_the_data_quality_endpoint_and_body():
    document = plan_document(make_plan(project("dev")))
    monitor = document["monitors"]["dim_user"]
    assert document["api"] == "data_quality"
    assert monitor["endpoint"] == ENDPOINT == "POST /api/data-quality/v1/monitors"
    assert monitor["urn"].endswith(
        "::databricks:index/dataQualityMonitor:DataQualityMonitor::dim_user"
    )
    assert monitor["request"]["object_type"] == "table"


def test_a_legacy_stacks_plan_document_has_no_data_quality_keys():
    config = read_stack_config("dev")
    settings = settings_from_config("dev", config, "Pulumi.dev.yaml")
    raw = shipped().declarations
    specs = {t: parse_declaration(t, d, f"{t}.yaml") for t, d in raw.items()}
    document = plan_document(make_plan(Project(settings, select_monitors(settings, specs, "x"))))
    assert list(document) == [
        "stack",
        "protect",
        "refresh_after_update",
        "monitors",
        "alerts",
        "undeployed_alerts",
        "undeployed_alert_queries",
        "enable_alerts",
    ]
    assert all("endpoint" not in m for m in document["monitors"].values())
