"""Alerts in the engine model: existing stacks see no change, and alerts live beside their monitors.

The real program runs under Pulumi's mock runtime and tests/fakes/engine.py says what the engine
does with its registrations (the upstream function behind each rule is named there).
"""

from __future__ import annotations

import pytest

from monitors.desired.alert_record import ALERTS_OUTPUT
from monitors.desired.plan import make_plan, plan_document
from monitors.naming import alert_unprotect_command
from tests.cli.test_plan_command import snake
from tests.fakes.engine import Engine
from tests.helpers.alerts import (
    DESTINATIONS_LOOKUP,
    SHIPPED_ALERTS,
    alerting,
    main_stack,
    the_alert,
)
from tests.helpers.program import deployed, make_project, program_for, stack_config

SPIKE = "fact_booking_daily.cancellation_spike"
TABLE = "fact_booking_daily"
STACKS = ("dev", "prod")


@pytest.mark.parametrize("stack", STACKS)
def test_a_stack_deployed_before_alerts_sees_no_change_without_alerts_declared(stack):
    existing = main_stack(stack)
    result = existing.up()
    assert result.ok, result.errors
    assert result.changed == {}
    assert result.program.warnings == []
    assert ALERTS_OUTPUT not in existing.engine.checkpoint.outputs


@pytest.mark.parametrize("stack", STACKS)
def test_declared_alerts_change_nothing_in_a_stack_without_alert_settings(stack, declarations):
    existing = main_stack(stack)
    result = existing.up(declarations)
    assert result.ok and result.changed == {}
    assert result.program.alerts() == {}


@pytest.mark.parametrize("stack", STACKS)
def test_alert_settings_on_a_stack_deployed_before_alerts_only_create_the_alerts(
    stack, declarations
):
    existing = main_stack(stack)
    result = existing.up(declarations, alerting(stack))
    assert result.ok, result.errors
    assert result.changed == {existing.alert_urn(key): "create" for key in SHIPPED_ALERTS}
    assert sorted(existing.engine.checkpoint.outputs[ALERTS_OUTPUT]) == sorted(SHIPPED_ALERTS)
    again = existing.up()
    assert again.ok and again.changed == {}


def test_an_alert_is_registered_beside_its_monitor_protected_like_it(declarations):
    run = deployed(declarations, stack="prod", config=alerting("prod")).history[-1].program
    alert = run.alert(SPIKE)
    assert alert.protect is True
    assert alert.delete_before_replace is True
    assert alert.replace_on_changes == ("parentPath",)
    assert [u.split("::")[-1] for u in alert.dependencies] == [TABLE]
    assert alert.property_dependencies == {}  # nothing read from the monitor's outputs
    assert alert.replacement_trigger is None and alert.hooks == {}


def test_the_alerts_inputs_are_exactly_what_plan_prints(declarations):
    config = alerting("prod")
    document = plan_document(make_plan(make_project(declarations, "prod", config)))
    run = deployed(declarations, stack="prod", config=config).history[-1].program
    assert sorted(document["alerts"]) == sorted(run.alerts())
    for key, alert in document["alerts"].items():
        assert snake(run.alert(key).inputs) == alert["request"]
        assert run.alert(key).protect == alert["protect"]


def test_editing_an_alert_updates_only_that_alert(declarations):
    stack = deployed(declarations, config=alerting())
    the_alert(declarations, SPIKE)["threshold"] = 0.3
    result = stack.up(declarations)
    assert result.ok and result.changed == {stack.alert_urn(SPIKE): "update"}


@pytest.mark.parametrize("stack_name", STACKS)
def test_a_replaced_monitor_keeps_its_alerts_untouched_in_preview_and_up(stack_name, declarations):
    config = alerting(stack_name)
    stack = deployed(declarations, stack=stack_name, config=config)
    before = stack.alerts()
    # A rename replaces the monitor; a protected stack asks for it with a reset in the same change.
    metric = next(m for m in declarations[TABLE]["custom_metrics"] if m["name"] == "total_guests")
    metric["name"] = "guest_count"
    guests = next(
        m for m in declarations[TABLE]["custom_metrics"] if m["name"] == "guests_per_booking"
    )
    guests["definition"] = "guest_count / NULLIF(total_bookings, 0)"
    after = (
        {**config, "lakehouse-monitors:resets": {TABLE: "t-1"}} if stack_name == "prod" else config
    )
    preview = stack.preview(declarations, after)
    assert preview.changed == {stack.urn(TABLE): "replace"}
    result = stack.up(declarations, after)
    assert result.ok, result.errors
    assert result.changed == {stack.urn(TABLE): "replace"}
    assert stack.alerts() == before


def test_a_reset_lifts_protection_for_the_reset_monitors_alerts_for_that_run_only(declarations):
    stack = deployed(declarations, stack="prod", config=alerting("prod"))
    reset = stack.up(config=alerting("prod", resets={TABLE: "t-1"}))
    assert reset.ok and reset.changed == {stack.urn(TABLE): "replace"}
    assert not reset.program.alert(SPIKE).protect
    assert reset.program.alert("dim_host.missing_host_emails").protect
    settled = stack.up()
    assert settled.ok and settled.changed == {} and settled.program.alert(SPIKE).protect


def test_removing_an_alert_deletes_only_that_alert(declarations):
    stack = deployed(declarations, config=alerting())
    declarations[TABLE]["alerts"] = [
        a for a in declarations[TABLE]["alerts"] if a["name"] != "cancellation_spike"
    ]
    result = stack.up(declarations)
    assert result.ok and result.changed == {stack.alert_urn(SPIKE): "delete"}
    assert any(f"alert '{SPIKE}' is no longer declared" in w for w in result.program.warnings)


def test_deleting_an_alert_in_a_protected_stack_takes_the_unprotect_path(declarations):
    stack = deployed(declarations, stack="prod", config=alerting("prod"))
    declarations[TABLE]["alerts"].pop(0)
    refused = stack.up(declarations)
    assert not refused.ok and refused.changed == {stack.alert_urn(SPIKE): "delete"}
    assert any("cannot be deleted" in e for e in refused.errors)
    command = alert_unprotect_command("prod", TABLE, "cancellation_spike")
    assert any(command in w for w in refused.program.warnings)
    stack.engine.checkpoint = stack.engine.checkpoint.unprotect(stack.alert_urn(SPIKE))
    deleted = stack.up(declarations)
    assert deleted.ok and deleted.changed == {stack.alert_urn(SPIKE): "delete"}


def test_dropping_the_alert_settings_deletes_the_stacks_alerts_and_says_so(declarations):
    stack = deployed(declarations, config=alerting())
    result = stack.up(config=stack_config("dev"))
    assert result.ok
    assert result.changed == {stack.alert_urn(key): "delete" for key in SHIPPED_ALERTS}
    assert any("no longer sets lakehouse-monitors:alerts" in w for w in result.program.warnings)


def test_a_new_folder_replaces_an_alert_deleting_it_first(declarations):
    stack = deployed(declarations, config=alerting())
    result = stack.up(config=alerting(assetsRoot="/Workspace/Shared/monitoring/dev"))
    assert result.ok, result.errors
    assert {stack.alert_urn(k): "replace" for k in SHIPPED_ALERTS}.items() <= result.changed.items()
    assert all(r.delete_before_replace for r in result.program.alerts().values())


def test_destinations_are_resolved_by_name_before_anything_is_registered(declarations):
    the_alert(declarations, SPIKE)["notify"] = {"destinations": ["On-call Slack"]}
    answer = {
        "notificationDestinations": [
            {"id": "d-1", "displayName": "On-call Slack", "destinationType": "SLACK"},
            {"id": "d-2", "displayName": "On-call Slack (old)", "destinationType": "SLACK"},
        ]
    }
    engine = Engine("dev")
    run = engine.evaluate(
        program_for(declarations, "dev", alerting()), invokes={DESTINATIONS_LOOKUP: answer}
    )
    notification = run.alert(SPIKE).inputs["evaluation"]["notification"]
    assert notification["subscriptions"] == [{"destinationId": "d-1"}]


def test_an_unknown_destination_stops_the_run_before_anything_is_registered(declarations):
    the_alert(declarations, SPIKE)["notify"] = {"destinations": ["On-call Slack"]}
    engine = Engine("dev")
    run = engine.evaluate(
        program_for(declarations, "dev", alerting()),
        invokes={DESTINATIONS_LOOKUP: {"notificationDestinations": []}},
    )
    assert run.registrations == []
    assert str(run.failure) == (
        "monitors/declarations/fact_booking_daily.yaml: monitor fact_booking_daily: alerts[0] "
        "(cancellation_spike).notify.destinations[0]: no notification destination in the "
        "workspace is named 'On-call Slack' (names match exactly; an admin sees them under "
        "Settings > Notifications)"
    )


def test_the_program_notes_declared_alerts_its_stack_does_not_deploy_without_warning():
    import runpy

    from monitors.naming import PROJECT_ROOT
    from tests.fakes.mock_runtime import run_program

    run = run_program(
        lambda: runpy.run_path(str(PROJECT_ROOT / "__main__.py")),
        stack="dev",
        config=stack_config("dev"),
    )
    assert [i for i in run.infos if "deploys none of the 4 declared alerts" in i]
    assert not [w for w in run.warnings if "alerts" in w]


def test_alerts_read_the_metric_tables_their_monitor_reported_and_say_so(declarations):
    import dataclasses

    stack = deployed(declarations, config=alerting())
    outputs = dict(stack.engine.checkpoint.outputs)
    monitors = dict(outputs["monitors"])
    monitors[TABLE] = {
        **monitors[TABLE],
        "profile_metrics_table_name": "wanderbricks_dev.moved.fact_booking_daily_profile_metrics",
    }
    stack.engine.checkpoint = dataclasses.replace(
        stack.engine.checkpoint, outputs={**outputs, "monitors": monitors}
    )
    result = stack.up()
    assert result.ok and result.changed == {
        stack.alert_urn(SPIKE): "update",  # it reads the profile table
    }
    query = result.program.alert(SPIKE).inputs["queryText"]
    assert "FROM `wanderbricks_dev`.`moved`.`fact_booking_daily_profile_metrics`" in query
    assert any(
        w.startswith(f"monitor '{TABLE}' reported its metric tables as wanderbricks_dev.moved.")
        for w in result.program.warnings
    )


@pytest.mark.parametrize("api", ["legacy", "data_quality"])
def test_after_the_catalog_changes_alerts_read_the_new_monitors_tables_in_the_same_run(
    declarations, api
):
    backend = {} if api == "legacy" else {"api": api}
    stack = deployed(declarations, config=alerting(**backend))
    result = stack.up(declarations, alerting(catalog="wanderbricks_v2", **backend))
    assert result.ok, result.errors
    query = result.program.alert(SPIKE).inputs["queryText"]
    assert "FROM `wanderbricks_v2`.`wanderbricks_gold_monitoring`." in query
    assert stack.op(result, TABLE) == "replace"
    assert stack.alert_op(result, SPIKE) == "update"
    assert not [w for w in result.program.warnings if "reported its metric tables" in w]
    assert not stack.up().changed  # nothing left for the next run
