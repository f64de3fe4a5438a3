"""The history facts `migrate` reads, through either API of the fake workspace and the real SDK,
and the IDs `pulumi import` takes for each monitor type."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config

from monitors.naming import API_DATA_QUALITY, API_LEGACY
from monitors.workspace.migration import MonitorFacts, import_id, read_facts
from tests.fakes.workspace import FakeWorkspace, VirtualClock

TABLE = "cat.gold.dim_host"


@pytest.fixture
def fake() -> Iterator[FakeWorkspace]:
    with FakeWorkspace() as workspace:
        workspace.add_schema("cat.monitoring")
        workspace.add_monitor(TABLE, output_schema_name="cat.monitoring")
        workspace.initialise_monitor(TABLE)
        workspace.set_monitor_status(TABLE, "MONITOR_STATUS_ACTIVE", monitor_version=7)
        yield workspace


@pytest.fixture
def client(fake: FakeWorkspace) -> WorkspaceClient:
    config = Config(host=fake.host, token=fake.token, auth_type="pat", clock=VirtualClock())
    return WorkspaceClient(config=config)


def test_both_apis_read_the_same_facts_of_one_monitor(fake, client):
    legacy = read_facts(client, API_LEGACY, TABLE)
    new = read_facts(client, API_DATA_QUALITY, TABLE)
    assert legacy == new
    assert legacy == MonitorFacts(
        7,
        fake.monitors[TABLE]["dashboard_id"],
        "cat.monitoring.dim_host_profile_metrics",
        "cat.monitoring.dim_host_drift_metrics",
        "MONITOR_STATUS_ACTIVE",
    )


def test_a_table_without_a_monitor_has_no_facts_on_either_api(fake, client):
    fake.add_table("cat.gold.dim_user")
    assert read_facts(client, API_LEGACY, "cat.gold.dim_user") is None
    assert read_facts(client, API_DATA_QUALITY, "cat.gold.dim_user") is None
    assert read_facts(client, API_DATA_QUALITY, "cat.gold.missing") is None


def test_the_import_id_is_the_table_name_or_table_and_its_uuid(fake, client):
    assert import_id(client, API_LEGACY, TABLE) == TABLE
    assert import_id(client, API_DATA_QUALITY, TABLE) == f"table,{fake.table_id_of(TABLE)}"
    assert import_id(client, API_DATA_QUALITY, "cat.gold.missing") is None


def test_only_the_history_facts_count_as_changes():
    before = MonitorFacts(3, "d1", "p", "q", "MONITOR_STATUS_ACTIVE")
    assert before.changes(MonitorFacts(3, "d1", "p", "q", "MONITOR_STATUS_PENDING")) == []
    assert before.changes(MonitorFacts(1, "d2", "p", None, "MONITOR_STATUS_ACTIVE")) == [
        "monitor_version: 3 -> 1",
        "dashboard: d1 -> d2",
        "drift metrics table: q -> None",
    ]
