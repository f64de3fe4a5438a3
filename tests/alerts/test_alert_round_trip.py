"""A refresh round trip of every alert is a no-op: the state the provider reads back equals the
next run's inputs (tests/fakes/alert_read.py names the provider code behind each step).

Each alert the program registers is created in the fake workspace as the provider creates it,
read back as `pulumi refresh` reads it, and diffed against the same inputs as the bridge diffs
them. An empty plan means `pulumi up` leaves the alert alone.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config
from databricks.sdk.service.sql import AlertV2

from tests.cli.test_plan_command import snake
from tests.fakes.alert_read import created_state, planned_changes, refreshed_state
from tests.fakes.engine import Engine
from tests.fakes.workspace import FakeWorkspace, VirtualClock
from tests.helpers.alerts import DESTINATIONS_LOOKUP, SHIPPED_ALERTS, alerting, the_alert
from tests.helpers.declarations import shipped_declarations
from tests.helpers.program import program_for


@pytest.fixture
def client() -> Iterator[WorkspaceClient]:
    with FakeWorkspace() as fake:
        config = Config(host=fake.host, token=fake.token, auth_type="pat", clock=VirtualClock())
        yield WorkspaceClient(config=config)


def round_trip(client: WorkspaceClient, inputs: dict) -> list[str]:
    """Create as the provider does, refresh, and plan against the same inputs."""
    created = client.alerts_v2.create_alert(AlertV2.from_dict(inputs))
    state = created_state(inputs, created.as_dict())
    read = client.alerts_v2.get_alert(created.id)
    return planned_changes(refreshed_state(state, read.as_dict()), inputs)


def registered(stack: str, declarations=None, invokes=None) -> dict[str, dict]:
    run = Engine(stack).evaluate(
        program_for(declarations or copy.deepcopy(shipped_declarations()), stack, alerting(stack)),
        invokes=invokes,
    )
    return {key: snake(r.inputs) for key, r in run.alerts().items()}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_a_refresh_of_every_shipped_alert_plans_no_update(client, stack):
    alerts = registered(stack)
    assert sorted(alerts) == sorted(SHIPPED_ALERTS)
    for key, inputs in alerts.items():
        assert round_trip(client, inputs) == [], key


def test_an_alert_telling_a_destination_round_trips_too(client):
    declarations = copy.deepcopy(shipped_declarations())
    the_alert(declarations, "dim_host.missing_host_emails")["notify"] = {
        "emails": ["hosts@wanderbricks.example"],
        "destinations": ["Host team"],
    }
    answer = {"notificationDestinations": [{"id": "d-7", "displayName": "Host team"}]}
    inputs = registered("dev", declarations, {DESTINATIONS_LOOKUP: answer})
    alert = inputs["dim_host.missing_host_emails"]
    assert alert["evaluation"]["notification"]["subscriptions"] == [
        {"user_email": "hosts@wanderbricks.example"},
        {"destination_id": "d-7"},
    ]
    assert round_trip(client, alert) == []


def test_leaving_out_the_pause_status_would_make_every_refresh_plan_an_update(client):
    """Why the program sends `pause_status`: the service fills it in, and the provider keeps it
    optional, not computed, so an input without it differs from every state read back."""
    inputs = registered("dev")["fact_booking_daily.cancellation_spike"]
    del inputs["schedule"]["pause_status"]
    assert round_trip(client, inputs) == ["schedule.pause_status"]
