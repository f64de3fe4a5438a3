"""A refresh round-trip is a no-op: the state the provider reads back equals the next run's inputs.

Each monitor the program registers is created in the fake workspace the way the provider
creates it, read back the way `pulumi refresh` and `pulumi import` (what `adopt` runs) read it,
and diffed against the next run's inputs the way the bridge diffs them. The upstream code behind
each step is named in tests/fakes/provider_read.py and in the fake workspace's monitor handlers.
An empty plan means `pulumi up` leaves the monitor alone: no PUT, no wait for ACTIVE, and no
metric refresh queued by the after-update hook.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config

from monitors.declared.loader import parse_declaration
from monitors.declared.project import Project, select_monitors
from monitors.declared.settings import read_stack_config, settings_from_config
from monitors.desired.record import STRUCTURE_OUTPUT
from monitors.desired.replacement import HISTORY_WARNING
from monitors.naming import DECLARATIONS_DIR
from monitors.program.register import deploy
from tests.fakes.mock_runtime import ProgramRun, run_program
from tests.fakes.provider_read import BridgedMonitors, planned_changes
from tests.fakes.workspace import MONITOR_STATUS_ACTIVE, FakeWorkspace, VirtualClock
from tests.helpers.declarations import shipped_declarations

ROOT = Path(__file__).resolve().parents[2]
STACKS = ("dev", "prod")
TABLES = tuple(sorted(p.stem for p in DECLARATIONS_DIR.glob("*.yaml")))
EVERY_MONITOR = [(stack, table) for stack in STACKS for table in TABLES]
CREATE_ONLY_INPUTS = ("skipBuiltinDashboard", "warehouseId")

# The `monitor_structure` record of dim_user as the program wrote it before this fix (taken
# from a run of the code at 18b9dad): a stack deployed then holds exactly these strings.
RECORD_BEFORE_THE_FIX = {
    stack: (
        '{"profile_type":"snapshot","assets_dir":"/Workspace/Shared/lakehouse_monitoring/'
        + stack
        + '/dim_user","warehouse_id":null,"skip_builtin_dashboard":false,"reset_token":null,'
        '"generation":0,"metrics":{"business_user_rate":["CUSTOM_METRIC_TYPE_DERIVED",'
        '[":table"],"double","8d9c720d64200422"],"current_business_user_count":'
        '["CUSTOM_METRIC_TYPE_AGGREGATE",[":table"],"long","0eaf3cbe0e08ca22"],'
        '"current_business_without_company_count":["CUSTOM_METRIC_TYPE_AGGREGATE",[":table"],'
        '"long","a8bd16d09b22c4f7"],"current_missing_email_count":'
        '["CUSTOM_METRIC_TYPE_AGGREGATE",[":table"],"long","337cf93c0a08d5c9"],'
        '"current_user_count":["CUSTOM_METRIC_TYPE_AGGREGATE",[":table"],"long",'
        '"11fd42132c3f14ba"]}}'
    )
    for stack in STACKS
}


# ---- what the program registers -----------------------------------------------------------------


@functools.cache
def _main_run(stack: str) -> ProgramRun:
    return run_program(
        lambda: runpy.run_path(str(ROOT / "__main__.py")),
        stack=stack,
        config=read_stack_config(stack),
    )


def registered(stack: str, table: str) -> dict[str, Any]:
    """The inputs `__main__.py` registers for one monitor of a real stack (a fresh copy)."""
    return copy.deepcopy(_main_run(stack).monitor(table).inputs)


def run_with(
    declarations: dict[str, Any], stack: str, last_outputs: dict[str, Any] | None = None, **config
) -> ProgramRun:
    """The program over edited declarations and stack settings (`key=value` in our namespace)."""
    settings_config = dict(read_stack_config(stack))
    settings_config.update({f"lakehouse-monitors:{k}": v for k, v in config.items()})
    settings = settings_from_config(stack, settings_config, f"Pulumi.{stack}.yaml")
    specs = {t: parse_declaration(t, d, f"{t}.yaml") for t, d in declarations.items()}
    project = Project(settings, select_monitors(settings, specs, f"Pulumi.{stack}.yaml"))
    return run_program(lambda: deploy(project), stack=stack, last_outputs=last_outputs or {})


def inputs_with(table: str, declaration: dict[str, Any], stack: str = "prod", **config) -> dict:
    """The inputs of `table` when its declaration is replaced by `declaration`."""
    declarations = {**shipped_declarations(), table: declaration}
    return run_with(declarations, stack, **config).monitor(table).inputs


def as_deployed_before_the_fix(inputs: dict[str, Any]) -> dict[str, Any]:
    """The inputs the program registered before this fix: skipBuiltinDashboard always sent."""
    return {**inputs, "skipBuiltinDashboard": inputs.get("skipBuiltinDashboard", False)}


# ---- the workspace and the provider -------------------------------------------------------------


@pytest.fixture
def workspace(monkeypatch) -> Iterator[FakeWorkspace]:
    for name in [n for n in os.environ if n.startswith("DATABRICKS_")]:
        monkeypatch.delenv(name)
    with FakeWorkspace() as fake:
        yield fake


@pytest.fixture
def provider(workspace) -> BridgedMonitors:
    config = Config(
        host=workspace.host, token=workspace.token, auth_type="pat", clock=VirtualClock()
    )
    return BridgedMonitors(WorkspaceClient(config=config))


def create(workspace: FakeWorkspace, provider: BridgedMonitors, inputs: dict) -> dict[str, Any]:
    """`pulumi up` creating the monitor; it initialises on the provider's first poll."""
    workspace.add_table(inputs["tableName"])
    workspace.initialise_after(inputs["tableName"], gets=1)
    return provider.create(inputs)


def create_by_old_scripts(workspace: FakeWorkspace, inputs: dict) -> str:
    """A monitor made outside Pulumi with the same configuration (what `adopt` takes over)."""
    table = inputs["tableName"]
    workspace.add_table(table)
    body = {k: v for k, v in _snake(inputs).items() if k != "table_name"}
    workspace.add_monitor(table, **{"skip_builtin_dashboard": False, **body})
    workspace.initialise_monitor(table)
    return str(table)


def _snake(value: Any) -> Any:
    """camelCase input keys back to the API's snake_case."""
    if isinstance(value, dict):
        return {re.sub(r"([A-Z])", r"_\1", k).lower(): _snake(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake(v) for v in value]
    return value


# ---- the fake answers as the API does -----------------------------------------------------------


def test_the_api_never_returns_warehouse_id_or_skip_builtin_dashboard(workspace, provider):
    inputs = {**registered("dev", "dim_user"), "warehouseId": "abc", "skipBuiltinDashboard": True}
    create(workspace, provider, inputs)
    answer = provider.client.api_client.do(
        "GET", f"/api/2.1/unity-catalog/tables/{inputs['tableName']}/monitor"
    )
    assert "warehouse_id" not in answer
    assert "skip_builtin_dashboard" not in answer


def test_the_api_returns_no_empty_list_and_keeps_an_empty_snapshot(workspace, provider):
    inputs = {**registered("dev", "dim_user"), "slicingExprs": []}
    create(workspace, provider, inputs)
    answer = provider.client.api_client.do(
        "GET", f"/api/2.1/unity-catalog/tables/{inputs['tableName']}/monitor"
    )
    assert "slicing_exprs" not in answer
    assert answer["snapshot"] == {}


def test_the_api_fills_the_read_only_pause_status(workspace, provider):
    state = create(workspace, provider, registered("prod", "dim_user"))
    assert state["schedule"] == {
        "pauseStatus": "UNPAUSED",
        "quartzCronExpression": "0 0 6 * * ?",
        "timezoneId": "UTC",
    }


# ---- every shipped monitor, both stacks ---------------------------------------------------------


@pytest.mark.parametrize(("stack", "table"), EVERY_MONITOR)
def test_the_state_after_create_round_trips(workspace, provider, stack, table):
    state = create(workspace, provider, registered(stack, table))
    assert state["status"] == MONITOR_STATUS_ACTIVE
    assert planned_changes(state, registered(stack, table)) == []


@pytest.mark.parametrize(("stack", "table"), EVERY_MONITOR)
def test_the_state_after_a_refresh_round_trips(workspace, provider, stack, table):
    refreshed = provider.read(create(workspace, provider, registered(stack, table)))
    assert refreshed is not None
    assert planned_changes(refreshed, registered(stack, table)) == []


@pytest.mark.parametrize(("stack", "table"), EVERY_MONITOR)
def test_the_state_after_adopt_round_trips(workspace, provider, stack, table):
    imported = provider.import_(create_by_old_scripts(workspace, registered(stack, table)))
    assert planned_changes(imported, registered(stack, table)) == []


@pytest.mark.parametrize(("stack", "table"), EVERY_MONITOR)
def test_the_state_after_an_in_place_update_round_trips(workspace, provider, stack, table):
    state = create(workspace, provider, registered(stack, table))
    edited = {**registered(stack, table), "slicingExprs": ["is_current"]}
    changes, updated = provider.up(state, edited)
    assert changes == ["slicingExprs"]
    assert provider.up(updated, edited)[0] == []
    refreshed = provider.read(updated)
    assert refreshed is not None
    assert planned_changes(refreshed, edited) == []


def test_custom_metrics_come_back_in_the_order_the_program_sends_them(workspace, provider):
    inputs = registered("prod", "fact_booking_daily")
    state = provider.read(create(workspace, provider, inputs))
    assert state is not None
    names = [m["name"] for m in state["customMetrics"]]
    assert names == [m["name"] for m in inputs["customMetrics"]] == sorted(names)


def test_the_computed_pause_status_is_kept_from_state_and_never_sent(workspace, provider):
    inputs = registered("prod", "fact_property_engagement")
    state = create(workspace, provider, inputs)
    assert "pauseStatus" not in inputs["schedule"]
    assert state["schedule"]["pauseStatus"] == "UNPAUSED"
    changes, _ = provider.up(
        state, {**inputs, "schedule": {**inputs["schedule"], "timezoneId": "CET"}}
    )
    assert changes == ["schedule"]
    put = [body for method, _, body in provider.requests if method == "PUT"]
    assert put and "pause_status" not in put[-1]["schedule"]


# ---- skip_builtin_dashboard: why `false` is no longer sent --------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_the_program_sends_skip_builtin_dashboard_only_when_true(stack):
    assert all("skipBuiltinDashboard" not in registered(stack, t) for t in TABLES)
    declaration = {**shipped_declarations()["dim_host"], "skip_builtin_dashboard": True}
    assert inputs_with("dim_host", declaration, stack)["skipBuiltinDashboard"] is True


def test_sending_false_makes_every_up_after_a_refresh_an_update(workspace, provider):
    before_the_fix = as_deployed_before_the_fix(registered("dev", "dim_host"))
    state = provider.read(create(workspace, provider, before_the_fix))
    assert state is not None and "skipBuiltinDashboard" not in state
    for _ in range(3):  # the provider's Update keeps the prior state's null: forever
        changes, state = provider.up(state, before_the_fix)
        assert changes == ["skipBuiltinDashboard"]


def test_adopting_with_false_sent_made_every_up_an_update(workspace, provider):
    before_the_fix = as_deployed_before_the_fix(registered("prod", "dim_host"))
    imported = provider.import_(create_by_old_scripts(workspace, before_the_fix))
    assert planned_changes(imported, before_the_fix) == ["skipBuiltinDashboard"]


def test_a_dashboardless_monitor_round_trips_through_a_refresh(workspace, provider):
    declaration = {**shipped_declarations()["dim_host"], "skip_builtin_dashboard": True}
    inputs = inputs_with("dim_host", declaration)
    state = create(workspace, provider, inputs)
    assert "dashboardId" not in state
    refreshed = provider.read(state)
    assert refreshed is not None
    assert planned_changes(refreshed, inputs) == []


# ---- a stack deployed before this fix -----------------------------------------------------------


def _without_record_flags(raw: str) -> str:
    """An entry without the flags a first deployment adds since the record fix (`no_trigger`:
    no replacement trigger was sent), i.e. as a settled stack writes it."""
    data = json.loads(raw)
    for flag in ("no_trigger", "first_trigger", "resetting"):
        data.pop(flag, None)
    return json.dumps(data, separators=(",", ":"))


@pytest.mark.parametrize("stack", STACKS)
def test_the_record_of_a_stack_deployed_before_the_fix_is_unchanged(stack):
    written = _main_run(stack).outputs[STRUCTURE_OUTPUT]["dim_user"]
    assert _without_record_flags(written) == RECORD_BEFORE_THE_FIX[stack]


@pytest.mark.parametrize("stack", STACKS)
def test_a_stack_deployed_before_the_fix_is_not_replaced(stack):
    record = {
        **{
            table: _without_record_flags(raw)
            for table, raw in _main_run(stack).outputs[STRUCTURE_OUTPUT].items()
        },
        "dim_user": RECORD_BEFORE_THE_FIX[stack],
    }
    run = run_with(shipped_declarations(), stack, last_outputs={STRUCTURE_OUTPUT: record})
    assert [w for w in run.warnings if HISTORY_WARNING in w] == []
    for table in TABLES:
        recorded_generation = json.loads(record[table])["generation"]
        assert run.monitor(table).replacement_trigger == recorded_generation
    assert run.outputs[STRUCTURE_OUTPUT] == record


@pytest.mark.parametrize(("stack", "table"), EVERY_MONITOR)
def test_an_upgraded_stack_plans_one_in_place_change_then_settles_after_a_refresh(
    workspace, provider, stack, table
):
    state = create(workspace, provider, as_deployed_before_the_fix(registered(stack, table)))
    assert planned_changes(state, registered(stack, table)) == ["skipBuiltinDashboard"]
    refreshed = provider.read(state)
    assert refreshed is not None
    assert planned_changes(refreshed, registered(stack, table)) == []


def test_an_upgraded_stack_that_is_never_refreshed_would_keep_updating_without_ignore_changes(
    workspace, provider
):
    state = create(workspace, provider, as_deployed_before_the_fix(registered("prod", "dim_user")))
    for _ in range(2):  # Update copies the stored false from the prior state, not the inputs
        changes, state = provider.up(state, registered("prod", "dim_user"))
        assert changes == ["skipBuiltinDashboard"]
        assert state["skipBuiltinDashboard"] is False


@pytest.mark.parametrize(("stack", "table"), EVERY_MONITOR)
def test_the_program_ignores_changes_to_the_inputs_the_api_never_returns(stack, table):
    assert _main_run(stack).monitor(table).ignore_changes == CREATE_ONLY_INPUTS


@pytest.mark.parametrize(("stack", "table"), EVERY_MONITOR)
def test_an_upgraded_stack_settles_without_a_refresh(workspace, provider, stack, table):
    state = create(workspace, provider, as_deployed_before_the_fix(registered(stack, table)))
    ignored = _main_run(stack).monitor(table).ignore_changes
    assert planned_changes(state, registered(stack, table), ignored) == []


def test_a_replacing_run_does_not_ignore_the_create_only_inputs():
    """The new monitor must be created with the new warehouse, not the old one."""
    first = run_with(shipped_declarations(), "dev")
    settled = run_with(shipped_declarations(), "dev", last_outputs=first.outputs)
    changed = run_with(
        shipped_declarations(), "dev", last_outputs=settled.outputs, warehouseId="wh2"
    )
    assert all(HISTORY_WARNING in w for w in changed.warnings)
    assert {changed.monitor(t).ignore_changes for t in TABLES} == {()}


# ---- other fields that must round-trip ----------------------------------------------------------


def test_a_destination_without_addresses_is_not_sent(workspace, provider):
    declaration = {
        **shipped_declarations()["dim_host"],
        "notifications": {"on_failure": {"email_addresses": []}},
    }
    inputs = inputs_with("dim_host", declaration)
    assert "notifications" not in inputs
    refreshed = provider.read(create(workspace, provider, inputs))
    assert refreshed is not None
    assert planned_changes(refreshed, inputs) == []


def test_an_empty_address_list_would_never_round_trip(workspace, provider):
    inputs = {
        **registered("prod", "dim_host"),
        "notifications": {"onFailure": {"emailAddresses": []}},
    }
    refreshed = provider.read(create(workspace, provider, inputs))
    assert refreshed is not None
    assert planned_changes(refreshed, inputs) == ["notifications"]


OTHER_SHAPES = {
    "inference log with optional columns": {
        "inference_log": {
            "problem_type": "classification",
            "timestamp_col": "created_at",
            "granularities": ["1 day"],
            "prediction_col": "prediction",
            "model_id_col": "model_version",
            "label_col": "label",
            "prediction_proba_col": "probability",
        }
    },
    "snapshot with a baseline": {"snapshot": {}, "baseline_table_name": "dim_host_baseline"},
    "data classification enabled": {
        "snapshot": {},
        "data_classification_config": {"enabled": True},
    },
    "data classification disabled": {
        "snapshot": {},
        "data_classification_config": {"enabled": False},
    },
    "both notification events": {
        "snapshot": {},
        "notifications": {
            "on_failure": {"email_addresses": ["a@example.com"]},
            "on_new_classification_tag_detected": {"email_addresses": ["b@example.com"]},
        },
    },
    "own schedule": {"snapshot": {}, "schedule": {"quartz_cron_expression": "0 30 2 * * ?"}},
}


@pytest.mark.parametrize("shape", OTHER_SHAPES.values(), ids=OTHER_SHAPES.keys())
@pytest.mark.parametrize("stack", STACKS)
def test_other_declaration_shapes_round_trip(workspace, provider, stack, shape):
    inputs = inputs_with("dim_host", {"custom_metrics": [], **shape}, stack)
    state = create(workspace, provider, inputs)
    assert planned_changes(state, inputs) == []
    refreshed = provider.read(state)
    assert refreshed is not None
    assert planned_changes(refreshed, inputs) == []
    assert planned_changes(provider.import_(inputs["tableName"]), inputs) == []


@pytest.mark.parametrize("stack", STACKS)
def test_a_configured_warehouse_round_trips_through_a_refresh(workspace, provider, stack):
    inputs = inputs_with("dim_host", shipped_declarations()["dim_host"], stack, warehouseId="wh1")
    assert inputs["warehouseId"] == "wh1"
    refreshed = provider.read(create(workspace, provider, inputs))
    assert refreshed is not None
    assert planned_changes(refreshed, inputs) == []


CREATE_ONLY_CASES = {
    "warehouseId": ({}, {"warehouseId": "wh1"}),
    "skipBuiltinDashboard": ({"skip_builtin_dashboard": True}, {}),
}


@pytest.mark.parametrize(
    ("declared", "config"), CREATE_ONLY_CASES.values(), ids=CREATE_ONLY_CASES.keys()
)
def test_an_adopted_monitor_plans_no_update_of_its_create_only_inputs(
    workspace, provider, declared, config
):
    """GET omits them and Read keeps only stored values; the program ignores changes to them."""
    declaration = {**shipped_declarations()["dim_host"], **declared}
    inputs = inputs_with("dim_host", declaration, **config)
    imported = provider.import_(create_by_old_scripts(workspace, inputs))
    (changed,) = planned_changes(imported, inputs)
    assert changed in CREATE_ONLY_INPUTS
    assert planned_changes(imported, inputs, CREATE_ONLY_INPUTS) == []


def test_a_failure_message_from_the_api_plans_an_update_no_input_can_prevent(workspace, provider):
    """latest_monitor_failure_msg is optional, not computed, in the provider (and Create:ERR)."""
    inputs = registered("prod", "dim_host")
    state = create(workspace, provider, inputs)
    workspace.set_monitor_status(
        inputs["tableName"], MONITOR_STATUS_ACTIVE, failure_msg="refresh failed"
    )
    refreshed = provider.read(state)
    assert refreshed is not None
    assert planned_changes(refreshed, inputs) == ["latestMonitorFailureMsg"]
