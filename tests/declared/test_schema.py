"""The published JSON Schema matches the models and accepts what the loader accepts."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from monitors.declared.schema import SCHEMA_PATH, build_schema, schema_text
from monitors.naming import DECLARATIONS_DIR


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = build_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def metric(**changes) -> dict:
    base = {
        "name": "total_bookings",
        "type": "aggregate",
        "input_columns": [":table"],
        "definition": "SUM(booking_count)",
        "output_data_type": "long",
    }
    return {**base, **changes}


def declaration(**metric_changes) -> dict:
    return {"snapshot": {}, "custom_metrics": [metric(**metric_changes)]}


def test_committed_schema_is_what_the_models_generate():
    assert SCHEMA_PATH.read_text() == schema_text(), "run: monitors schema --write"


@pytest.mark.parametrize("path", sorted(DECLARATIONS_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_declaration_passes_the_schema(validator, path):
    validator.validate(yaml.safe_load(path.read_text()))


def test_schema_rejects_an_unknown_key(validator):
    assert not validator.is_valid({**declaration(), "slicing_expressions": []})


@pytest.mark.parametrize("kind", ["aggregate", "Derived", "DRIFT", "CUSTOM_METRIC_TYPE_DRIFT"])
def test_schema_accepts_friendly_metric_types_in_any_case(validator, kind):
    assert validator.is_valid(declaration(type=kind))


def test_schema_rejects_an_unknown_metric_type(validator):
    assert not validator.is_valid(declaration(type="sum"))


@pytest.mark.parametrize(
    "output", ["double", "BIGINT", "decimal(18,2)", json.dumps({"type": "double"})]
)
def test_schema_accepts_output_types_the_loader_accepts(validator, output):
    assert validator.is_valid(declaration(output_data_type=output))


def test_schema_rejects_an_unknown_output_type(validator):
    assert not validator.is_valid(declaration(output_data_type="number"))


def test_schema_rejects_a_bad_granularity(validator):
    data = {"time_series": {"timestamp_col": "d", "granularities": ["1 days"]}}
    assert not validator.is_valid(data)


@pytest.mark.parametrize("profile", ["time_series", "snapshot", "inference_log"])
def test_schema_rejects_a_profile_type_written_without_a_value(validator, profile):
    data = {"custom_metrics": [metric()], profile: None}
    assert not validator.is_valid(data)


@pytest.mark.parametrize(
    ("template", "valid"),
    [
        ({"tables": ["fact_a", "fact_b"], "snapshot": {}}, True),
        ({"tables": {"like": "fact\\_%", "exclude": ["fact_old"]}, "snapshot": {}}, True),
        ({"tables": {"like": "fact_%"}, "overrides": {"fact_a": {"schedule": None}}}, True),
        ({"tables": {"like": "Fact_%"}}, False),  # never matches a lowercase name
        ({"tables": {"like": "fact_%", "excludes": []}}, False),
        ({"tables": []}, False),
        ({"tables": ["fact_a"], "overrides": {"fact_a": {"slicing": []}}}, False),
    ],
)
def test_schema_knows_templates_and_their_overrides(validator, template, valid):
    assert validator.is_valid(template) is valid
