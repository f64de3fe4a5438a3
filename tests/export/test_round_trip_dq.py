"""The guarantee on the Data Quality Monitoring API: every shipped declaration, deployed by the
program as a `databricks.DataQualityMonitor`, exports to a declaration whose data quality
payload is the monitor's `data_profiling_config`, field for field, so an import followed by
`pulumi up` is a no-op. Monitors are created through the fake workspace's data quality
endpoints the way the provider creates them (tests/fakes/provider_read_dq.py
`BridgedDataQualityMonitors`); the UUIDs are the ones the program's lookups answer under the
mocks (`tests.fakes.mock_runtime.mock_object_id`), given to the fake's tables and schemas.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest

from monitors.declared.loader import load_declarations, parse_declaration
from monitors.declared.project import Project, select_monitors
from monitors.declared.settings import StackSettings
from monitors.desired.payload import monitor_request
from monitors.desired.payload_dq import data_quality_request
from monitors.export.data_quality import COMPUTED, IGNORED_OUTSIDE_A_REPLACE
from monitors.naming import API_DATA_QUALITY, DECLARATIONS_PATH
from monitors.program.register import deploy
from monitors.workspace.export import export_monitors
from monitors.workspace.export_report import Outcome
from tests.export.test_round_trip import OTHER_SHAPES
from tests.fakes.mock_runtime import ProgramRun, mock_object_id, run_program
from tests.fakes.provider_read_dq import BridgedDataQualityMonitors, planned_changes
from tests.helpers.shipped_monitors import EVERY_MONITOR, SHIPPED, STACKS, settings_of

DQ_BASE = "/api/data-quality/v1/monitors"
# What a declaration says that this API cannot (refused on the data_quality backend).
NOT_ON_THIS_API = (
    "inference log with optional columns",
    "data classification enabled",
    "data classification disabled",
    "both notification events",
)


@functools.cache
def dq_settings(stack: str) -> StackSettings:
    return settings_of(stack).model_copy(update={"api": API_DATA_QUALITY, "enabled": None})


def run_dq(stack: str, specs: dict[str, Any]) -> ProgramRun:
    settings = dq_settings(stack)
    project = Project(settings, select_monitors(settings, dict(specs), f"Pulumi.{stack}.yaml"))
    return run_program(lambda: deploy(project), stack=stack)


@functools.cache
def _shipped_run(stack: str) -> ProgramRun:
    return run_dq(stack, SHIPPED)


@pytest.fixture
def dq_provider(client) -> BridgedDataQualityMonitors:
    return BridgedDataQualityMonitors(client)


def create_dq(workspace, dq_provider, stack: str, table: str, inputs: dict[str, Any]) -> str:
    """`pulumi up` creating the monitor through the data quality API; the fake's table and
    schema carry the UUIDs the program's lookups gave. Returns the table's full name."""
    settings = dq_settings(stack)
    full_name = settings.full_table_name(table)
    output = settings.output_schema_name
    if output not in workspace.schemas:
        workspace.add_schema(output, schema_id=mock_object_id("schema", output))
    workspace.add_table(full_name, table_id=mock_object_id("table", full_name))
    dq_provider.create(inputs)
    workspace.initialise_monitor(full_name)
    return full_name


def export_one(client, project, stack, table):
    report = export_monitors(client, dq_settings(stack), project, [table])
    (result,) = report.results
    return report, result


def dq_answer(client, full_name: str) -> dict[str, Any]:
    object_id = mock_object_id("table", full_name)
    return dict(client.api_client.do("GET", f"{DQ_BASE}/table/{object_id}"))


def settable(config: dict[str, Any]) -> dict[str, Any]:
    held = {k: v for k, v in config.items() if k not in COMPUTED}
    held = {k: v for k, v in held.items() if k not in IGNORED_OUTSIDE_A_REPLACE}
    if "schedule" in held:
        held["schedule"] = {k: v for k, v in held["schedule"].items() if k != "pause_status"}
    return held


def filled(request: dict[str, Any], full_name: str, output_schema: str) -> dict[str, Any]:
    config = dict(request["data_profiling_config"])
    config["output_schema_id"] = mock_object_id("schema", output_schema)
    return {
        **request,
        "object_id": mock_object_id("table", full_name),
        "data_profiling_config": config,
    }


@pytest.mark.parametrize(("stack", "table"), EVERY_MONITOR)
def test_a_shipped_monitor_exports_exactly_through_the_data_quality_api(
    workspace, client, dq_provider, project, stack, table
):
    inputs = _shipped_run(stack).monitor(table).inputs
    full_name = create_dq(workspace, dq_provider, stack, table, inputs)
    report, result = export_one(client, project, stack, table)
    assert result.outcome is Outcome.WRITTEN
    assert result.differences == ()
    assert report.exit_code == 0
    exported = load_declarations(project / DECLARATIONS_PATH)[table]
    settings = dq_settings(stack)
    legacy = monitor_request(table, exported, settings)
    assert legacy == monitor_request(table, SHIPPED[table], settings)
    request = filled(
        data_quality_request(table, exported, settings, legacy),
        full_name,
        settings.output_schema_name,
    )
    answer = dq_answer(client, full_name)
    assert request["object_id"] == answer["object_id"]
    assert settable(request["data_profiling_config"]) == settable(answer["data_profiling_config"])


@pytest.mark.parametrize(("stack", "table"), EVERY_MONITOR)
def test_an_import_then_up_plans_no_update_of_an_exported_data_quality_monitor(
    workspace, client, dq_provider, project, stack, table
):
    inputs = _shipped_run(stack).monitor(table).inputs
    full_name = create_dq(workspace, dq_provider, stack, table, inputs)
    export_one(client, project, stack, table)
    exported = load_declarations(project / DECLARATIONS_PATH)
    registration = run_dq(stack, exported).monitor(table)
    imported = dq_provider.import_("table", mock_object_id("table", full_name))
    assert planned_changes(imported, registration.inputs, registration.ignore_changes) == []


@pytest.mark.parametrize(("stack", "table"), EVERY_MONITOR)
def test_either_api_exports_the_same_declaration(
    workspace, client, dq_provider, project, stack, table
):
    """One monitor, read through the legacy API and through the data quality API."""
    inputs = _shipped_run(stack).monitor(table).inputs
    create_dq(workspace, dq_provider, stack, table, inputs)
    export_monitors(client, settings_of(stack), project, [table])
    path = project / DECLARATIONS_PATH / f"{table}.yaml"
    through_legacy = path.read_text().splitlines()
    export_monitors(client, dq_settings(stack), project, [table], force=True)
    through_dq = path.read_text().splitlines()
    assert through_legacy[1].endswith("legacy API).") and through_dq[1].endswith(
        "data_quality API)."
    )
    assert through_legacy[2:] == through_dq[2:]


EXPRESSIBLE = {k: v for k, v in OTHER_SHAPES.items() if k not in NOT_ON_THIS_API}


@pytest.mark.parametrize("shape", EXPRESSIBLE.values(), ids=EXPRESSIBLE.keys())
@pytest.mark.parametrize("stack", STACKS)
def test_other_declaration_shapes_export_exactly_through_the_data_quality_api(
    workspace, client, dq_provider, project, stack, shape
):
    declared = parse_declaration("dim_host", shape, "dim_host.yaml")
    inputs = run_dq(stack, {**SHIPPED, "dim_host": declared}).monitor("dim_host").inputs
    full_name = create_dq(workspace, dq_provider, stack, "dim_host", inputs)
    _, result = export_one(client, project, stack, "dim_host")
    assert result.differences == ()
    exported = load_declarations(project / DECLARATIONS_PATH)
    settings = dq_settings(stack)
    assert monitor_request("dim_host", exported["dim_host"], settings) == monitor_request(
        "dim_host", declared, settings
    )
    registration = run_dq(stack, {**SHIPPED, **exported}).monitor("dim_host")
    imported = dq_provider.import_("table", mock_object_id("table", full_name))
    assert planned_changes(imported, registration.inputs, registration.ignore_changes) == []
