"""The alert change table, once: every kind of alert edit and what it does, alert by alert.

Alerts are resources of their own, so a row says what happens to each alert it concerns
(created, updated, replaced, deleted; every other alert is left alone) and to the monitor of the
edited table (left alone unless said). Both sides deploy alerts (`lakehouse-monitors:alerts` set)
unless a row changes that. The same rows drive the program tests
(tests/alerts/test_alert_change_table.py: the engine's step for every alert and monitor) and the
change report tests (tests/change_report/test_alert_change_table.py: each alert's outcome and
changed fields, and the exit code).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.change_table import TABLE, Side, shipped
from tests.helpers.alerts import ALERTING, SHIPPED_ALERTS

SPIKE = "fact_booking_daily.cancellation_spike"
DROP = "fact_booking_daily.bookings_volume_drop"
NEW = "fact_booking_daily.guests_spike"
NEW_ALERT = {"name": "guests_spike", "metric": "guests_per_booking", "op": ">", "threshold": 6}
ENGINE_OPS = {"created": "create", "updated": "update", "replaced": "replace", "deleted": "delete"}


def with_shipped_alerts() -> Side:
    """The shipped declarations with their alerts, and alert settings."""
    side = shipped()
    from tests.helpers.declarations import shipped_declarations

    for table, data in shipped_declarations().items():
        if "alerts" in data:
            side.declarations[table]["alerts"] = copy.deepcopy(data["alerts"])
    side.settings["alerts"] = copy.deepcopy(ALERTING)
    return side


def _alert(side: Side, key: str) -> dict[str, Any]:
    table, _, name = key.partition(".")
    alerts = side.declarations[table]["alerts"]
    return next(a for a in alerts if a["name"] == name)  # type: ignore[no-any-return]


def _edit(key: str, **fields: Any) -> Callable[[Side], None]:
    return lambda side: _alert(side, key).update(fields)


def _add(side: Side) -> None:
    side.declarations[TABLE]["alerts"].append(dict(NEW_ALERT))


def _remove(key: str) -> Callable[[Side], None]:
    def remove(side: Side) -> None:
        table = key.partition(".")[0]
        side.declarations[table]["alerts"].remove(_alert(side, key))

    return remove


def _rename_alert(side: Side) -> None:
    _alert(side, SPIKE)["name"] = "cancellations_up"


def _alerting(**fields: Any) -> Callable[[Side], None]:
    return lambda side: side.settings["alerts"].update(fields)


def _rename_watched_metric(side: Side) -> None:
    """A rename the alert follows: the monitor is replaced, the alert reads the new column."""
    metric = next(m for m in side.metrics() if m["name"] == "cancellation_rate")
    metric["name"] = "cancel_rate"
    _alert(side, SPIKE)["metric"] = "cancel_rate"


def _redefine_watched_metric(side: Side) -> None:
    metric = next(m for m in side.metrics() if m["name"] == "cancellation_rate")
    metric["definition"] = "total_cancellations / NULLIF(total_confirmed_bookings, 0)"


def _stop_alerting(side: Side) -> None:
    del side.settings["alerts"]


@dataclass(frozen=True)
class AlertRow:
    """One edit; `alerts` gives the outcome of each alert it concerns (report words)."""

    name: str
    change: Callable[[Side], None]
    alerts: dict[str, str]
    monitor: str = "same"  # the engine's step for TABLE's monitor
    fields: dict[str, list[str]] = field(default_factory=dict)  # report's changed_fields
    stack: str = "dev"

    def sides(self) -> tuple[Side, Side]:
        before = with_shipped_alerts()
        after = copy.deepcopy(before)
        self.change(after)
        return before, after

    def outcome(self, key: str) -> str:
        """The report's outcome for one alert of either side."""
        return self.alerts.get(key, "unchanged")

    @property
    def approval_required(self) -> bool:
        return self.monitor == "replace" or any(
            o in ("replaced", "deleted") for o in self.alerts.values()
        )


EVERY = dict.fromkeys(SHIPPED_ALERTS, "updated")
ALERT_ROWS: tuple[AlertRow, ...] = (
    AlertRow(
        "changing a threshold updates that alert in place",
        _edit(SPIKE, threshold=0.3),
        {SPIKE: "updated"},
        fields={SPIKE: ["query_text"]},
    ),
    AlertRow(
        "changing how many windows must violate updates that alert in place",
        _edit(SPIKE, windows=5, violations=3),
        {SPIKE: "updated"},
        fields={SPIKE: ["evaluation", "query_text"]},
    ),
    AlertRow(
        "changing a severity renames that alert in place",
        _edit(SPIKE, severity="warning"),
        {SPIKE: "updated"},
        fields={SPIKE: ["display_name"]},
    ),
    AlertRow(
        "changing who an alert tells updates it in place",
        _edit(SPIKE, notify={"emails": ["revenue@wanderbricks.example"]}),
        {SPIKE: "updated"},
        fields={SPIKE: ["evaluation"]},
    ),
    AlertRow("adding an alert creates only it", _add, {NEW: "created"}),
    AlertRow("removing an alert deletes only it", _remove(DROP), {DROP: "deleted"}),
    AlertRow(
        "renaming an alert deletes the old one and creates the new one",
        _rename_alert,
        {SPIKE: "deleted", "fact_booking_daily.cancellations_up": "created"},
    ),
    AlertRow(
        "changing the stack's alert schedule updates every alert in place",
        _alerting(schedule={"quartz_cron_expression": "0 0 8 * * ?", "timezone_id": "UTC"}),
        EVERY,
        fields={key: ["schedule"] for key in SHIPPED_ALERTS},
    ),
    AlertRow(
        "changing the stack's alert warehouse updates every alert in place",
        _alerting(warehouse_id="fedcba9876543210"),
        EVERY,
        fields={key: ["warehouse_id"] for key in SHIPPED_ALERTS},
    ),
    AlertRow(
        "renaming a watched metric with its alert following replaces the monitor and updates "
        "the alert in place",
        _rename_watched_metric,
        {SPIKE: "updated"},
        monitor="replace",
        fields={SPIKE: ["query_text"]},
    ),
    AlertRow(
        "redefining a watched metric updates the monitor and leaves the alert alone",
        _redefine_watched_metric,
        {},
        monitor="update",
    ),
    AlertRow(
        "a stack that stops setting lakehouse-monitors:alerts deletes its alerts",
        _stop_alerting,
        dict.fromkeys(SHIPPED_ALERTS, "deleted"),
    ),
)
ALERT_ROW_IDS = [row.name for row in ALERT_ROWS]
