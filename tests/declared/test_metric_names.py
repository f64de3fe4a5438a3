"""A metric's name is a column of a metric table: an identifier, unique, not a built-in column.

Sources: Databricks docs, "Monitor metric tables" (the profile and drift metrics table schemas:
aggregate and derived metrics are profile-table columns, drift metrics drift-table columns);
Databricks SQL reference, "Names" (object names at most 255 characters; "queries against Unity
Catalog tables are case-insensitive").
"""

from __future__ import annotations

import pytest

from monitors.declared import metric_tables
from tests.declared.declaration_cases import refusals, warnings
from tests.helpers.declarations import declaration, inference, with_metric


def metric_named(name: str, kind: str = "aggregate", data: dict | None = None) -> dict:
    definition = {
        "aggregate": "SUM(total_guests)",
        "derived": "total_bookings * 2",
        "drift": "{{current_df}}.total_bookings - {{base_df}}.total_bookings",
    }[kind]
    return with_metric(data or declaration(), name=name, type=kind, definition=definition)


@pytest.mark.parametrize(
    "column", sorted(metric_tables.PROFILE_GROUPING | metric_tables.PROFILE_STATISTICS)
)
@pytest.mark.parametrize("kind", ["aggregate", "derived"])
def test_a_profile_metric_named_like_a_profile_table_column_is_refused(kind, column):
    (line,) = refusals(metric_named(column, kind))
    assert line == (
        f"custom_metrics[3] ({column}).name: collides with the built-in column {column!r} of "
        "the profile metrics table (Databricks docs, 'Monitor metric tables'): choose another name"
    )


@pytest.mark.parametrize(
    "column", sorted(metric_tables.DRIFT_GROUPING | metric_tables.DRIFT_STATISTICS)
)
def test_a_drift_metric_named_like_a_drift_table_column_is_refused(column):
    (line,) = refusals(metric_named(column, "drift"))
    assert "collides with the built-in column" in line
    assert "of the drift metrics table" in line


def test_a_collision_ignores_case():
    (line,) = refusals(metric_named("Slice_Key"))
    assert "collides with the built-in column 'slice_key'" in line


@pytest.mark.parametrize("name", ["count_delta", "js_distance", "window_cmp"])
def test_a_profile_metric_may_take_a_name_only_the_drift_table_has(name):
    assert refusals(metric_named(name)) == []


@pytest.mark.parametrize("name", ["accuracy_score", "f1_score", "r2_score", "model_id_col"])
def test_model_quality_columns_collide_only_in_an_inference_monitor(name):
    assert refusals(metric_named(name)) == []
    (line,) = refusals(metric_named(name, data=inference()))
    assert "collides with the built-in column" in line


def test_a_metric_named_like_the_model_id_column_is_a_warning():
    data = metric_named("Model_Version", data=inference())
    assert refusals(data) == []
    (line,) = warnings(data)
    assert line.startswith("custom_metrics[3] (Model_Version).name: is named like the model id")


def test_two_metric_names_differing_only_in_case_are_refused():
    (line,) = refusals(metric_named("Total_Bookings"))
    assert line == (
        "custom_metrics[3] (Total_Bookings).name: duplicate metric name: custom_metrics[0] is "
        "'total_bookings', and column names ignore case"
    )


@pytest.mark.parametrize("name", ["total_guests\n", "total guests", "1st", "guests-total", ""])
def test_a_metric_name_that_is_not_a_whole_identifier_is_refused(name):
    (line,) = refusals(metric_named(name))
    assert line.startswith("custom_metrics[3]")
    assert "is not a valid metric name" in line


def test_a_metric_name_of_255_characters_is_accepted_and_256_refused():
    assert refusals(metric_named("m" * 255)) == []
    (line,) = refusals(metric_named("m" * 256))
    assert "at most 255 characters" in line
