"""Quartz cron validation: the schedule format Databricks monitors use (seconds first, `?`)."""

from __future__ import annotations

import re

_MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
_DAYS = "SUN|MON|TUE|WED|THU|FRI|SAT"
# (name, low, high, names allowed, extra tokens allowed)
_FIELDS: tuple[tuple[str, int, int, str, str], ...] = (
    ("seconds", 0, 59, "", ""),
    ("minutes", 0, 59, "", ""),
    ("hours", 0, 23, "", ""),
    ("day-of-month", 1, 31, "", r"\?|L|LW|L-\d{1,2}|\d{1,2}W"),
    ("month", 1, 12, _MONTHS, ""),
    ("day-of-week", 1, 7, _DAYS, r"\?|L|\d[L]|\d#[1-5]"),
    ("year", 1970, 2199, "", ""),
)


def _check_part(part: str, low: int, high: int, names: str, extra: str, field: str) -> None:
    """Check one comma-separated element: *, n, n-m, */k, n/k, n-m/k, a name, or a special."""
    if extra and re.fullmatch(extra, part):
        return
    base, _, step = part.partition("/")
    if step and not (step.isdigit() and int(step) >= 1):
        raise ValueError(f"{field}: bad step in {part!r}")
    if base == "*":
        return
    bounds = base.split("-")
    if len(bounds) > 2:
        raise ValueError(f"{field}: bad range {part!r}")
    for bound in bounds:
        if names and re.fullmatch(names, bound.upper()):
            continue
        if not bound.isdigit() or not low <= int(bound) <= high:
            raise ValueError(f"{field}: {bound!r} is not in {low}-{high}")


def check_quartz_cron(expression: str) -> str:
    """Return the expression if it is valid Quartz cron, else raise ValueError saying why."""
    fields = expression.split()
    if len(fields) not in (6, 7):
        raise ValueError(
            f"{expression!r} is not Quartz cron: it needs 6 or 7 fields "
            "(seconds minutes hours day-of-month month day-of-week [year]), e.g. '0 0 6 * * ?'"
        )
    for value, (name, low, high, names, extra) in zip(fields, _FIELDS, strict=False):
        for part in value.split(","):
            _check_part(part, low, high, names, extra, name)
    day_of_month, day_of_week = fields[3], fields[5]
    if (day_of_month == "?") == (day_of_week == "?"):
        raise ValueError(f"{expression!r}: exactly one of day-of-month and day-of-week must be '?'")
    return expression
