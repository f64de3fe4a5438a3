"""Script-made monitors read through the Data Quality Monitoring API (a data_quality stack):
the same declaration as through the legacy API, and differences reported exactly when the first
`pulumi up` after an import would change the monitor (tests/fakes/provider_read_dq.py)."""

from __future__ import annotations

import json

import pytest

from monitors.cli.main import main
from monitors.declared.loader import load_declarations
from monitors.naming import DECLARATIONS_PATH
from monitors.workspace.export import export_monitors
from monitors.workspace.export_report import Outcome, next_step
from tests.export.test_round_trip_dq import dq_settings, run_dq
from tests.export.test_seed_monitors import (
    BRACES,
    FULL_NAME,
    REORDERED,
    SPACED,
    drop,
    put,
    seed_monitor,
    with_metric,
)
from tests.fakes.mock_runtime import mock_object_id
from tests.fakes.provider_read_dq import BridgedDataQualityMonitors, planned_changes
from tests.helpers.shipped_monitors import SHIPPED

OUTPUT = "wanderbricks.wanderbricks_gold_monitoring"
TABLE_ID = mock_object_id("table", FULL_NAME)
DQ_PATH = f"/api/data-quality/v1/monitors/table/{TABLE_ID}"


def make_seed(workspace, edit, *, failure: str = "") -> None:
    monitor = seed_monitor()
    edit(monitor)
    workspace.add_schema(OUTPUT, schema_id=mock_object_id("schema", OUTPUT))
    workspace.add_schema("wanderbricks.monitoring")
    workspace.add_table(FULL_NAME, table_id=TABLE_ID)
    workspace.add_monitor(FULL_NAME, **monitor)
    workspace.initialise_monitor(FULL_NAME)
    if failure:
        workspace.set_monitor_status(FULL_NAME, "MONITOR_STATUS_ACTIVE", failure_msg=failure)


def export_seed(client, project):
    report = export_monitors(client, dq_settings("prod"), project, ["dim_host"])
    (result,) = report.results
    return result


def first_up_after_import(client, project) -> list[str]:
    exported = load_declarations(project / DECLARATIONS_PATH)
    registration = run_dq("prod", {**SHIPPED, **exported}).monitor("dim_host")
    imported = BridgedDataQualityMonitors(client).import_("table", TABLE_ID)
    return planned_changes(imported, registration.inputs, registration.ignore_changes)


CASES = {
    "as the stack declares it": (lambda m: None, set(), set()),
    "a bare output type": (
        with_metric(0, output_data_type="double"),
        {"custom_metrics (current_host_count).output_data_type"},
        set(),
    ),
    "a derived metric naming aggregates in braces": (
        with_metric(2, definition=BRACES),
        {"custom_metrics (verification_rate)"},
        set(),
    ),
    "no schedule in a stack that schedules every monitor": (drop("schedule"), {"schedule"}, set()),
    "metric tables in another schema": (
        put("output_schema_name", "wanderbricks.monitoring"),
        {"output_schema_name"},
        set(),
    ),
    "StructField JSON with spaces": (with_metric(0, output_data_type=SPACED), set(), set()),
    "StructField JSON in another key order": (
        with_metric(0, output_data_type=REORDERED),
        set(),
        set(),
    ),
    "assets elsewhere (create-only, ignored outside a replace)": (
        put("assets_dir", "/Users/someone/dim_host"),
        set(),
        {"assets_dir"},
    ),
}


@pytest.mark.parametrize(("edit", "reported", "noted"), CASES.values(), ids=CASES.keys())
def test_a_script_made_monitor_read_through_the_data_quality_api_reports_what_up_changes(
    workspace, client, project, edit, reported, noted
):
    make_seed(workspace, edit)
    result = export_seed(client, project)
    assert result.outcome is Outcome.WRITTEN
    assert {gap.field for gap in result.differences} == reported
    assert {gap.field for gap in result.all_notes} == noted
    assert first_up_after_import(client, project) == (["dataProfilingConfig"] if reported else [])


def test_a_failure_message_changes_nothing_on_the_data_quality_api(workspace, client, project):
    """The data quality provider computes latest_monitor_failure_message (unlike the legacy one)."""
    make_seed(workspace, lambda m: None, failure="refresh failed")
    result = export_seed(client, project)
    assert result.differences == ()
    assert first_up_after_import(client, project) == []


def test_a_granularity_this_program_does_not_know_is_left_out(workspace, client, project):
    make_seed(workspace, lambda m: None)
    answer = client.api_client.do("GET", DQ_PATH)
    answer["data_profiling_config"].pop("snapshot")
    answer["data_profiling_config"]["time_series"] = {
        "timestamp_column": "joined_at",
        "granularities": ["AGGREGATION_GRANULARITY_1_DAY", "AGGREGATION_GRANULARITY_2_DAYS"],
    }
    workspace.answer_next("GET", DQ_PATH, json.dumps(answer).encode())
    result = export_seed(client, project)
    (gap,) = result.differences
    assert gap.field == "time_series"
    assert gap.message.startswith('left out "AGGREGATION_GRANULARITY_2_DAYS": unknown granularity')
    exported = load_declarations(project / DECLARATIONS_PATH)["dim_host"]
    assert exported.time_series is not None and exported.time_series.granularities == ["1 day"]


def test_a_returned_warehouse_the_stack_does_not_set_is_a_note(workspace, client, project):
    make_seed(workspace, lambda m: None)
    answer = client.api_client.do("GET", DQ_PATH)
    answer["data_profiling_config"].update(warehouse_id="wh-1", skip_builtin_dashboard=False)
    workspace.answer_next("GET", DQ_PATH, json.dumps(answer).encode())
    result = export_seed(client, project)
    assert result.differences == ()
    (note,) = result.all_notes
    assert note.field == "warehouse_id" and '"wh-1"' in note.message


def test_a_missing_monitor_or_table_fails_with_a_sentence(workspace, client, project):
    workspace.add_table("wanderbricks.wanderbricks_gold.dim_user")
    report = export_monitors(client, dq_settings("prod"), project, ["dim_user", "dim_guest"])
    details = {r.table: r.detail for r in report.results}
    assert details == {
        "dim_guest": "no table wanderbricks.wanderbricks_gold.dim_guest",
        "dim_user": "no monitor on wanderbricks.wanderbricks_gold.dim_user",
    }


@pytest.mark.parametrize(
    ("api", "path"),
    [
        (None, f"/api/2.1/unity-catalog/tables/{FULL_NAME}/monitor"),
        ("data_quality", DQ_PATH),
    ],
)
def test_export_reads_through_the_stacks_api(workspace, project, monkeypatch, capsys, api, path):
    make_seed(workspace, lambda m: None)
    if api:
        stack_file = project / "Pulumi.prod.yaml"
        stack_file.write_text(stack_file.read_text() + f"  lakehouse-monitors:api: {api}\n")
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    before = len(workspace.api_calls())
    argv = ["export", "--stack", "prod", "--project-dir", str(project), "--host", workspace.host]
    assert main([*argv, "--table", "dim_host", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["api"] == (api or "legacy")
    reads = [c.path for c in workspace.api_calls()[before:] if c.method == "GET"]
    assert path in reads


def test_on_a_data_quality_stack_the_next_step_is_adopt_on_a_legacy_stack_then_migrate(
    workspace, client, project
):
    make_seed(workspace, lambda m: None)
    report = export_monitors(client, dq_settings("prod"), project, ["dim_host"])
    assert "adopt imports legacy monitors only" in next_step(report)
    assert "monitors migrate" in next_step(report)


@pytest.mark.parametrize("config", ["snapshot", ["snapshot"], 7])
def test_a_profile_configuration_in_another_shape_fails_that_table_in_words(
    workspace, client, project, config
):
    make_seed(workspace, lambda m: None)
    answer = client.api_client.do("GET", DQ_PATH)
    answer["data_profiling_config"] = config
    workspace.answer_next("GET", DQ_PATH, json.dumps(answer).encode())
    result = export_seed(client, project)
    assert (result.outcome, result.detail) == (
        Outcome.FAILED,
        "could not read its monitor: the workspace's answer holds no data_profiling_config object",
    )
    assert not (project / DECLARATIONS_PATH / "dim_host.yaml").exists()
