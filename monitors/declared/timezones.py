"""The schedule's `timezone_id`: a Java time zone ID, judged the way Java reads one.

The API reference gives `PST` as its example (databricks-sdk `catalog.MonitorCronSchedule.
timezone_id`) and calls it "a Java timezone ID" for job schedules (`jobs.CronSchedule`), linking
`java.util.TimeZone`; `java.time.ZoneId` is the other way Java reads one. We accept what either
accepts, per the JDK documentation:

- `ZoneId.of(id, ZoneId.SHORT_IDS)`: a region ID of Java's tz database (the list of OpenJDK 17,
  tzdata 2025a, in java_zone_ids.txt), a short ID of `ZoneId.SHORT_IDS` (PST, EST, ...), `Z`, an
  offset (`ZoneOffset.of`: +h, +hh, +hh:mm, +hhmm, +hh:mm:ss, +hhmmss, within +-18:00), or
  `UTC`, `GMT`, `UT` alone or followed by an offset (`UTC+01:00`);
- `TimeZone.getTimeZone(id)`: the same region and short IDs, and custom IDs `GMT+h[h][[:]mm]`.

An ID only one of them accepts is accepted with a warning (the other reads it as GMT or refuses
it). Python's zoneinfo knows names Java does not (`posixrules`, `localtime`, `Factory`, `ROC`,
`posix/...`, `right/...`): refused. A region ID in the local tz database but not in our list
(a newer tzdata) is accepted with a warning.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from monitors.declared import suggest

_ZONE_IDS_FILE = Path(__file__).with_name("java_zone_ids.txt")
# java.time.ZoneId.SHORT_IDS, a fixed map in the JDK (its javadoc lists it).
SHORT_IDS: dict[str, str] = {
    "ACT": "Australia/Darwin",
    "AET": "Australia/Sydney",
    "AGT": "America/Argentina/Buenos_Aires",
    "ART": "Africa/Cairo",
    "AST": "America/Anchorage",
    "BET": "America/Sao_Paulo",
    "BST": "Asia/Dhaka",
    "CAT": "Africa/Harare",
    "CNT": "America/St_Johns",
    "CST": "America/Chicago",
    "CTT": "Asia/Shanghai",
    "EAT": "Africa/Addis_Ababa",
    "ECT": "Europe/Paris",
    "IET": "America/Indiana/Indianapolis",
    "IST": "Asia/Kolkata",
    "JST": "Asia/Tokyo",
    "MIT": "Pacific/Apia",
    "NET": "Asia/Yerevan",
    "NST": "Pacific/Auckland",
    "PLT": "Asia/Karachi",
    "PNT": "America/Phoenix",
    "PRT": "America/Puerto_Rico",
    "PST": "America/Los_Angeles",
    "SST": "Pacific/Guadalcanal",
    "VST": "Asia/Ho_Chi_Minh",
    "EST": "-05:00",
    "HST": "-10:00",
    "MST": "-07:00",
}
# ZoneOffset.of: +h, +hh, +hh:mm, +hhmm, +hh:mm:ss, +hhmmss (and the same with '-').
_OFFSET = re.compile(r"([+-])(\d{1,2})(?::?(\d{2})(?::?(\d{2}))?)?")
_OFFSET_FORMS = re.compile(
    r"[+-](\d|\d{2}|\d{2}:\d{2}|\d{4}|\d{2}:\d{2}:\d{2}|\d{6})",
)
# TimeZone custom IDs: GMT Sign Hours [[:] Minutes], hours 0-23, minutes 00-59.
_CUSTOM = re.compile(r"GMT([+-])(\d{1,2})(?::?(\d{2}))?")
# ZoneId.of: "Region IDs must match the regular expression [A-Za-z][A-Za-z0-9~/._+-]+".
_REGION = re.compile(r"[A-Za-z][A-Za-z0-9~/._+-]+")
# In Python's tz database but not Java's (TzdbZoneRulesProvider excludes ROC; the rest are not
# zones of the tzdata source files the JDK compiles).
_NOT_JAVA = frozenset({"posixrules", "localtime", "Factory", "ROC"})
_NOT_JAVA_PREFIXES = ("posix/", "right/")
MAX_OFFSET_SECONDS = 18 * 3600


@cache
def java_region_ids() -> frozenset[str]:
    """Java's region IDs (ZoneId.getAvailableZoneIds()), from the list shipped beside us."""
    lines = _ZONE_IDS_FILE.read_text().splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _zone_offset(text: str) -> int | None:
    """Seconds east of UTC if `text` is a ZoneOffset.of string, else None."""
    if not _OFFSET_FORMS.fullmatch(text):
        return None
    match = _OFFSET.fullmatch(text)
    if match is None:
        return None
    sign, hours, minutes, seconds = match.groups()
    h, m, s = int(hours), int(minutes or 0), int(seconds or 0)
    if h > 18 or m > 59 or s > 59:
        return None
    total = h * 3600 + m * 60 + s
    if total > MAX_OFFSET_SECONDS:
        return None
    return -total if sign == "-" else total


def _zone_id_offset(value: str) -> int | None:
    """The offset of an offset-style ZoneId (`Z`, `+01:00`, `UTC+1`, `GMT`), else None."""
    if value == "Z":
        return 0
    if value[:1] in "+-":
        return _zone_offset(value)
    for prefix in ("UTC", "GMT", "UT"):
        if value == prefix:
            return 0
        if value.startswith(prefix) and value[len(prefix) : len(prefix) + 1] in ("+", "-"):
            return _zone_offset(value[len(prefix) :])
    return None


def _custom_id_offset(value: str) -> int | None:
    """The offset of a java.util.TimeZone custom ID (`GMT+5`, `GMT-05:30`), else None."""
    match = _CUSTOM.fullmatch(value)
    if match is None:
        return None
    sign, hours, minutes = match.groups()
    h, m = int(hours), int(minutes or 0)
    if h > 23 or m > 59:
        return None
    total = h * 3600 + m * 60
    return -total if sign == "-" else total


def _newer_tzdata(value: str) -> bool:
    """Whether the local tz database (a newer tzdata, perhaps) has this region ID, exact case."""
    import zoneinfo

    if value in _NOT_JAVA or value.startswith(_NOT_JAVA_PREFIXES):
        return False
    return value in zoneinfo.available_timezones()


def judge_timezone(value: str) -> tuple[str | None, str | None]:
    """(refusal, warning) for a timezone ID; both None when both Java APIs read it alike."""
    if value in SHORT_IDS or value in java_region_ids():
        return None, None
    zone_id = _zone_id_offset(value)
    custom = _custom_id_offset(value)
    if zone_id is not None and (custom is not None or zone_id == 0):
        return None, None
    if zone_id is not None:
        return None, (
            f"{value!r} is an offset java.time.ZoneId reads but java.util.TimeZone reads as "
            "GMT; write it as a region ID (e.g. 'Etc/GMT-1' for +01:00) or as 'GMT+hh:mm'"
        )
    if custom is not None:
        return None, (
            f"{value!r} is read by java.util.TimeZone but refused by java.time.ZoneId; "
            "write it as 'GMT+hh:mm' with hours up to 18"
        )
    if _REGION.fullmatch(value) and _newer_tzdata(value):
        return None, (
            f"{value!r} is in this machine's tz database but not in the JDK 17 list we check "
            "against (tzdata 2025a): the service accepts it only if its Java knows it"
        )
    meant = suggest.did_you_mean(value, sorted(java_region_ids()))
    if meant and not (value in _NOT_JAVA or value.startswith(_NOT_JAVA_PREFIXES)):
        return f"unknown timezone_id {value!r}; did you mean {meant!r}?", None
    hint = (
        " (Python knows it; Java does not)"
        if value in _NOT_JAVA or value.startswith(_NOT_JAVA_PREFIXES)
        else ""
    )
    return (
        f"unknown timezone_id {value!r}{hint}; use a Java time zone ID such as 'UTC', "
        "'Europe/Berlin' or 'PST'"
    ), None


def check_timezone(value: str) -> str:
    """Return the ID if Java accepts it, else raise ValueError saying why."""
    refusal, _ = judge_timezone(value)
    if refusal:
        raise ValueError(refusal)
    return value


def timezone_warnings(value: str) -> list[str]:
    """Doubts about an accepted ID: one Java API would read it differently from the other."""
    _, warning = judge_timezone(value)
    return [warning] if warning else []
