"""The one "did you mean": a known alias first, then the same name written another way, then
the closest spelling."""

from __future__ import annotations

from monitors.declared.suggest import did_you_mean

REGRESSION = ["mean_squared_error", "mean_average_error", "mean_absolute_percentage_error"]


def test_a_known_alias_comes_before_a_closer_spelling():
    assert did_you_mean("mean_absolute_error", REGRESSION) == "mean_average_error"


def test_an_alias_whose_target_is_not_known_here_is_not_offered():
    assert did_you_mean("mean_absolute_error", ["mean", "stddev"]) is None


def test_the_same_name_in_another_case_or_separator_comes_before_spelling():
    assert did_you_mean("warehouse_id", ["warehouseId", "warehouse"]) == "warehouseId"
    assert did_you_mean("EXCLUDEDTABLES", ["enabled", "excludedTables"]) == "excludedTables"


def test_then_the_closest_spelling():
    assert did_you_mean("treshold", ["threshold", "op", "metric"]) == "threshold"


def test_nothing_close_is_no_suggestion():
    assert did_you_mean("colour", ["catalog", "protect"]) is None


def test_a_known_name_needs_no_suggestion():
    assert did_you_mean("op", ["op"]) is None
