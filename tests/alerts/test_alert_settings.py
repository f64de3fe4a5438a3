"""The stack's alert settings (`lakehouse-monitors:alerts`): read alike from the stack file and
from the engine, and refused naming the key when they could never work."""

from __future__ import annotations

import json

import pytest

from monitors.declared.advice import project_notes, project_warnings
from monitors.errors import StackConfigError
from tests.declared.test_stack_settings import BASE, ENGINE_BASE, FILE, from_file
from tests.helpers.alerts import ALERTING, alerting
from tests.helpers.declarations import shipped_declarations
from tests.helpers.program import make_project

FILE_ALERTS = (
    "  lakehouse-monitors:alerts:\n"
    "    warehouse_id: 0123456789abcdef\n"
    "    schedule:\n"
    "      quartz_cron_expression: 0 30 6 * * ?\n"
    "      timezone_id: Europe/Amsterdam\n"
    "    notify:\n"
    "      emails: [data-quality@wanderbricks.example]\n"
    "      destinations: [On-call Slack]\n"
)


def test_the_alert_settings_read_the_same_from_the_file_and_from_the_engine():
    from monitors.declared.settings import settings_from_config

    from_the_file = from_file(FILE_ALERTS).alerts
    engine = {
        **ENGINE_BASE,
        "lakehouse-monitors:alerts": json.dumps(
            {**ALERTING, "notify": {**ALERTING["notify"], "destinations": ["On-call Slack"]}}
        ),
    }
    assert from_the_file == settings_from_config("prod", engine, FILE).alerts
    assert from_the_file is not None and from_the_file.schedule.timezone_id == "Europe/Amsterdam"


REFUSED = [
    (
        "  lakehouse-monitors:alerts:\n    schedule: {quartz_cron_expression: 0 0 7 * * ?}\n",
        "Pulumi.prod.yaml: lakehouse-monitors:alerts.warehouse_id: is required",
    ),
    (
        "  lakehouse-monitors:alerts:\n    warehouse_id: https://x.cloud.databricks.com/sql/1\n"
        "    schedule: {quartz_cron_expression: 0 0 7 * * ?}\n",
        "Pulumi.prod.yaml: lakehouse-monitors:alerts.warehouse_id: "
        "'https://x.cloud.databricks.com/sql/1' is not a SQL warehouse ID (letters, digits, '-' "
        "and '_' only; copy the ID from the warehouse's Connection details, not its URL)",
    ),
    (
        "  lakehouse-monitors:alerts:\n    warehouse_id: abc\n"
        "    schedule: {quartz_cron_expression: 0 0 7 * *}\n",
        "Pulumi.prod.yaml: lakehouse-monitors:alerts.schedule.quartz_cron_expression:",
    ),
    (
        "  lakehouse-monitors:alerts:\n    warehouse_id: abc\n"
        "    schedule: {quartz_cron_expression: 0 0 7 * * ?, timezone_id: Europe/Amsterdamm}\n",
        "Pulumi.prod.yaml: lakehouse-monitors:alerts.schedule.timezone_id:",
    ),
    (
        "  lakehouse-monitors:alerts:\n    warehouse_id: abc\n    schedul: {}\n",
        "Pulumi.prod.yaml: lakehouse-monitors:alerts.schedul: unknown key",
    ),
]


@pytest.mark.parametrize(("extra", "message"), REFUSED)
def test_alert_settings_that_could_never_work_are_refused_naming_the_key(extra, message):
    with pytest.raises(StackConfigError) as caught:
        from_file(extra, BASE)
    assert any(line.startswith(message) for line in str(caught.value).splitlines()), caught.value


def test_an_alert_telling_nobody_is_a_warning():
    config = alerting()
    del config["lakehouse-monitors:alerts"]["notify"]
    warnings = project_warnings(make_project(shipped_declarations(), "dev", config))
    assert (
        "monitors/declarations/fact_booking_daily.yaml: monitor fact_booking_daily: alerts[0] "
        "(cancellation_spike).notify: tells nobody when it fires: set notify here, or "
        "lakehouse-monitors:alerts.notify for the stack"
    ) in warnings
    assert len([w for w in warnings if "tells nobody" in w]) == 4


def test_a_stack_without_alert_settings_says_which_declared_alerts_it_does_not_deploy():
    from tests.helpers.program import stack_config

    project = make_project(shipped_declarations(), "dev", stack_config("dev"))
    assert project_notes(project) == [
        "Pulumi.dev.yaml: lakehouse-monitors:alerts is not set, so this stack deploys none of "
        "the 4 declared alerts (dim_host.missing_host_emails, "
        "fact_booking_daily.cancellation_spike, fact_booking_daily.bookings_volume_drop, "
        "fact_property_engagement.click_tracking_broken); set its warehouse_id and schedule to "
        "deploy them"
    ]
    assert project_notes(make_project(shipped_declarations(), "dev", alerting())) == []


def test_a_warehouse_id_of_digits_only_is_the_id_in_text():
    extra = (
        "  lakehouse-monitors:alerts:\n    warehouse_id: 1234567890123456\n"
        "    schedule: {quartz_cron_expression: 0 0 7 * * ?}\n"
    )
    settings = from_file(extra)
    assert settings.alerts is not None and settings.alerts.warehouse_id == "1234567890123456"
