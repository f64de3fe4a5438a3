"""Quartz cron expressions, judged the way the scheduler behind the API parses them.

The API reference points to the Quartz 2.3.0 CronTrigger tutorial (databricks-sdk
`catalog.MonitorCronSchedule.quartz_cron_expression`), and the service answers a bad one with
"Invalid quartz_cron_expression ... Databricks uses Quartz cron syntax". So the rules are those of
Quartz's `org.quartz.CronExpression` (buildExpression, storeExpressionVals, checkNext, addToSet,
checkIncrementRange): what its parser throws on is refused; what it accepts but the tutorial
calls unsupported, or what never fires, is accepted with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# Longest month, by month number (February 29: a leap year exists).
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# Databricks: "a minimum interval of 10 seconds between subsequent runs triggered by the
# schedule ... regardless of the seconds configuration" (docs, "Run jobs on a schedule").
MIN_INTERVAL_SECONDS = 10
# CronTrigger tutorial: year "empty, 1970-2199".
YEARS = (1970, 2199)
_ALPHABET = re.compile(r"[0-9A-Z*?/,#\- \t-]*")
_NUMBER = r"(\d+)"


@dataclass(frozen=True)
class _Field:
    """One position: its name, bounds, largest step CronExpression.checkIncrementRange takes."""

    name: str
    low: int
    high: int
    max_step: int | None
    names: tuple[str, ...] = ()


_FIELDS: tuple[_Field, ...] = (
    _Field("seconds", 0, 59, 59),
    _Field("minutes", 0, 59, 59),
    _Field("hours", 0, 23, 23),
    _Field("day-of-month", 1, 31, 31),
    _Field("month", 1, 12, 12, MONTHS),
    _Field("day-of-week", 1, 7, 7, DAYS),
    _Field("year", 0, 10**9, None),
)
DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR = 3, 4, 5, 6

_STEP = re.compile(r"\*?/" + _NUMBER)
_RANGE = re.compile(_NUMBER + r"(?:-" + _NUMBER + r")?(?:/" + _NUMBER + r")?")
_NAME = re.compile(r"([A-Z]{3})([A-Z]*)(?:-([A-Z]{3})([A-Z]*))?(/\d+)?")
_LAST_DAY = re.compile(r"L(?:-" + _NUMBER + r")?(W)?")
_WEEKDAY = re.compile(_NUMBER + r"W")
_LAST_WEEKDAY = re.compile(r"(\d+|[A-Z]{3})L")
_NTH_WEEKDAY = re.compile(r"(\d+|[A-Z]{3})#(\d*)")


class CronError(ValueError):
    """An expression Quartz's parser refuses."""


@dataclass
class _Parsed:
    """What one expression turns on, as far as the warnings need it."""

    values: list[set[int]]
    warnings: list[str]


def _value(text: str, field: _Field) -> int:
    """A number or a three-letter name of `field`, checked against its bounds."""
    if text.isdigit():
        number = int(text)
    elif text in field.names:
        number = field.names.index(text) + 1
    else:
        raise CronError(f"{field.name}: {text!r} is not a value of this field")
    if not field.low <= number <= field.high:
        raise CronError(f"{field.name}: {number} is not in {field.low}-{field.high}")
    return number


def _span(start: int, end: int, step: int, field: _Field) -> set[int]:
    """Values from start to end by step; a range may overflow (22-2), as Quartz allows."""
    if step == 0:
        return {start}
    if field.name == "year":  # unbounded: only its ends matter (to the never-fires warning)
        if end < start:
            raise CronError("year: a range must go up (Quartz: start year must be less than stop)")
        return {start, end}
    if end >= start:
        return set(range(start, end + 1, step))
    size = field.high - field.low + 1
    return {field.low + (v - field.low) % size for v in range(start, end + size + 1, step)}


def _step(text: str, field: _Field, warnings: list[str]) -> int:
    """The increment after '/', bounded as CronExpression.checkIncrementRange bounds it."""
    step = int(text)
    if field.max_step is not None and step > field.max_step:
        raise CronError(f"{field.name}: step {step} is larger than {field.max_step}")
    if step == 0:
        warnings.append(f"{field.name}: a step of 0 selects only the start value")
    return step


def _special(part: str, index: int, warnings: list[str]) -> set[int] | None:
    """Day-of-month L, L-n, LW, nW and day-of-week L, nL, n#k; None when `part` is none."""
    field = _FIELDS[index]
    if index == DAY_OF_MONTH:
        if match := _LAST_DAY.fullmatch(part):
            if match.group(1) and int(match.group(1)) > 30:
                raise CronError("day-of-month: the offset in L-n must be at most 30")
            return set()
        if match := _WEEKDAY.fullmatch(part):
            day = int(match.group(1))
            if day > 31:
                raise CronError("day-of-month: nW needs a day of at most 31")
            if day == 0:
                warnings.append("day-of-month: 0W never fires (days start at 1)")
            return set()
    if index == DAY_OF_WEEK:
        if part == "L":
            return {7}
        if match := _LAST_WEEKDAY.fullmatch(part):
            return {_value(match.group(1), field)}
        if match := _NTH_WEEKDAY.fullmatch(part):
            if not match.group(2).isdigit() or not 1 <= int(match.group(2)) <= 5:
                raise CronError("day-of-week: a number from 1 to 5 must follow '#'")
            weekday = match.group(1)
            if weekday.isdigit() and not 1 <= int(weekday) <= 7:
                warnings.append(f"day-of-week: {part} never fires (days are 1-7)")
                return set()
            return {_value(weekday, field)}
    return None


def _element(part: str, index: int, warnings: list[str]) -> set[int]:
    """The values one comma-separated element turns on (special ones: none we track)."""
    field = _FIELDS[index]
    if part == "?":
        if index not in (DAY_OF_MONTH, DAY_OF_WEEK):
            raise CronError(f"{field.name}: '?' is only for day-of-month or day-of-week")
        return set()
    if part == "*":
        return set(range(field.low, field.high + 1)) if index != YEAR else set()
    special = _special(part, index, warnings)
    if special is not None:
        return special
    if match := _STEP.fullmatch(part):
        step = _step(match.group(1), field, warnings)
        return _span(field.low, field.high, step or 1, field) if index != YEAR else set()
    if match := _RANGE.fullmatch(part):
        start = _value(match.group(1), field)
        end = _value(match.group(2), field) if match.group(2) else None
        if match.group(3) is None:
            return _span(start, start if end is None else end, 1, field)
        if end is None:  # n/k: checkIncrementRange applies; a-b/k: Quartz does not bound k
            return _span(start, field.high, _step(match.group(3), field, warnings), field)
        if int(match.group(3)) == 0:
            warnings.append(f"{field.name}: a step of 0 selects only the start value")
        return _span(start, end, int(match.group(3)), field)
    if field.names and (match := _NAME.fullmatch(part)):
        first, extra, last, extra_last, ignored_step = match.groups()
        if extra or extra_last:
            warnings.append(f"{field.name}: Quartz reads only the first three letters of {part!r}")
        if ignored_step:
            warnings.append(f"{field.name}: Quartz ignores the step in {part!r}")
        start = _value(first, field)
        return _span(start, _value(last, field) if last else start, 1, field)
    raise CronError(f"{field.name}: {part!r} is not Quartz cron")


def _check_field(text: str, index: int, warnings: list[str]) -> set[int]:
    """Check one field; return the values it turns on."""
    field = _FIELDS[index]
    parts = [part for part in text.split(",") if part]
    if not parts:
        raise CronError(f"{field.name}: no value")
    if len(parts) > 1:
        if index in (DAY_OF_MONTH, DAY_OF_WEEK) and "L" in text:
            raise CronError(f"{field.name}: 'L' cannot be listed with other values")
        if "?" in parts:
            warnings.append(f"{field.name}: '?' in a list makes Quartz ignore the other values")
        if index == DAY_OF_MONTH and "W" in text:
            warnings.append("day-of-month: 'W' works on a single day, not in a list")
        if index == DAY_OF_WEEK and "#" in text:
            warnings.append("day-of-week: 'n#k' must be the field's only value")
    if index == DAY_OF_WEEK and text.count("#") > 1:
        raise CronError("day-of-week: only one 'n#k' is supported")
    values: set[int] = set()
    for part in parts:
        values |= _element(part, index, warnings)
    return values


def _never_fires(values: list[set[int]], fields: list[str]) -> str | None:
    """Why the schedule never fires, when the days asked for exist in no month asked for."""
    days, months = values[DAY_OF_MONTH], values[MONTH]
    if days and months and min(days) > max(_MONTH_DAYS[m - 1] for m in months):
        return f"day-of-month {fields[DAY_OF_MONTH]} exists in no month {fields[MONTH]}"
    if len(fields) > YEAR and values[YEAR]:
        years = values[YEAR]
        if max(years) < YEARS[0] or min(years) > YEARS[1]:
            return f"year {fields[YEAR]} is outside {YEARS[0]}-{YEARS[1]}"
    return None


@lru_cache(maxsize=1024)
def _parse(expression: str) -> _Parsed:
    """Parse once; refusals raise CronError, doubts are returned as warnings."""
    if re.search(r"[\x00-\x08\x0a-\x1f\x7f]", expression):
        raise CronError(
            f"{expression!r} has a line break or control character: write it on one line"
        )
    text = expression.upper()
    if not _ALPHABET.fullmatch(text):
        odd = sorted(set(re.sub(r"[0-9A-Z*?/,#\- \t]", "", text)))
        raise CronError(f"{expression!r} has characters Quartz does not know: {''.join(odd)}")
    fields = text.split()
    if len(fields) not in (6, 7):
        raise CronError(
            f"{expression!r} is not Quartz cron: it needs 6 or 7 fields "
            "(seconds minutes hours day-of-month month day-of-week [year]), e.g. '0 0 6 * * ?'"
        )
    warnings: list[str] = []
    values = [_check_field(value, index, warnings) for index, value in enumerate(fields)]
    # A field holding '?' anywhere counts as '?' (CronExpression: the set contains NO_SPEC).
    no_spec = ["?" in fields[i].split(",") for i in (DAY_OF_MONTH, DAY_OF_WEEK)]
    if no_spec[0] == no_spec[1]:
        raise CronError(f"{expression!r}: exactly one of day-of-month and day-of-week must be '?'")
    seconds = sorted(values[0])
    gaps = [b - a for a, b in pairwise(seconds)]
    if len(seconds) > 1:
        gaps.append(60 - seconds[-1] + seconds[0])
    if gaps and min(gaps) < MIN_INTERVAL_SECONDS:
        warnings.append(
            f"fires every {min(gaps)} s: Databricks runs a schedule at most every "
            f"{MIN_INTERVAL_SECONDS} s, and a refresh takes minutes"
        )
    never = _never_fires(values, fields)
    if never:
        warnings.append(f"never fires: {never}")
    return _Parsed(values, warnings)


def check_quartz_cron(expression: str) -> str:
    """Return the expression if Quartz parses it, else raise ValueError saying why."""
    _parse(expression)
    return expression


def quartz_warnings(expression: str) -> list[str]:
    """Doubts about an expression Quartz parses: unsupported forms, never firing, too often."""
    try:
        return list(_parse(expression).warnings)
    except CronError:
        return []
