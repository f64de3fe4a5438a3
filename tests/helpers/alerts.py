"""Stacks that deploy alerts: alert settings, the shipped alerts, and a stack as main left it
before alerts existed."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tests.fakes.engine import Checkpoint, Engine, ResourceState
from tests.helpers.declarations import shipped_declarations
from tests.helpers.program import Deployed, stack_config

ALERTING: dict[str, Any] = {
    "warehouse_id": "0123456789abcdef",
    "schedule": {"quartz_cron_expression": "0 30 6 * * ?", "timezone_id": "Europe/Amsterdam"},
    "notify": {"emails": ["data-quality@wanderbricks.example"]},
}
SHIPPED_ALERTS = (
    "dim_host.missing_host_emails",
    "fact_booking_daily.cancellation_spike",
    "fact_booking_daily.bookings_volume_drop",
    "fact_property_engagement.click_tracking_broken",
)
DESTINATIONS_LOOKUP = "databricks:index/getNotificationDestinations:getNotificationDestinations"
MAIN_STACKS = Path(__file__).parents[1] / "alerts" / "data" / "main_4dad6d0_stacks.json"


def alerting(stack: str = "dev", **overrides: Any) -> dict[str, Any]:
    """A real stack file's config that deploys alerts (`alerts` settings), with overrides."""
    return stack_config(stack, **{"alerts": copy.deepcopy(ALERTING), **overrides})


def alerts_of(declarations: dict[str, dict[str, Any]], table: str) -> list[dict[str, Any]]:
    return declarations[table]["alerts"]  # type: ignore[no-any-return]


def the_alert(declarations: dict[str, dict[str, Any]], key: str) -> dict[str, Any]:
    table, _, name = key.partition(".")
    return next(a for a in alerts_of(declarations, table) if a["name"] == name)


def main_stack(stack: str) -> Deployed:
    """A stack exactly as main@4dad6d0 (before alerts) left it: settled, the shipped monitors,
    its stack file as committed (tests/alerts/data, made by running that commit's program
    through the engine model twice)."""
    data = json.loads(MAIN_STACKS.read_text())["stacks"][stack]
    engine = Engine(stack)
    resources = {
        engine.urn(table): ResourceState(
            engine.urn(table), state["inputs"], state["trigger"], state["protect"]
        )
        for table, state in data["resources"].items()
    }
    engine.checkpoint = Checkpoint(resources, data["outputs"])
    return Deployed(engine, shipped_declarations(alerts=False), stack_config(stack))
