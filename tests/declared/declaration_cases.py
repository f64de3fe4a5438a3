"""What the loader says about a declaration (built with `tests.helpers.declarations`).

`refusals` lists what the loader refuses (`field: message`), `warnings` what a valid declaration
is warned about; both go through `parse_declaration`, the loader's one entry point.
"""

from __future__ import annotations

from typing import Any

from monitors.declared.checks import monitor_warnings
from monitors.declared.loader import parse_declaration
from monitors.errors import DeclarationError
from tests.helpers.declarations import TABLE


def refusals(data: dict[str, Any]) -> list[str]:
    """What the loader refuses, as `field: message` lines; [] when the declaration is valid."""
    try:
        parse_declaration(TABLE, data, f"{TABLE}.yaml")
    except DeclarationError as exc:
        return [f"{p.field}: {p.message}" for p in exc.problems]
    return []


def warnings(data: dict[str, Any]) -> list[str]:
    """The warnings of a valid declaration, as `field: message` lines."""
    spec = parse_declaration(TABLE, data, f"{TABLE}.yaml")
    return [f"{p.field}: {p.message}" for p in monitor_warnings(spec)]


EXTRA = "custom_metrics[3] (extra_metric).definition"
