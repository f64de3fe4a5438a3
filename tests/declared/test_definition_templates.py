"""The Jinja templates a definition may use, per metric type and profile type.

Source: Databricks docs, "Use custom metrics", "Create definition": `{{input_column}}` (the
column the metric is computed for), `{{prediction_col}}` and `{{label_col}}` ("Used with
InferenceLog analysis"), `{{current_df}}` and `{{base_df}}` (drift: the two windows compared);
the docs' own `weighted_error` example is an aggregate using `{{prediction_col}}` and
`{{label_col}}`. Public inference monitors deploy `avg(CASE WHEN {{prediction_col}} !=
{{label_col}} ...)` as an aggregate.
"""

from __future__ import annotations

import pytest

from tests.declared.declaration_cases import EXTRA, refusals, warnings
from tests.helpers.declarations import inference, with_definition, with_metric

WEIGHTED_ERROR = (
    "avg(CASE WHEN {{prediction_col}} = {{label_col}} THEN 0 "
    "WHEN {{prediction_col}} != {{label_col}} AND critical = TRUE THEN 2 ELSE 1 END)"
)


def test_an_inference_monitor_aggregate_may_use_prediction_and_label_columns():
    data = with_metric(inference(), name="weighted_error", definition=WEIGHTED_ERROR)
    assert refusals(data) == []
    assert warnings(data) == []


@pytest.mark.parametrize("template", ["{{prediction_col}}", "{{ label_col }}"])
def test_model_columns_outside_an_inference_monitor_are_refused(template):
    (line,) = refusals(with_definition(f"AVG(CAST({template} AS DOUBLE))"))
    assert line.startswith(EXTRA + ": uses {{")
    assert "which only an inference_log monitor defines" in line


def test_label_col_template_without_a_label_col_is_a_warning():
    data = with_metric(inference(label_col=None), definition="AVG({{label_col}})")
    assert refusals(data) == []
    (line,) = warnings(data)
    assert line == EXTRA + ": uses {{label_col}} but inference_log sets no label_col"


@pytest.mark.parametrize("kind", ["aggregate", "derived"])
@pytest.mark.parametrize("template", ["{{current_df}}", "{{base_df}}"])
def test_window_templates_outside_a_drift_metric_are_refused(kind, template):
    (line,) = refusals(with_definition(f"{template}.total_bookings", kind=kind))
    assert line.startswith(EXTRA + ": ")
    assert "exist only in drift metrics" in line


@pytest.mark.parametrize(
    ("kind", "definition"),
    [
        ("aggregate", "SUM({{total_nights}})"),
        ("drift", "{{current_df}}.total_bookings - {{base_df}}.{{total_nights}}"),
    ],
)
def test_a_template_the_service_does_not_define_is_refused(kind, definition):
    (line,) = refusals(with_definition(definition, kind=kind))
    assert line.startswith(EXTRA + ": unknown template {{total_nights}}")


def test_input_column_template_with_real_input_columns_is_accepted():
    data = with_definition("AVG(`{{input_column}}`)", input_columns=["total_guests", "nights"])
    assert refusals(data) == []


@pytest.mark.parametrize("template", ["{{input_column}}", "{{prediction_col}}"])
def test_a_column_template_in_a_derived_metric_is_a_warning(template):
    data = with_metric(
        inference(),
        type="derived",
        input_columns=["total_guests"],
        definition=f"total_bookings + LENGTH('{template}')",
    )
    assert refusals(data) == []
    assert any("the docs show these columns only in aggregate metrics" in w for w in warnings(data))


def test_jinja_statements_are_not_checked_and_say_so():
    data = with_definition("{% if true %}SUM(total_guests){% endif %}")
    assert refusals(data) == []
    assert warnings(data) == [EXTRA + ": has Jinja statements ({% ... %}): its SQL is not checked"]
