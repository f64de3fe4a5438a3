"""The JSON Schema of a declaration file, generated from the pydantic models.

Editors (the YAML language server) check declarations against `declarations/monitor.schema.json`
as they are typed; a test keeps the committed file equal to what the models generate.
"""

from __future__ import annotations

import json
from typing import Any

from monitors.naming import DECLARATIONS_DIR
from monitors.spec.datatypes import FRIENDLY_NAMES
from monitors.spec.models import (
    GRANULARITIES,
    IDENTIFIER,
    MAX_EMAIL_LENGTH,
    METRIC_TYPES,
    PROBLEM_TYPES,
    MonitorSpec,
)

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
    schema = MonitorSpec.model_json_schema()
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
    return schema


def schema_text() -> str:
    """The schema as the committed file holds it."""
    return json.dumps(build_schema(), indent=2, sort_keys=True) + "\n"
