"""An alert's names: its resource name and URN (never changing with its monitor), and a display
name that says severity, table, alert and stack, and reads back, copies included."""

from __future__ import annotations

import pytest

from monitors.naming import (
    AlertName,
    alert_display_name,
    alert_of_urn,
    alert_urn,
    monitor_table,
    monitor_urn,
    parse_alert_display_name,
)


def test_an_alerts_urn_sits_beside_its_monitors_and_names_table_and_alert():
    urn = alert_urn("org/lakehouse-monitors/prod", "fact_booking_daily", "cancellation_spike")
    assert urn == (
        "urn:pulumi:prod::lakehouse-monitors::databricks:index/alertV2:AlertV2::"
        "fact_booking_daily.cancellation_spike"
    )
    assert alert_of_urn(urn) == ("fact_booking_daily", "cancellation_spike")
    assert monitor_table(urn) is None
    assert alert_of_urn(monitor_urn("prod", "fact_booking_daily")) is None


def test_a_display_name_reads_back_and_a_renamed_copy_is_recognised():
    name = alert_display_name("prod", "dim_host", "missing_host_emails", "critical")
    assert name == "[CRITICAL] dim_host.missing_host_emails (prod)"
    assert parse_alert_display_name(name) == AlertName(
        "prod", "dim_host", "missing_host_emails", "critical"
    )
    assert parse_alert_display_name(name + " (1)") == AlertName(
        "prod", "dim_host", "missing_host_emails", "critical", 1
    )


@pytest.mark.parametrize(
    "name",
    [
        "High Error Rate Alert",
        "[URGENT] dim_host.x (prod)",
        "[WARNING] dim_host (prod)",
        "[WARNING] dim_host.x prod",
    ],
)
def test_other_display_names_are_not_ours(name):
    assert parse_alert_display_name(name) is None
