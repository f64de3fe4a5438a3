"""Validation returns refusals and warnings apart: a warning never stops a declaration loading."""

from __future__ import annotations

import pytest

from monitors.declared.checks import check_monitor, monitor_warnings, review_monitor
from monitors.declared.loader import load_declarations, parse_declaration
from monitors.declared.models import MonitorSpec
from monitors.naming import DECLARATIONS_DIR
from tests.helpers.declarations import TABLE, declaration, with_definition


def test_a_declaration_with_only_warnings_loads():
    data = with_definition("SUM(total_guests) -- guests")
    spec = parse_declaration(TABLE, data, f"{TABLE}.yaml")
    assert check_monitor(spec) == []
    (warning,) = monitor_warnings(spec)
    assert warning.field == "custom_metrics[3] (extra_metric).definition"


def test_a_review_holds_the_refusals_and_the_warnings_of_one_declaration():
    data = with_definition("SUM(total_guests) -- guests")
    data["slicing_exprs"] = ["country;"]

    review = review_monitor(MonitorSpec.model_validate(data))
    assert [p.field for p in review.problems] == ["slicing_exprs[0]"]
    assert [p.field for p in review.warnings] == ["custom_metrics[3] (extra_metric).definition"]


def test_the_schedule_of_a_declaration_is_warned_about_under_its_field():
    data = declaration(schedule={"quartz_cron_expression": "* * * * * ?", "timezone_id": "UTC"})
    spec = parse_declaration(TABLE, data, f"{TABLE}.yaml")
    assert [p.field for p in monitor_warnings(spec)] == ["schedule.quartz_cron_expression"]


@pytest.mark.parametrize("table", sorted(load_declarations(DECLARATIONS_DIR)))
def test_every_shipped_declaration_has_no_warning(table):
    assert monitor_warnings(load_declarations(DECLARATIONS_DIR)[table]) == []
