"""Numbers a person gives a command (a timeout, a count, a limit): finite, in range, or refused.

`float("nan")`, `float("inf")` and `1e400` all parse, and every comparison with NaN is false, so a
loop `while elapsed < timeout` never ends on one. One rule, used by every numeric command-line
option (`monitors.cli.options`) and every numeric provider setting
(`monitors.workspace.credentials`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_WHOLE = re.compile(r"[+-]?\d+")


def _show(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"


@dataclass(frozen=True)
class Bounds:
    """A range of accepted values, `low` to `high` inclusive; `whole` refuses fractions."""

    low: float
    high: float
    whole: bool = False
    unit: str = ""

    def describe(self) -> str:
        """The range in words, e.g. `a number of seconds from 0 to 86400`."""
        kind = "a whole number" if self.whole else "a number"
        unit = f" of {self.unit}" if self.unit else ""
        return f"{kind}{unit} from {_show(self.low)} to {_show(self.high)}"

    def parse(self, text: str) -> int | float:
        """`text` as a number within these bounds; ValueError saying what is accepted."""
        written = text.strip()
        pattern = _WHOLE if self.whole else _DECIMAL
        value = float(written) if pattern.fullmatch(written) else math.nan
        if not math.isfinite(value) or not self.low <= value <= self.high:
            raise ValueError(f"must be {self.describe()}, not {text!r}")
        return int(written) if self.whole else value

    def check(self, value: int | float) -> int | float:
        """`value` unchanged if it is a finite number within these bounds; else ValueError."""
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (isinstance(value, float) and not math.isfinite(value))
            or (self.whole and not float(value).is_integer())
            or not self.low <= value <= self.high
        ):
            raise ValueError(f"must be {self.describe()}, not {value!r}")
        return value
