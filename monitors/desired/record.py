"""The previous deployment's record: the stack outputs the program writes and reads back.

The program exports each monitor's structure and reads it back next run through a StackReference
to its own stack; this module owns the output names and how the record is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitors.desired.replacement import Structure
from monitors.errors import MonitorsError

STRUCTURE_OUTPUT = "monitor_structure"
MONITORS_OUTPUT = "monitors"


def read_last_structures(raw: Any) -> dict[str, Structure]:
    """Parse the last deployment's structure output; an unreadable one stops the run.

    Guessing would be dangerous: a monitor with no known history gets generation 0, which
    replaces any monitor whose recorded generation is higher.
    """
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise MonitorsError(
            f"stack output '{STRUCTURE_OUTPUT}' is not a mapping; refusing to guess"
        )
    try:
        return {str(table): Structure.from_output(data) for table, data in raw.items()}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise MonitorsError(
            f"stack output '{STRUCTURE_OUTPUT}' is unreadable ({exc!r}); refusing to guess"
        ) from None
