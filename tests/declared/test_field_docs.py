"""Field descriptions are read from the string under each field only where they are shown (the
JSON Schema, the reference pages), and are then what pydantic's `use_attribute_docstrings`
would have made of them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from monitors.declared.field_docs import documented
from monitors.declared.schema import build_schema


class _Inner(BaseModel):
    depth: int = 0
    """How deep.

        Indented on purpose."""


class _Outer(BaseModel):
    inner: list[_Inner] | None = None
    """The inner ones."""
    named: str = Field("x", description="set in Field")
    """Not this one."""
    bare: int = 1


class _Pydantic(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    inner: list[_Inner] | None = None
    """The inner ones."""
    named: str = Field("x", description="set in Field")
    """Not this one."""
    bare: int = 1


def _descriptions(model: type[BaseModel]) -> dict[str, str | None]:
    return {name: field.description for name, field in model.model_fields.items()}


def test_descriptions_are_the_ones_pydantic_reads():
    documented(_Outer)
    assert _descriptions(_Outer) == _descriptions(_Pydantic)
    assert _descriptions(_Inner) == {"depth": "How deep.\n\nIndented on purpose."}


def test_the_json_schema_carries_nested_descriptions():
    schema = documented(_Outer).model_json_schema()
    assert schema["$defs"]["_Inner"]["properties"]["depth"]["description"].startswith("How")
    assert schema["properties"]["inner"]["description"] == "The inner ones."


def test_the_schema_describes_the_declaration_fields():
    metric = build_schema()["$defs"]["CustomMetric"]["properties"]
    assert all(field.get("description") for field in metric.values())
