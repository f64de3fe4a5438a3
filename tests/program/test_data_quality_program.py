"""The program on the `data_quality` backend: one `databricks.DataQualityMonitor` per declaration,
keyed on the UUIDs the provider's lookups return, with the legacy stack outputs' shape."""

from __future__ import annotations

import copy
import json

import pytest

from monitors.desired.record import MONITORS_OUTPUT, registered_tables
from monitors.naming import DQ_RESOURCE_TYPE
from monitors.program.hooks import make_hooks
from monitors.program.register import Hooks, deploy
from tests.change_table import TABLES
from tests.fakes.engine import Failure
from tests.fakes.mock_runtime import DQ_MOCK_ID, mock_object_id, run_program
from tests.helpers.program import deploy_once, deployed, make_project, stack_config

DQ = {"api": "data_quality"}
TABLE = "fact_booking_daily"
OUTPUT_FIELDS = {
    "table_name",
    "status",
    "dashboard_id",
    "profile_metrics_table_name",
    "drift_metrics_table_name",
    "replacement_generation",
}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_each_monitor_is_a_data_quality_monitor_of_its_tables_uuid(declarations, stack):
    run = deploy_once(declarations, stack=stack, config=stack_config(stack, **DQ))
    catalog = "wanderbricks_dev" if stack == "dev" else "wanderbricks"
    output_schema = f"{catalog}.wanderbricks_gold_monitoring"
    for table in TABLES:
        registration = run.monitor(table)
        assert registration.type == DQ_RESOURCE_TYPE
        assert registration.inputs["objectType"] == "table"
        full_name = f"{catalog}.wanderbricks_gold.{table}"
        assert registration.inputs["objectId"] == mock_object_id("table", full_name)
        config = registration.inputs["dataProfilingConfig"]
        assert config["outputSchemaId"] == mock_object_id("schema", output_schema)
        assert registration.protect is (stack == "prod")
        assert registration.delete_before_replace


def test_the_stack_outputs_keep_the_legacy_shape(declarations):
    legacy = deploy_once(declarations)
    dq = deploy_once(declarations, config=stack_config("dev", **DQ))
    assert set(dq.outputs) == set(legacy.outputs)
    for table in TABLES:
        assert set(dq.outputs[MONITORS_OUTPUT][table]) == OUTPUT_FIELDS
        assert set(legacy.outputs[MONITORS_OUTPUT][table]) == OUTPUT_FIELDS
    entry = dq.outputs[MONITORS_OUTPUT][TABLE]
    assert entry["table_name"] == f"wanderbricks_dev.wanderbricks_gold.{TABLE}"
    assert entry["profile_metrics_table_name"] == (
        f"wanderbricks_dev.wanderbricks_gold_monitoring.{TABLE}_profile_metrics"
    )
    assert entry["status"] == "DATA_PROFILING_STATUS_ACTIVE"


def test_nothing_is_keyed_on_the_resources_id(declarations):
    """The bridge computes no ID for this type: whatever the engine answers never shows."""
    run = deploy_once(declarations, config=stack_config("dev", **DQ))
    assert DQ_MOCK_ID not in json.dumps(run.stack_outputs)
    assert all(DQ_MOCK_ID not in json.dumps(r.inputs) for r in run.registrations)


def test_a_failed_registration_leaves_its_table_name_null_as_on_legacy(declarations):
    stack = deployed(declarations, config=stack_config("dev", **DQ))
    after = copy.deepcopy(declarations)
    after[TABLE]["slicing_exprs"] = ["property_id"]
    failed = stack.up(after, fail=Failure(stack.urn(TABLE), "update"), continue_on_error=True)
    assert not failed.ok and failed.outputs_recorded == "merged"
    registered = registered_tables(failed.program.outputs[MONITORS_OUTPUT])
    assert registered == set(TABLES) - {TABLE}


def test_the_create_only_inputs_are_ignored_outside_a_replace_by_their_nested_paths(
    declarations,
):
    run = deploy_once(declarations, config=stack_config("dev", **DQ))
    assert run.monitor(TABLE).ignore_changes == (
        "dataProfilingConfig.assetsDir",
        "dataProfilingConfig.skipBuiltinDashboard",
        "dataProfilingConfig.warehouseId",
    )


def test_a_replacing_run_ignores_none_of_them(declarations):
    stack = deployed(declarations, config=stack_config("dev", **DQ))
    result = stack.up(config=stack_config("dev", warehouseId="wh2", **DQ))
    assert result.ok and set(result.changed.values()) == {"replace"}
    assert {result.program.monitor(t).ignore_changes for t in TABLES} == {()}
    for table in TABLES:
        assert (
            stack.engine.checkpoint.resources[stack.urn(table)].inputs["dataProfilingConfig"][
                "warehouseId"
            ]
            == "wh2"
        )


def test_a_state_without_a_create_only_input_plans_no_update(declarations):
    """Whatever the state holds for them (the provider's own diff is in
    tests/program/test_round_trip_dq.py), the engine sees no change outside a replace."""
    stack = deployed(declarations, config=stack_config("dev", warehouseId="wh1", **DQ))
    urn = stack.urn(TABLE)
    state = stack.engine.checkpoint.resources[urn]
    config = {k: v for k, v in state.inputs["dataProfilingConfig"].items() if k != "warehouseId"}
    resources = dict(stack.engine.checkpoint.resources)
    resources[urn] = type(state)(
        urn, {**state.inputs, "dataProfilingConfig": config}, state.trigger, state.protect
    )
    stack.engine.checkpoint = type(stack.engine.checkpoint)(
        resources, stack.engine.checkpoint.outputs
    )
    assert stack.up().changed == {}


def test_the_hooks_are_bound_to_data_quality_monitors_too(declarations):
    project = make_project(declarations, "dev", stack_config("dev", **DQ))
    hooks: Hooks = make_hooks(project)
    run = run_program(lambda: deploy(project, hooks), stack="dev")
    assert all(run.monitor(t).hooks for t in TABLES)
