"""Friendly forms become the exact strings the API needs, byte for byte."""

from __future__ import annotations

import json

import pytest

from monitors.declared.datatypes import normalise_output_data_type
from monitors.declared.models import CustomMetric


@pytest.mark.parametrize(
    ("friendly", "exact"),
    [
        ("double", '{"metadata":{},"name":"output","nullable":true,"type":"double"}'),
        ("DOUBLE", '{"metadata":{},"name":"output","nullable":true,"type":"double"}'),
        ("long", '{"metadata":{},"name":"output","nullable":true,"type":"long"}'),
        ("bigint", '{"metadata":{},"name":"output","nullable":true,"type":"long"}'),
        ("int", '{"metadata":{},"name":"output","nullable":true,"type":"integer"}'),
        ("string", '{"metadata":{},"name":"output","nullable":true,"type":"string"}'),
        ("boolean", '{"metadata":{},"name":"output","nullable":true,"type":"boolean"}'),
        (
            "decimal(18, 2)",
            '{"metadata":{},"name":"output","nullable":true,"type":"decimal(18,2)"}',
        ),
        ('{"type": "double"}', '{"metadata":{},"name":"output","nullable":true,"type":"double"}'),
    ],
)
def test_output_data_type_becomes_the_exact_struct_field_json(friendly, exact):
    assert normalise_output_data_type(friendly) == exact


@pytest.mark.parametrize(
    "text",
    [
        '{"type": "double", "name": "output", "nullable": true, "metadata": {}}',
        '{"metadata": {}, "name": "output", "nullable": true, "type": "double"}',
    ],
)
def test_struct_field_json_equal_to_the_canonical_one_is_sent_as_written(text):
    """Equal JSON is equal: the provider compares the text, so a monitor holding this spelling
    is updated for nothing unless the declaration sends it as held."""
    assert normalise_output_data_type(text) == text


@pytest.mark.parametrize("name", ["outdated", "x", "output_value", ""])
def test_a_struct_field_of_any_name_is_sent_as_the_canonical_output_field(name):
    """Public projects deploy `StructField("outdated", IntegerType()).json()`; the metric's column
    is named by the metric's `name`, so the field name is canonicalised, not refused."""
    text = json.dumps({"metadata": {}, "name": name, "nullable": True, "type": "integer"})
    assert (
        normalise_output_data_type(text)
        == '{"metadata":{},"name":"output","nullable":true,"type":"integer"}'
    )


def test_a_struct_field_whose_name_is_not_a_string_is_refused():
    with pytest.raises(ValueError, match="name must be a string"):
        normalise_output_data_type('{"metadata":{},"name":1,"nullable":true,"type":"double"}')


@pytest.mark.parametrize(
    ("friendly", "exact"),
    [
        ("aggregate", "CUSTOM_METRIC_TYPE_AGGREGATE"),
        ("Derived", "CUSTOM_METRIC_TYPE_DERIVED"),
        ("DRIFT", "CUSTOM_METRIC_TYPE_DRIFT"),
        ("CUSTOM_METRIC_TYPE_DRIFT", "CUSTOM_METRIC_TYPE_DRIFT"),
    ],
)
def test_metric_type_in_any_case_becomes_the_api_enum(friendly, exact):
    metric = CustomMetric(
        name="m",
        type=friendly,
        definition="{{current_df}}.x - {{base_df}}.x",
        input_columns=[":table"],
        output_data_type="double",
    )
    assert metric.type == exact
