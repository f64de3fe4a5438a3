"""Unity Catalog names as this project writes them: catalogs, schemas and tables.

Unity Catalog limits every object name to 255 characters, forbids `.`, space, `/`, ASCII control
characters and DEL, and stores all names in lowercase (Databricks docs, "Unity Catalog
requirements and limitations", section "Securable object naming requirements";
https://docs.databricks.com/aws/en/data-governance/unity-catalog/requirements). We accept a
stricter, unquoted subset: lowercase letters, digits and `_`, not starting with a digit
(`[a-z_][a-z0-9_]*`). The names
go unquoted into API paths, metric table names and Pulumi resource names, and a name that only
differs in case from what the service stores back would show a difference on every run (and
renaming a resource later is a delete and a create).
"""

from __future__ import annotations

import re
from collections.abc import Callable

MAX_NAME_LENGTH = 255  # Unity Catalog: "Object names cannot exceed 255 characters."
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def name_problem(value: str, what: str = "name") -> str | None:
    """Why `value` is not a usable catalog, schema or table name, or None when it is."""
    if len(value) > MAX_NAME_LENGTH:
        return f"{what} is {len(value)} characters long; Unity Catalog allows {MAX_NAME_LENGTH}"
    # fullmatch, not `^...$`: `$` also matches before a trailing newline.
    if not _PLAIN.fullmatch(value):
        return f"{value!r} is not a plain {what}"
    if value != value.lower():
        return (
            f"{value!r} has capital letters; Unity Catalog stores names in lowercase, "
            f"write {value.lower()!r}"
        )
    return None


def check_name(what: str) -> Callable[[str], str]:
    """A validator for pydantic (`AfterValidator(check_name("table name"))`)."""

    def validate(value: str) -> str:
        problem = name_problem(value, what)
        if problem:
            raise ValueError(problem)
        return value

    return validate
