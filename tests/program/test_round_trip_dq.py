"""A refresh round-trip is a no-op on the data quality backend too.

Each DataQualityMonitor the program registers is created in the fake workspace the way the
provider creates it, read back the way `pulumi refresh` and `pulumi import` read it, and diffed
against the next run's inputs the way the bridge diffs them (tests/fakes/provider_read_dq.py
names the upstream code). Whether the new API's GET echoes `warehouse_id` and
`skip_builtin_dashboard` is not documented, so every case runs both ways (`echo`).
"""

from __future__ import annotations

import copy
import functools
import os
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config

from monitors.declared.settings import read_stack_config
from monitors.naming import DECLARATIONS_DIR
from tests.cli.test_plan_command import snake
from tests.fakes.mock_runtime import ProgramRun, mock_object_id, run_program
from tests.fakes.provider_read_dq import BridgedDataQualityMonitors, planned_changes
from tests.fakes.workspace import FakeWorkspace, VirtualClock
from tests.helpers.program import deploy_once, stack_config
from tests.program.test_round_trip import shipped_declarations

ROOT = Path(__file__).resolve().parents[2]
STACKS = ("dev", "prod")
TABLES = tuple(sorted(p.stem for p in DECLARATIONS_DIR.glob("*.yaml")))


@functools.cache
def _main_run(stack: str) -> ProgramRun:
    config = {**read_stack_config(stack), "lakehouse-monitors:api": "data_quality"}
    return run_program(
        lambda: runpy.run_path(str(ROOT / "__main__.py")), stack=stack, config=config
    )


def registered(stack: str, table: str) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The inputs and ignore_changes `__main__.py` registers for one monitor (fresh copies)."""
    registration = _main_run(stack).monitor(table)
    return copy.deepcopy(registration.inputs), registration.ignore_changes


def with_settings(stack: str, table: str, declaration: dict | None = None, **settings: Any):
    declarations = {**shipped_declarations(), **({table: declaration} if declaration else {})}
    run = deploy_once(
        declarations, stack=stack, config=stack_config(stack, api="data_quality", **settings)
    )
    return copy.deepcopy(run.monitor(table).inputs), run.monitor(table).ignore_changes


@pytest.fixture(params=[False, True], ids=["no-echo", "echo"])
def workspace(request, monkeypatch) -> Iterator[FakeWorkspace]:
    for name in [n for n in os.environ if n.startswith("DATABRICKS_")]:
        monkeypatch.delenv(name)
    with FakeWorkspace(echo_create_only=request.param) as fake:
        yield fake


@pytest.fixture
def provider(workspace) -> BridgedDataQualityMonitors:
    config = Config(
        host=workspace.host, token=workspace.token, auth_type="pat", clock=VirtualClock()
    )
    return BridgedDataQualityMonitors(WorkspaceClient(config=config))


def prepare(workspace: FakeWorkspace, stack: str, table: str) -> str:
    """The table and output schema, with the UUIDs the program's lookups answered."""
    catalog = "wanderbricks_dev" if stack == "dev" else "wanderbricks"
    output = f"{catalog}.wanderbricks_gold_monitoring"
    workspace.add_schema(output, mock_object_id("schema", output))
    full_name = f"{catalog}.wanderbricks_gold.{table}"
    workspace.add_table(full_name, table_id=mock_object_id("table", full_name))
    return full_name


def create(workspace, provider, stack: str, table: str, inputs: dict) -> dict[str, Any]:
    prepare(workspace, stack, table)
    return provider.create(inputs)


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("table", TABLES)
def test_the_state_after_create_and_after_a_refresh_round_trips(workspace, provider, stack, table):
    inputs, ignored = registered(stack, table)
    state = create(workspace, provider, stack, table, inputs)
    assert planned_changes(state, inputs) == []
    refreshed = provider.read(state)
    assert refreshed is not None
    assert planned_changes(refreshed, inputs, ignored) == []


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("table", TABLES)
def test_the_state_after_an_import_round_trips(workspace, provider, stack, table):
    """What migrate's import records: the same monitor read by `object_type,object_id`."""
    inputs, ignored = registered(stack, table)
    create(workspace, provider, stack, table, inputs)
    imported = provider.import_("table", inputs["objectId"])
    assert planned_changes(imported, inputs, ignored) == []


@pytest.mark.parametrize("stack", STACKS)
def test_the_state_after_an_in_place_update_round_trips(workspace, provider, stack):
    inputs, ignored = registered(stack, "dim_user")
    state = create(workspace, provider, stack, "dim_user", inputs)
    edited = copy.deepcopy(inputs)
    edited["dataProfilingConfig"]["slicingExprs"] = ["is_current"]
    changes, updated = provider.up(state, edited, ignored)
    assert changes == ["dataProfilingConfig"]
    patch = [(path, body) for method, path, body in provider.requests if method == "PATCH"]
    assert patch and patch[-1][0].endswith(f"/table/{inputs['objectId']}")
    assert provider.up(updated, edited, ignored)[0] == []
    refreshed = provider.read(updated)
    assert refreshed is not None and planned_changes(refreshed, edited, ignored) == []


def test_a_legacy_monitor_reads_as_the_same_monitor_through_the_new_api(workspace, provider):
    """One profile per table: what a migration imports is the monitor the legacy API made."""
    inputs, ignored = registered("prod", "fact_booking_daily")
    full_name = prepare(workspace, "prod", "fact_booking_daily")
    workspace.add_monitor(
        full_name,
        **_legacy_body(_main_legacy("prod").monitor("fact_booking_daily").inputs),
    )
    imported = provider.import_("table", inputs["objectId"])
    assert planned_changes(imported, inputs, ignored) == []


@functools.cache
def _main_legacy(stack: str) -> ProgramRun:
    return run_program(
        lambda: runpy.run_path(str(ROOT / "__main__.py")),
        stack=stack,
        config=read_stack_config(stack),
    )


def _legacy_body(inputs: dict[str, Any]) -> dict[str, Any]:
    """A legacy registration's inputs as the legacy API's body (what the old scripts sent)."""
    return {k: v for k, v in snake(inputs).items() if k != "table_name"}


CREATE_ONLY = {
    "warehouse": ({}, {"warehouseId": "wh1"}),
    "no dashboard": ({"skip_builtin_dashboard": True}, {}),
}


@pytest.mark.parametrize(("declared", "settings"), CREATE_ONLY.values(), ids=CREATE_ONLY)
def test_the_create_only_inputs_round_trip_only_because_changes_to_them_are_ignored(
    workspace, provider, declared, settings
):
    declaration = {**shipped_declarations()["dim_host"], **declared}
    inputs, ignored = with_settings("dev", "dim_host", declaration, **settings)
    refreshed = provider.read(create(workspace, provider, "dev", "dim_host", inputs))
    assert refreshed is not None
    if not workspace.echo_create_only:
        assert planned_changes(refreshed, inputs) == ["dataProfilingConfig"]
    assert planned_changes(refreshed, inputs, ignored) == []


def test_a_failure_message_from_the_service_plans_no_update(workspace, provider):
    """Unlike the legacy resource, the failure message is a computed attribute here."""
    inputs, ignored = registered("prod", "dim_host")
    state = create(workspace, provider, "prod", "dim_host", inputs)
    full_name = "wanderbricks.wanderbricks_gold.dim_host"
    workspace.set_monitor_status(full_name, "MONITOR_STATUS_ERROR", failure_msg="refresh failed")
    refreshed = provider.read(state)
    assert refreshed is not None
    assert refreshed["dataProfilingConfig"]["latestMonitorFailureMessage"] == "refresh failed"
    assert planned_changes(refreshed, inputs, ignored) == []


def test_a_monitor_deleted_outside_pulumi_leaves_the_state_on_refresh(workspace, provider):
    inputs, _ = registered("dev", "dim_user")
    state = create(workspace, provider, "dev", "dim_user", inputs)
    provider.client.data_quality.delete_monitor("table", inputs["objectId"])
    assert provider.read(state) is None
