"""In a protected stack a replace needs a reset; a reset token lifts protection for one table."""

from __future__ import annotations

TABLE = "fact_booking_daily"
RESET = "monitors reset --stack prod --table fact_booking_daily"


def test_a_replace_in_a_protected_stack_needs_a_reset(repo):
    repo.edit_metric(TABLE, "total_bookings", output_data_type="double")
    report = repo.report("prod")
    assert report.code == 10
    assert report.monitor(TABLE)["needs_reset"] is True
    assert report.monitor(TABLE)["reset_command"] == RESET
    assert RESET in repo.report("prod", as_json=False).out


def test_a_replace_in_an_unprotected_stack_needs_no_reset(repo):
    repo.edit_metric(TABLE, "total_bookings", output_data_type="double")
    report = repo.report("dev")
    assert report.monitor(TABLE)["needs_reset"] is False
    assert report.monitor(TABLE)["reset_command"] is None


def test_a_reset_token_in_a_protected_stack_replaces_without_needing_another_reset(repo):
    repo.set_config("prod", resets={TABLE: "2026-11-26T10:00:00Z-a1"})
    report = repo.report("prod")
    assert report.code == 10
    assert report.outcome(TABLE) == "replaced"
    assert report.monitor(TABLE)["reasons"] == ["reset requested (token '2026-11-26T10:00:00Z-a1')"]
    assert report.monitor(TABLE)["reset_requested"] is True
    assert report.monitor(TABLE)["needs_reset"] is False
    assert report.others_unchanged(TABLE)


def test_a_new_token_for_an_earlier_reset_replaces_again(repo):
    repo.set_config("prod", resets={TABLE: "first"})
    repo.commit("first reset")
    repo.set_config("prod", resets={TABLE: "second"})
    report = repo.report("prod")
    assert report.outcome(TABLE) == "replaced"
    assert report.monitor(TABLE)["reasons"] == ["reset requested (token 'second')"]
