"""Production: monitors are protected; only an explicit reset lifts protection, for one run.

Each test deploys a settled stack through the engine model (`tests.fakes.engine`), so "the
preview fails" means the engine's protect error, not a flag compared by hand.
"""

from __future__ import annotations

import copy

from tests.helpers.program import deploy_once, deployed, stack_config

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
    stack = deployed(declarations, stack="prod")
    preview = stack.preview(rename_total_guests(declarations))
    assert preview.program.monitor(TABLE).protect is True
    (error,) = preview.errors
    assert "unable to replace resource" in error and stack.urn(TABLE) in error
    assert any(
        "protects its monitors" in w and "reset --stack prod" in w for w in preview.program.warnings
    )


def test_new_reset_token_lifts_protection_for_that_monitor_only(declarations):
    stack = deployed(declarations, stack="prod")
    result = stack.up(config=stack_config("prod", resets={TABLE: TOKEN}))
    assert {r.name: r.protect for r in result.program.registrations} == {
        "dim_host": True,
        "dim_property": True,
        "dim_user": True,
        TABLE: False,
        "fact_property_engagement": True,
    }
    assert result.ok and result.changed == {stack.urn(TABLE): "replace"}


def test_protection_returns_on_the_run_after_a_reset(declarations):
    stack = deployed(declarations, stack="prod")
    reset = stack.up(config=stack_config("prod", resets={TABLE: TOKEN}))
    assert reset.ok and not stack.protected(TABLE)
    after = stack.up()
    assert after.ok and after.changed == {}
    assert after.program.monitor(TABLE).protect is True and stack.protected(TABLE)


def test_rename_with_a_reset_in_prod_replaces_unprotected(declarations):
    stack = deployed(declarations, stack="prod")
    config = stack_config("prod", resets={TABLE: TOKEN})
    result = stack.up(rename_total_guests(declarations), config)
    assert result.program.monitor(TABLE).protect is False
    assert result.ok and result.changed == {stack.urn(TABLE): "replace"}


def test_preview_names_the_monitor_the_reason_and_the_history_loss(declarations):
    stack = deployed(declarations)
    preview = stack.preview(rename_total_guests(declarations))
    (warning,) = preview.program.warnings
    assert f"monitor '{TABLE}' will be REPLACED" in warning
    assert "metric 'total_guests' renamed to 'guest_count'" in warning
    assert "history older than about 30 days will be lost" in warning


def test_preview_warns_when_a_monitor_will_be_deleted(declarations):
    stack = deployed(declarations, stack="prod")
    config = stack_config("prod", enabled=["dim_host", "dim_property", "dim_user", TABLE])
    preview = stack.preview(config=config)
    (warning,) = preview.program.warnings
    assert "'fact_property_engagement' is no longer declared or enabled" in warning
    assert "pulumi state unprotect" in warning
    (error,) = preview.errors
    assert "cannot be deleted" in error and "fact_property_engagement" in error


def test_an_ordinary_update_is_silent(declarations):
    after = copy.deepcopy(declarations)
    after[TABLE]["slicing_exprs"] = ["destination_id", "property_id"]
    stack = deployed(declarations)
    result = stack.up(after)
    assert result.program.warnings == [] and result.changed == {stack.urn(TABLE): "update"}
