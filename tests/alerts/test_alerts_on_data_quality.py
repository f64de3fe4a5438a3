"""Alerts on the data_quality backend: the same alerts, beside a DataQualityMonitor.

An alert reads its monitor's metric tables by name and only depends on the monitor for order, so
the backend the monitor is deployed through changes nothing about the alert.
"""

from __future__ import annotations

from monitors.naming import DQ_RESOURCE_TYPE
from tests.helpers.alerts import SHIPPED_ALERTS, alerting
from tests.helpers.program import deployed

TABLE = "fact_booking_daily"
SPIKE = "fact_booking_daily.cancellation_spike"


def data_quality(stack: str = "dev") -> dict:
    return alerting(stack, api="data_quality")


def test_alerts_depend_on_their_data_quality_monitor(declarations):
    run = deployed(declarations, config=data_quality()).history[-1].program
    alert = run.alert(SPIKE)
    (dependency,) = alert.dependencies
    assert dependency.split("::")[2].endswith(DQ_RESOURCE_TYPE)
    assert dependency.split("::")[-1] == TABLE
    assert alert.property_dependencies == {}


def test_alerts_read_the_same_metric_tables_on_either_backend(declarations):
    legacy = deployed(declarations, config=alerting()).history[-1].program
    quality = deployed(declarations, config=data_quality()).history[-1].program
    for key in SHIPPED_ALERTS:
        assert quality.alert(key).inputs == legacy.alert(key).inputs


def test_a_replaced_data_quality_monitor_keeps_its_alerts_untouched(declarations):
    stack = deployed(declarations, config=data_quality())
    before = stack.alerts()
    metric = next(m for m in declarations[TABLE]["custom_metrics"] if m["name"] == "total_guests")
    metric["name"] = "guest_count"
    guests = next(
        m for m in declarations[TABLE]["custom_metrics"] if m["name"] == "guests_per_booking"
    )
    guests["definition"] = "guest_count / NULLIF(total_bookings, 0)"
    result = stack.up(declarations)
    assert result.ok, result.errors
    assert result.changed == {stack.urn(TABLE): "replace"}
    assert stack.alerts() == before
