"""__main__.py under Pulumi's mocks with the real stack files: what a `pulumi up` registers."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest
from pulumi.runtime import mocks
from pulumi.runtime.proto import resource_pb2

from monitors.declared.settings import read_stack_config
from monitors.desired.record import STRUCTURE_OUTPUT, read_last_structures
from monitors.errors import MonitorsError
from tests.fakes.mock_runtime import run_program
from tests.helpers.declarations import copy_shipped_declarations

ROOT = Path(__file__).resolve().parents[2]
TABLES = ["dim_host", "dim_property", "dim_user", "fact_booking_daily", "fact_property_engagement"]
DOUBLE = '{"metadata":{},"name":"output","nullable":true,"type":"double"}'


def run_main(stack: str, config: dict | None = None, **kwargs):
    config = read_stack_config(stack) if config is None else config
    return run_program(
        lambda: runpy.run_path(str(ROOT / "__main__.py")), stack=stack, config=config, **kwargs
    )


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_each_stack_declares_the_five_gold_monitors(stack):
    run = run_main(stack)
    monitors = [r for r in run.registrations if r.type.endswith("QualityMonitor")]
    assert sorted(r.name for r in monitors) == TABLES
    assert run.errors == []


def test_the_stack_reads_its_own_last_deployment():
    assert run_main("dev").reads == [
        ("pulumi:pulumi:StackReference", "organization/lakehouse-monitors/dev")
    ]


def test_prod_monitors_are_scheduled_and_dev_monitors_are_not():
    prod, dev = run_main("prod").monitor("dim_user"), run_main("dev").monitor("dim_user")
    assert prod.inputs["schedule"] == {"quartzCronExpression": "0 0 6 * * ?", "timezoneId": "UTC"}
    assert "schedule" not in dev.inputs


def test_monitors_are_sent_in_api_form():
    monitor = run_main("dev").monitor("fact_booking_daily")
    assert monitor.inputs["tableName"] == "wanderbricks_dev.wanderbricks_gold.fact_booking_daily"
    assert monitor.inputs["outputSchemaName"] == "wanderbricks_dev.wanderbricks_gold_monitoring"
    assert monitor.inputs["assetsDir"] == (
        "/Workspace/Shared/lakehouse_monitoring/dev/fact_booking_daily"
    )
    cancellation = next(
        m for m in monitor.inputs["customMetrics"] if m["name"] == "cancellation_rate"
    )
    assert cancellation == {
        "name": "cancellation_rate",
        "type": "CUSTOM_METRIC_TYPE_DERIVED",
        "definition": "total_cancellations / NULLIF(total_bookings, 0)",
        "inputColumns": [":table"],
        "outputDataType": DOUBLE,
    }


def test_stack_outputs_list_every_monitor_with_status_dashboard_and_tables():
    outputs = run_main("prod").outputs
    assert sorted(outputs["monitors"]) == TABLES
    assert outputs["monitors"]["dim_host"] == {
        "table_name": "wanderbricks.wanderbricks_gold.dim_host",
        "status": "MONITOR_STATUS_ACTIVE",
        "dashboard_id": "dashboard-dim_host",
        "profile_metrics_table_name": "wanderbricks.wanderbricks_gold_monitoring.dim_host_profile_metrics",
        "drift_metrics_table_name": "wanderbricks.wanderbricks_gold_monitoring.dim_host_drift_metrics",
        "replacement_generation": 0,
    }


def test_structure_output_round_trips_through_json():
    raw = json.loads(json.dumps(run_main("dev").outputs[STRUCTURE_OUTPUT]))
    assert sorted(read_last_structures(raw)) == TABLES


def test_unreadable_last_structure_stops_the_run_instead_of_guessing():
    with pytest.raises(MonitorsError, match="refusing to guess"):
        read_last_structures({"dim_host": {"assets_dir": "/x"}})


def test_unknown_enabled_table_fails_before_any_resource_is_registered():
    config = read_stack_config("dev")
    config["lakehouse-monitors:enabled"] = ["dim_host", "no_such_table"]
    run = run_main("dev", config=config, expect_failure=True)
    assert "Pulumi.dev.yaml: enabled[1]: no declaration for table 'no_such_table'" in str(
        run.failure
    )
    assert (run.registrations, run.reads) == ([], [])


def test_bad_declaration_fails_before_any_resource_is_registered(tmp_path, monkeypatch):
    from monitors.program import entrypoint

    copy = copy_shipped_declarations(tmp_path / "monitors" / "declarations")
    broken = copy / "dim_host.yaml"
    broken.write_text(broken.read_text().replace("type: derived", "type: ratio"))
    monkeypatch.setattr(entrypoint, "PROJECT_ROOT", tmp_path)
    run = run_main("dev", expect_failure=True)
    assert (
        "dim_host.yaml: monitor dim_host: custom_metrics[6] (verification_rate).type: unknown value 'ratio'"
        in str(run.failure)
    )
    assert (run.registrations, run.reads) == ([], [])


def test_bad_stack_setting_fails_before_any_resource_is_registered():
    config = read_stack_config("dev")
    config["lakehouse-monitors:notificationEmails"] = [f"a{i}@x.example" for i in range(6)]
    run = run_main("dev", config=config, expect_failure=True)
    assert "Pulumi.dev.yaml: lakehouse-monitors:notificationEmails" in str(run.failure)
    assert (run.registrations, run.reads) == ([], [])


class _OldEngineMonitor(mocks.MockMonitor):
    def GetDeploymentInfo(self, request):
        info = super().GetDeploymentInfo(request)
        features = [
            f
            for f in info.supportedFeatures
            if f != resource_pb2.RESOURCE_MONITOR_FEATURE_REPLACEMENT_TRIGGER
        ]
        return resource_pb2.DeploymentInfo(supportedFeatures=features)


def test_an_engine_without_replacement_trigger_is_refused(monkeypatch):
    from tests.fakes import mock_runtime as testing

    monkeypatch.setattr(
        testing,
        "_RecordingMonitor",
        type(
            "Old",
            (_OldEngineMonitor,),
            {"__init__": lambda self, run, m: mocks.MockMonitor.__init__(self, m)},
        ),
    )
    with pytest.raises(Exception, match=r"Pulumi CLI >= 3\.231\.0"):
        run_main("dev")
