"""The change table: for every kind of edit, update in place, replace, or nothing.

Each test settles a stack with the shipped declarations, edits one thing, deploys again, and
checks the step the engine model takes for that monitor and for the others.
"""

from __future__ import annotations

import copy

import pytest

from tests.fakes.engine import Failure
from tests.program.conftest import deployed, stack_config

TABLE = "fact_booking_daily"
SNAPSHOT_TABLE = "dim_host"


def metrics(decls: dict, table: str = TABLE) -> list[dict]:
    return decls[table]["custom_metrics"]


def metric(decls: dict, name: str, table: str = TABLE) -> dict:
    return next(m for m in metrics(decls, table) if m["name"] == name)


NEW_AGGREGATE = {
    "name": "max_guests_in_a_day",
    "type": "aggregate",
    "input_columns": [":table"],
    "definition": "MAX(total_guests)",
    "output_data_type": "long",
}


def test_adding_a_metric_at_the_end_updates_in_place(declarations, transition):
    after = copy.deepcopy(declarations)
    metrics(after).append(NEW_AGGREGATE)
    result = transition(declarations, after)
    assert result.outcome(TABLE) == "update"
    assert result.others_untouched(TABLE)


def test_adding_a_metric_in_the_middle_updates_in_place(declarations, transition):
    after = copy.deepcopy(declarations)
    metrics(after).insert(3, NEW_AGGREGATE)
    result = transition(declarations, after)
    assert result.outcome(TABLE) == "update"
    assert result.others_untouched(TABLE)


def test_removing_a_metric_from_the_middle_updates_in_place(declarations, transition):
    after = copy.deepcopy(declarations)
    metrics(after).remove(metric(after, "guests_per_booking"))
    result = transition(declarations, after)
    assert result.outcome(TABLE) == "update"
    assert result.others_untouched(TABLE)


def test_removing_the_first_metric_updates_in_place(declarations, transition):
    after = copy.deepcopy(declarations)
    metrics(after).remove(metric(after, "booking_volume_drift"))
    result = transition(declarations, after)
    assert result.outcome(TABLE) == "update"


def test_changing_a_definition_updates_in_place(declarations, transition):
    after = copy.deepcopy(declarations)
    metric(after, "cancellation_rate")["definition"] = (
        "total_cancellations / NULLIF(total_confirmed_bookings, 0)"
    )
    result = transition(declarations, after)
    assert result.outcome(TABLE) == "update"
    assert result.others_untouched(TABLE)


def test_changing_slicing_updates_in_place(declarations, transition):
    after = copy.deepcopy(declarations)
    after[TABLE]["slicing_exprs"] = ["destination_id", "property_id"]
    assert transition(declarations, after).outcome(TABLE) == "update"


def test_changing_granularities_updates_in_place(declarations, transition):
    after = copy.deepcopy(declarations)
    after[TABLE]["time_series"]["granularities"] = ["1 day", "1 week", "1 month"]
    assert transition(declarations, after).outcome(TABLE) == "update"


def test_changing_a_monitors_schedule_updates_in_place(declarations, transition):
    after = copy.deepcopy(declarations)
    after[TABLE]["schedule"] = {"quartz_cron_expression": "0 30 5 * * ?", "timezone_id": "UTC"}
    result = transition(declarations, after, stack="prod")
    assert result.outcome(TABLE) == "update"
    assert result.others_untouched(TABLE)


def test_changing_the_stack_schedule_updates_every_monitor_in_place(declarations, transition):
    config = stack_config(
        "prod", schedule={"quartz_cron_expression": "0 0 7 * * ?", "timezone_id": "Europe/Paris"}
    )
    result = transition(declarations, declarations, stack="prod", config_after=config)
    assert {result.outcome(t) for t in declarations} == {"update"}


def test_changing_notifications_updates_in_place(declarations, transition):
    after = copy.deepcopy(declarations)
    after[TABLE]["notifications"] = {"on_failure": {"email_addresses": ["bookings@team.example"]}}
    result = transition(declarations, after)
    assert result.outcome(TABLE) == "update"
    assert result.others_untouched(TABLE)


def test_changing_the_baseline_table_updates_in_place(declarations, transition):
    before = copy.deepcopy(declarations)
    before[TABLE]["baseline_table_name"] = "fact_booking_daily_baseline_2025"
    after = copy.deepcopy(declarations)
    after[TABLE]["baseline_table_name"] = "fact_booking_daily_baseline_2026"
    assert transition(before, after).outcome(TABLE) == "update"


def test_reordering_metrics_changes_nothing(declarations, transition):
    after = copy.deepcopy(declarations)
    after[TABLE]["custom_metrics"] = list(reversed(metrics(after)))
    result = transition(declarations, after)
    assert {result.outcome(t) for t in declarations} == {"same"}


def test_renaming_a_metric_replaces(declarations, transition):
    after = copy.deepcopy(declarations)
    metric(after, "total_guests")["name"] = "guest_count"
    metric(after, "guests_per_booking")["definition"] = "guest_count / NULLIF(total_bookings, 0)"
    result = transition(declarations, after)
    assert result.outcome(TABLE) == "replace"
    assert result.others_untouched(TABLE)


def test_changing_a_metrics_input_columns_replaces(declarations, transition):
    after = copy.deepcopy(declarations)
    changed = metric(after, "avg_nights_booked")
    changed["input_columns"] = ["avg_nights_booked"]
    changed["definition"] = "AVG(CAST(`{{input_column}}` AS DOUBLE))"
    result = transition(declarations, after)
    assert result.outcome(TABLE) == "replace"
    assert result.others_untouched(TABLE)


def test_changing_a_metrics_type_replaces(declarations, transition):
    after = copy.deepcopy(declarations)
    metric(after, "booking_volume_drift")["type"] = "aggregate"
    metric(after, "booking_volume_drift")["definition"] = "STDDEV(booking_count)"
    assert transition(declarations, after).outcome(TABLE) == "replace"


def test_changing_a_metrics_output_data_type_replaces(declarations, transition):
    after = copy.deepcopy(declarations)
    metric(after, "total_bookings")["output_data_type"] = "double"
    result = transition(declarations, after)
    assert result.outcome(TABLE) == "replace"
    assert result.others_untouched(TABLE)


def test_switching_profile_type_replaces(declarations, transition):
    after = copy.deepcopy(declarations)
    after[SNAPSHOT_TABLE].pop("snapshot")
    after[SNAPSHOT_TABLE]["time_series"] = {
        "timestamp_col": "joined_at",
        "granularities": ["1 day"],
    }
    result = transition(declarations, after)
    assert result.outcome(SNAPSHOT_TABLE) == "replace"
    assert result.others_untouched(SNAPSHOT_TABLE)


def test_changing_assets_dir_replaces(declarations, transition):
    config = stack_config("dev", assetsRoot="/Workspace/Shared/monitoring_v2")
    result = transition(declarations, declarations, config_after=config)
    assert {result.outcome(t) for t in declarations} == {"replace"}


def test_changing_warehouse_id_replaces(declarations, transition):
    config = stack_config("dev", warehouseId="0123456789abcdef")
    result = transition(declarations, declarations, config_after=config)
    assert {result.outcome(t) for t in declarations} == {"replace"}


def test_changing_skip_builtin_dashboard_replaces(declarations, transition):
    after = copy.deepcopy(declarations)
    after[TABLE]["skip_builtin_dashboard"] = True
    result = transition(declarations, after)
    assert result.outcome(TABLE) == "replace"
    assert result.others_untouched(TABLE)


def test_new_reset_token_replaces_that_monitor_only(declarations, transition):
    config = stack_config("dev", resets={TABLE: "2026-11-26T10:00:00Z-a1"})
    result = transition(declarations, declarations, config_after=config)
    assert result.outcome(TABLE) == "replace"
    assert result.others_untouched(TABLE)


def test_reset_token_left_in_config_changes_nothing_on_the_next_run(declarations, transition):
    config = stack_config("dev", resets={TABLE: "2026-11-26T10:00:00Z-a1"})
    result = transition(declarations, declarations, config_before=config, config_after=config)
    assert {result.outcome(t) for t in declarations} == {"same"}


def test_every_monitor_deletes_before_it_replaces(declarations, transition):
    result = transition(declarations, declarations)
    assert all(r.delete_before_replace for r in result.after.registrations)


@pytest.mark.parametrize("continue_on_error", [False, True], ids=["plain", "continue-on-error"])
def test_a_replace_survives_a_failed_run(declarations, continue_on_error):
    """Whether or not the failed run recorded its outputs, the retry finishes the replace.

    Without --continue-on-error the failed run records no outputs; with it, it records what
    it asked for. Either way the engine keeps the deleted monitor as pending replacement, the
    next plain `pulumi up` creates it, and the run after changes nothing.
    """
    after = copy.deepcopy(declarations)
    metric(after, "total_bookings")["output_data_type"] = "double"
    stack = deployed(declarations)
    failed = stack.up(
        after, fail=Failure(stack.urn(TABLE), "create"), continue_on_error=continue_on_error
    )
    assert not failed.ok
    assert failed.outputs_recorded == ("merged" if continue_on_error else "none")
    retry = stack.up()
    assert retry.ok and retry.changed == {stack.urn(TABLE): "replace"}
    assert stack.up().changed == {}
