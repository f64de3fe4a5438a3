"""The JSON Schema of a declaration file, generated from the pydantic models.

Editors (the YAML language server) check declarations against `declarations/monitor.schema.json`
as they are typed; a test keeps the committed file equal to what the models generate.
"""

from __future__ import annotations

import json
from typing import Any

from monitors.declared.datatypes import FRIENDLY_NAMES
from monitors.declared.field_docs import documented
from monitors.declared.identifiers import MAX_NAME_LENGTH
from monitors.declared.models import (
    GRANULARITIES,
    IDENTIFIER,
    MAX_EMAIL_LENGTH,
    METRIC_TYPES,
    PROBLEM_TYPES,
    MonitorSpec,
)
from monitors.naming import DECLARATIONS_DIR

SCHEMA_PATH = DECLARATIONS_DIR / "monitor.schema.json"


def _any_case(words: list[str]) -> str:
    """A regex matching any of `words` in any letter case (JSON Schema has no `i` flag)."""

    def letters(word: str) -> str:
        return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)

    return "^(" + "|".join(letters(w) for w in words) + ")$"


def _friendly_enum(prefix: str, choices: tuple[str, ...]) -> str:
    short = [c.removeprefix(prefix) for c in choices]
    return _any_case([*short, *(prefix + s for s in short)])


def _output_type_pattern() -> str:
    simple = [n for n in FRIENDLY_NAMES if n != "decimal(p,s)"]
    return _any_case(simple)[:-2] + r"|[dD][eE][cC][iI][mM][aA][lL]\(\s*\d+\s*,\s*\d+\s*\)|\{.*)$"


def build_schema() -> dict[str, Any]:
    """Generate the schema and add the friendly forms the validators accept."""
    schema = documented(MonitorSpec).model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Databricks Lakehouse Monitor declaration"
    defs = schema["$defs"]
    metric = defs["CustomMetric"]["properties"]
    metric["type"].update(pattern=_friendly_enum("CUSTOM_METRIC_TYPE_", METRIC_TYPES))
    metric["output_data_type"].update(pattern=_output_type_pattern())
    metric["name"].update(pattern=f"^{IDENTIFIER.pattern}$")
    defs["EmailDestination"]["properties"]["email_addresses"]["items"].update(
        maxLength=MAX_EMAIL_LENGTH
    )
    inference = defs["InferenceLog"]["properties"]
    inference["problem_type"].update(pattern=_friendly_enum("PROBLEM_TYPE_", PROBLEM_TYPES))
    # `snapshot:` with no value is YAML null, which the model refuses (it would read as no
    # profile type): a profile type may be absent, never null.
    for profile in ("time_series", "snapshot", "inference_log"):
        field = schema["properties"][profile]
        (ref,) = [choice for choice in field.pop("anyOf") if "$ref" in choice]
        field.update(ref)
    for model in ("TimeSeries", "InferenceLog"):
        granularities = defs[model]["properties"]["granularities"]
        granularities["items"] = {"enum": list(GRANULARITIES)}
        granularities["uniqueItems"] = True
    _add_template_keys(schema)
    return schema


def _add_template_keys(schema: dict[str, Any]) -> None:
    """`tables` (a list of names or a LIKE pattern) and `overrides` (per table, any field of a
    declaration, merged into the template's: `monitors.declared.templates`)."""
    table = {"type": "string", "pattern": "^[a-z_][a-z0-9_]*$", "maxLength": MAX_NAME_LENGTH}
    schema["$defs"]["TablePattern"] = {
        "type": "object",
        "title": "TablePattern",
        "description": (
            "Every table of the gold schema whose name matches `like` (SQL LIKE: % any run of "
            "characters, _ one character, * same as %, \\ escapes), except those in `exclude`."
        ),
        "properties": {
            "like": {"type": "string", "minLength": 1, "pattern": "^[^A-Z]*$"},
            "exclude": {"type": "array", "items": table, "uniqueItems": True},
        },
        "required": ["like"],
        "additionalProperties": False,
    }
    schema["properties"]["tables"] = {
        "description": "Makes this file a template: the tables it declares, listed or matched.",
        "anyOf": [
            {"type": "array", "items": table, "minItems": 1, "uniqueItems": True},
            {"$ref": "#/$defs/TablePattern"},
        ],
    }
    fields: dict[str, Any] = {name: {} for name in schema["properties"] if name != "tables"}
    schema["properties"]["overrides"] = {
        "description": (
            "Per table of the template: fields merged into the template's declaration "
            "(mappings merged, null removes, lists replaced; custom_metrics and alerts merged "
            "by name, {name: x, remove: true} removes one)."
        ),
        "type": "object",
        "propertyNames": table,
        "additionalProperties": {
            "type": "object",
            "properties": fields,
            "additionalProperties": False,
        },
    }


def schema_text() -> str:
    """The schema as the committed file holds it."""
    return json.dumps(build_schema(), indent=2, sort_keys=True) + "\n"
