"""Custom metric output types: friendly names to the exact Spark StructField JSON the API needs.

A bare "double" is accepted by the API at create time but the monitor then never initialises,
so every output type is sent as `{"metadata":{},"name":"output","nullable":true,"type":...}`.

The field's name inside the JSON is not the metric's column name (that is the metric's `name`):
the docs write `StructField("output", ...)`, and public projects deploy other names, e.g.
`StructField("outdated", IntegerType())`. We accept any name and send the canonical `output`, so
one output type has one spelling: the payload of a declaration that already says `output` is
unchanged, and the replace rule, which compares the type alone, sees no difference. The one
other spelling kept is the canonical JSON written differently (see
`normalise_output_data_type`), which is the same JSON.
"""

from __future__ import annotations

import json
import re

# Friendly spellings (lower case) to Spark's simple type names as StructField.json() writes them.
_SIMPLE_TYPES: dict[str, str] = {
    "double": "double",
    "float": "float",
    "long": "long",
    "bigint": "long",
    "int": "integer",
    "integer": "integer",
    "short": "short",
    "smallint": "short",
    "byte": "byte",
    "tinyint": "byte",
    "string": "string",
    "boolean": "boolean",
    "bool": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "timestamp_ntz": "timestamp_ntz",
    "binary": "binary",
}
_DECIMAL = re.compile(r"decimal\(\s*(\d{1,2})\s*,\s*(\d{1,2})\s*\)")

FRIENDLY_NAMES: tuple[str, ...] = (*_SIMPLE_TYPES, "decimal(p,s)")


def spark_type_name(friendly: str) -> str:
    """Return Spark's type name for a friendly spelling, or raise ValueError naming the choices."""
    key = friendly.strip().lower()
    if key in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[key]
    match = _DECIMAL.fullmatch(key)
    if match:
        precision, scale = int(match.group(1)), int(match.group(2))
        if not 1 <= precision <= 38 or scale > precision:
            raise ValueError(
                f"decimal({precision},{scale}) needs 1 <= precision <= 38, scale <= precision"
            )
        return f"decimal({precision},{scale})"
    raise ValueError(
        f"unknown output type {friendly!r}; use one of {', '.join(FRIENDLY_NAMES)} "
        "or a StructField JSON string"
    )


def struct_field_json(type_name: str) -> str:
    """The StructField JSON for a metric named `output`, byte for byte as pyspark writes it."""
    return json.dumps(
        {"metadata": {}, "name": "output", "nullable": True, "type": type_name},
        separators=(",", ":"),
        sort_keys=True,
    )


def normalise_output_data_type(value: object) -> str:
    """Accept a friendly name, a StructField JSON string or mapping; return the canonical JSON.

    Equal JSON is equal: a StructField JSON string that parses to the canonical one (other
    spacing or key order, as `json.dumps` writes it by default) is kept as written, since the
    provider compares the text and would otherwise update a monitor that holds it for nothing.
    """
    if isinstance(value, dict):
        return _from_struct_field(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a type name such as 'double' or a StructField JSON string")
    text = value.strip()
    if text.startswith("{"):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"is not valid StructField JSON: {exc.msg}") from None
        if not isinstance(parsed, dict):
            raise ValueError("StructField JSON must be an object")
        canonical = _from_struct_field(parsed)
        return value if parsed == json.loads(canonical) else canonical
    return struct_field_json(spark_type_name(text))


def _from_struct_field(field: dict[str, object]) -> str:
    """Check a StructField mapping and re-emit it canonically (any name becomes `output`)."""
    unknown = set(field) - {"metadata", "name", "nullable", "type"}
    if unknown:
        raise ValueError(f"StructField has unknown keys {sorted(unknown)}")
    if not isinstance(field.get("name", "output"), str):
        raise ValueError("StructField name must be a string")
    if field.get("nullable", True) is not True:
        raise ValueError("StructField must be nullable (metrics can be null)")
    if field.get("metadata", {}) != {}:
        raise ValueError("StructField metadata must be {}")
    type_name = field.get("type")
    if not isinstance(type_name, str):
        raise ValueError("StructField type must be a simple type name such as 'double'")
    return struct_field_json(spark_type_name(type_name))


def output_type_label(struct_json: str) -> str:
    """The Spark type name inside a canonical StructField JSON (for messages and reports)."""
    return str(json.loads(struct_json)["type"])
