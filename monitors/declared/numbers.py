"""Numbers a declaration gives exactly: a threshold the alert compares as a double, and counts.

The YAML reader (monitors.declared.yamlfile) reads numbers as Pulumi's reader does and keeps the
text of any number it reads differently from how it was written. A number that would change on its
way to the service is refused rather than sent changed, naming what it would become:
- a threshold whose double, written back, is another number: `1e-400` underflows to 0.0,
  `9007199254740993` rounds to 9007199254740992, `0.30000000000000001` is 0.3; one beyond the
  largest double (`1e309`) the reader keeps as text;
- hexadecimal, octal, binary or `_`-separated forms (`0x10`, `0o20`, `020`, `1_000`), which other
  YAML readers read as text or as another number: plain decimal only (a sign is fine).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from monitors.declared.values import written_as
from monitors.declared.yamlfile import written_differently

_PLAIN_INTEGER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_NUMBER_TEXT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
MAX_DOUBLE = "1.7976931348623157e308"


def _not_plain_integer(value: int) -> str | None:
    """Why an integer's written form is not plain decimal, or None."""
    written = written_differently(value)
    if written is None or _PLAIN_INTEGER.fullmatch(written):
        return None
    digits = written.lstrip("+-").replace("_", "")
    if len(digits) > 1 and digits[0] == "0" and digits[1].isdigit():
        # `0123` is 83 to the YAML reader (Go's base-0 rule, see monitors.declared.yamlfile).
        return (
            f"{written} reads as {int(value)} (a leading 0 makes an octal number): write the "
            "number without leading zeros"
        )
    return f"{written} reads as {int(value)}: write the number in plain decimal digits"


def plain_count(value: object) -> object:
    """A count written in plain decimal (`windows: 0x10` is not 16 windows)."""
    if isinstance(value, int) and not isinstance(value, bool):
        problem = _not_plain_integer(value)
        if problem:
            raise ValueError(problem)
    return value


def exact_double(value: object) -> object:
    """A number the alert compares as a double, exactly as written; refused otherwise."""
    written = value.strip() if isinstance(value, str) else ""
    text = written.replace("_", "")
    if _NUMBER_TEXT.fullmatch(text) and math.isinf(float(text)):
        # The YAML reader keeps a number beyond the largest double as text (module doc).
        raise ValueError(f"{written} is beyond the largest double ({MAX_DOUBLE})")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number, not {written_as(value)}")
    if isinstance(value, int):
        problem = _not_plain_integer(value)
        if problem:
            raise ValueError(problem)
        written = str(int(value))
        try:
            number = float(value)
        except OverflowError:
            raise ValueError(f"{written} is beyond the largest double ({MAX_DOUBLE})") from None
    else:
        number = float(value)
        if not math.isfinite(number):
            return number  # refused by the field (allow_inf_nan=False) in its own words
        written = written_differently(value) or repr(number)
        if "_" in written:
            raise ValueError(f"{written} reads as {number!r}: write the number without '_'")
    try:
        same = Decimal(written) == Decimal(repr(number))
    except InvalidOperation:  # not a decimal numeral: nothing to compare it with
        same = True
    if not same:
        raise ValueError(
            f"{written} is not a number a double holds as written: the alert would compare with "
            f"{number!r}; write that if it is meant"
        )
    return number
