"""Production: monitors are protected; only an explicit reset lifts protection, for one run."""

from __future__ import annotations

import copy

from tests.program.conftest import deploy_once, stack_config

TABLE = "fact_booking_daily"
TOKEN = "2026-11-26T10:00:00Z-a1"


def rename_total_guests(declarations: dict) -> dict:
    after = copy.deepcopy(declarations)
    for m in after[TABLE]["custom_metrics"]:
        if m["name"] == "total_guests":
            m["name"] = "guest_count"
        if m["name"] == "guests_per_booking":
            m["definition"] = "guest_count / NULLIF(total_bookings, 0)"
    return after


def test_prod_protects_every_monitor(declarations):
    run = deploy_once(declarations, stack="prod")
    assert [r.protect for r in run.registrations] == [True] * 5


def test_dev_does_not_protect_monitors(declarations):
    run = deploy_once(declarations, stack="dev")
    assert not any(r.protect for r in run.registrations)


def test_unplanned_replace_in_prod_stays_protected_so_the_preview_fails(declarations):
    first = deploy_once(declarations, stack="prod")
    second = deploy_once(rename_total_guests(declarations), stack="prod", last=first)
    monitor = second.monitor(TABLE)
    assert monitor.replacement_trigger != first.monitor(TABLE).replacement_trigger
    assert monitor.protect is True
    assert any("protects its monitors" in w and "reset --stack prod" in w for w in second.warnings)


def test_new_reset_token_lifts_protection_for_that_monitor_only(declarations):
    first = deploy_once(declarations, stack="prod")
    config = stack_config("prod", resets={TABLE: TOKEN})
    second = deploy_once(declarations, stack="prod", config=config, last=first)
    assert {r.name: r.protect for r in second.registrations} == {
        "dim_host": True,
        "dim_property": True,
        "dim_user": True,
        TABLE: False,
        "fact_property_engagement": True,
    }


def test_protection_returns_on_the_run_after_a_reset(declarations):
    config = stack_config("prod", resets={TABLE: TOKEN})
    first = deploy_once(declarations, stack="prod")
    reset = deploy_once(declarations, stack="prod", config=config, last=first)
    after = deploy_once(declarations, stack="prod", config=config, last=reset)
    assert after.monitor(TABLE).protect is True
    assert after.monitor(TABLE).replacement_trigger == reset.monitor(TABLE).replacement_trigger


def test_rename_with_a_reset_in_prod_replaces_unprotected(declarations):
    first = deploy_once(declarations, stack="prod")
    config = stack_config("prod", resets={TABLE: TOKEN})
    second = deploy_once(rename_total_guests(declarations), stack="prod", config=config, last=first)
    monitor = second.monitor(TABLE)
    assert monitor.protect is False
    assert monitor.replacement_trigger != first.monitor(TABLE).replacement_trigger


def test_preview_names_the_monitor_the_reason_and_the_history_loss(declarations):
    first = deploy_once(declarations)
    second = deploy_once(rename_total_guests(declarations), last=first)
    (warning,) = second.warnings
    assert f"monitor '{TABLE}' will be REPLACED" in warning
    assert "metric 'total_guests' renamed to 'guest_count'" in warning
    assert "history older than about 30 days will be lost" in warning


def test_preview_warns_when_a_monitor_will_be_deleted(declarations):
    first = deploy_once(declarations, stack="prod")
    config = stack_config("prod", enabled=["dim_host", "dim_property", "dim_user", TABLE])
    second = deploy_once(declarations, stack="prod", config=config, last=first)
    (warning,) = second.warnings
    assert "'fact_property_engagement' is no longer declared or enabled" in warning
    assert "pulumi state unprotect" in warning


def test_an_ordinary_update_is_silent(declarations):
    after = copy.deepcopy(declarations)
    after[TABLE]["slicing_exprs"] = ["destination_id", "property_id"]
    first = deploy_once(declarations)
    assert deploy_once(after, last=first).warnings == []
