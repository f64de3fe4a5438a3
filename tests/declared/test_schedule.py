"""A schedule is judged as the service's Java reads it: Quartz cron and a Java time zone ID.

Sources: databricks-sdk `catalog.MonitorCronSchedule` (Quartz 2.3.0 CronTrigger tutorial;
"timezone id (e.g., PST)"), `jobs.CronSchedule` ("A Java timezone ID", java.util.TimeZone);
org.quartz.CronExpression (buildExpression, storeExpressionVals, checkNext, addToSet,
checkIncrementRange); JDK docs of java.time.ZoneId.of, ZoneId.SHORT_IDS, ZoneOffset.of and
java.util.TimeZone. The Java verdicts below were recorded with OpenJDK 17.0.15 (tzdata 2025a):
`ZoneId.of(id, ZoneId.SHORT_IDS)` and `TimeZone.getTimeZone(id)`.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from monitors.declared.checks import schedule_warnings
from monitors.declared.models import Schedule
from monitors.declared.timezones import check_timezone
from tests.declared.declaration_cases import refusals, warnings
from tests.helpers.declarations import declaration


def schedule_refusal(cron: str = "0 0 6 * * ?", zone: str = "UTC") -> str | None:
    """The loader's message for this schedule in a declaration, or None when it is valid."""
    lines = refusals(declaration(schedule={"quartz_cron_expression": cron, "timezone_id": zone}))
    assert len(lines) <= 1, lines
    return lines[0] if lines else None


def schedule_doubts(cron: str = "0 0 6 * * ?", zone: str = "UTC") -> list[str]:
    return warnings(declaration(schedule={"quartz_cron_expression": cron, "timezone_id": zone}))


# ---------------------------------------------------------------------------- time zones

# Both ZoneId.of(id, SHORT_IDS) and TimeZone.getTimeZone(id) read these as the zone they name.
BOTH_JAVA_APIS = [
    "UTC",
    "GMT",
    "Europe/Berlin",
    "America/Argentina/Buenos_Aires",
    "US/Pacific",
    "Etc/GMT+5",
    "EST5EDT",
    "SystemV/AST4",
    "PST",
    "EST",
    "MST",
    "HST",
    "IST",
    "GMT-5",
    "GMT+01:30",
    "GMT+0130",
    "GMT+18:00",
]
# Refused by both: TimeZone falls back to GMT, ZoneId throws.
NEITHER_JAVA_API = [
    "Europe/Atlantis",
    "europe/berlin",
    "pst",
    "utc",
    "posixrules",
    "localtime",
    "Factory",
    "ROC",
    "posix/Europe/London",
    "right/UTC",
    "US/Pacific-New",
    " UTC",
    "UTC ",
    "UTC\n",
    "+1:00",
    "+010",
    "+19",
    "+00:60",
    "GMT+",
    "UTC+Z",
    "A",
    "",
]
# ZoneId reads an offset; TimeZone reads GMT (offset 0): accepted with a warning.
ZONE_ID_ONLY = ["+01:00", "+1", "-0530", "UTC+01:00", "UTC-1", "UT+3", "GMT+01:30:15", "+18:00"]
# TimeZone reads a custom ID; ZoneId throws: accepted with a warning.
TIME_ZONE_ONLY = ["GMT+23", "GMT+1:30", "GMT-19:00"]
# Offset zero: both read UTC/GMT alike.
ZERO_OFFSETS = ["Z", "UT", "+00:00", "-0", "UTC+0", "GMT+0", "GMT-0"]


@pytest.mark.parametrize("zone", BOTH_JAVA_APIS + ZERO_OFFSETS)
def test_a_zone_id_java_reads_alike_both_ways_is_accepted_without_warning(zone):
    assert schedule_refusal(zone=zone) is None
    assert schedule_doubts(zone=zone) == []


@pytest.mark.parametrize("zone", NEITHER_JAVA_API)
def test_a_zone_id_java_refuses_is_refused(zone):
    line = schedule_refusal(zone=zone)
    assert line is not None
    assert line.startswith("schedule.timezone_id: ")


@pytest.mark.parametrize("zone", ["posixrules", "localtime", "Factory", "right/UTC"])
def test_a_zone_only_python_knows_says_java_does_not(zone):
    assert "(Python knows it; Java does not)" in (schedule_refusal(zone=zone) or "")


@pytest.mark.parametrize("zone", ZONE_ID_ONLY)
def test_an_offset_only_zone_id_reads_is_accepted_with_a_warning(zone):
    assert schedule_refusal(zone=zone) is None
    (line,) = schedule_doubts(zone=zone)
    assert line.startswith("schedule.timezone_id: ")
    assert "java.util.TimeZone reads as GMT" in line


@pytest.mark.parametrize("zone", TIME_ZONE_ONLY)
def test_a_custom_id_only_time_zone_reads_is_accepted_with_a_warning(zone):
    assert schedule_refusal(zone=zone) is None
    (line,) = schedule_doubts(zone=zone)
    assert "refused by java.time.ZoneId" in line


def test_the_api_reference_example_pst_is_accepted():
    assert Schedule(quartz_cron_expression="0 0 12 * * ?", timezone_id="PST").timezone_id == "PST"


# ---------------------------------------------------------------------------- Quartz cron

REFUSED_CRON = [
    ("0 6 * * *", "needs 6 or 7 fields"),
    ("0 0 6 * * ? 2030 1", "needs 6 or 7 fields"),
    ("0 0 6 * * *", "exactly one of day-of-month and day-of-week must be '?'"),
    ("0 0 6 ? * ?", "exactly one of day-of-month and day-of-week must be '?'"),
    ("0 0 6 ?,5 * ?", "exactly one of day-of-month and day-of-week must be '?'"),
    ("0 0 6 * * ?\n", "has a line break or control character"),
    ("0 0 6\n* * ?", "has a line break or control character"),
    ("0 0 6 * * \uff1f", "has characters Quartz does not know"),  # a full-width ?
    ("60 0 6 * * ?", "seconds: 60 is not in 0-59"),
    ("0 0 24 * * ?", "hours: 24 is not in 0-23"),
    ("0 0 6 0 * ?", "day-of-month: 0 is not in 1-31"),
    ("0 0 6 * 13 ?", "month: 13 is not in 1-12"),
    ("0 0 6 ? * 0", "day-of-week: 0 is not in 1-7"),
    ("0 0 6 ? * 8L", "day-of-week: 8 is not in 1-7"),
    ("0 0 6 ? ? *", "'?' is only for day-of-month or day-of-week"),
    ("0 */60 6 * * ?", "minutes: step 60 is larger than 59"),
    ("0 0 0/24 * * ?", "hours: step 24 is larger than 23"),
    ("0 0 6 */32 * ?", "day-of-month: step 32 is larger than 31"),
    ("0 0 6 L-31 * ?", "the offset in L-n must be at most 30"),
    ("0 0 6 32W * ?", "nW needs a day of at most 31"),
    ("0 0 6 1,L * ?", "'L' cannot be listed with other values"),
    ("0 0 6 ? * SAT,L", "'L' cannot be listed with other values"),
    ("0 0 6 ? * 6#6", "a number from 1 to 5 must follow '#'"),
    ("0 0 6 ? * 1#1,2#2", "only one 'n#k' is supported"),
    ("0 0 6 ? * MON-5", "'MON-5' is not Quartz cron"),
    ("0 0 6 * * ? 2030-2020", "year: a range must go up"),
    ("0 0 6 L- * ?", "'L-' is not Quartz cron"),
    ("0 0 6/ * * ?", "'6/' is not Quartz cron"),
]


@pytest.mark.parametrize(("cron", "reason"), REFUSED_CRON)
def test_a_cron_quartz_refuses_is_refused(cron, reason):
    line = schedule_refusal(cron=cron)
    assert line is not None
    assert line.startswith("schedule.quartz_cron_expression: ")
    assert reason in line


@pytest.mark.parametrize(
    "cron",
    [
        "0 0 6 * * ?",
        "0 0 6 ? * MON-FRI",
        "0 0 6 ? * mon-fri",
        "0 0 6 L * ?",
        "0 0 6 L-3 * ?",
        "0 0 6 LW * ?",
        "0 0 6 L-2W * ?",
        "0 0 6 15W * ?",
        "0 0 6 ? * 6L",
        "0 0 6 ? * FRIL",
        "0 0 6 ? * 6#3",
        "0 0 6 ? * FRI#1",
        "0 0 22-2 * * ?",
        "0 0 6 ? NOV-FEB MON",
        "0 15,45 */2 * * ?",
        "0 0 6 * * ? 2027-2030",
        "0\t0 6  * * ?",
    ],
)
def test_a_cron_quartz_parses_is_accepted_without_warning(cron):
    assert schedule_refusal(cron=cron) is None
    assert schedule_doubts(cron=cron) == []


@pytest.mark.parametrize(
    ("cron", "doubt"),
    [
        ("*/5 * * * * ?", "fires every 5 s"),
        ("* * * * * ?", "fires every 1 s"),
        ("0 0 6 30 2 ?", "never fires: day-of-month 30 exists in no month 2"),
        ("0 0 6 31 APR,JUN ?", "never fires"),
        ("0 0 6 * * ? 1960", "never fires: year 1960 is outside 1970-2199"),
        ("0 0 6 ? * 0#3", "0#3 never fires"),
        ("0 0 0/0 * * ?", "a step of 0 selects only the start value"),
        ("0 0 6 * JAN/2 ?", "Quartz ignores the step in 'JAN/2'"),
        ("0 0 6 ? * MONDAY", "Quartz reads only the first three letters of 'MONDAY'"),
        ("0 0 6 1W,15 * ?", "'W' works on a single day, not in a list"),
        ("0 0 6 ? * 6#3,2", "'n#k' must be the field's only value"),
    ],
)
def test_a_cron_quartz_accepts_but_that_misleads_is_a_warning(cron, doubt):
    assert schedule_refusal(cron=cron) is None
    (line,) = schedule_doubts(cron=cron)
    assert line.startswith("schedule.quartz_cron_expression: ")
    assert doubt in line


def test_the_stack_schedule_gets_the_same_warnings_under_its_own_field():
    schedule = Schedule(quartz_cron_expression="* * * * * ?", timezone_id="+01:00")
    found = schedule_warnings(schedule, "lakehouse-monitors:schedule")
    assert [p.field for p in found] == [
        "lakehouse-monitors:schedule.quartz_cron_expression",
        "lakehouse-monitors:schedule.timezone_id",
    ]


def test_a_schedule_model_refuses_what_the_loader_refuses():
    with pytest.raises(ValidationError, match="'L' cannot be listed with other values"):
        Schedule(quartz_cron_expression="0 0 6 1,L * ?")


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("Europe/Amsterdm", "Europe/Amsterdam"),
        ("europe/berlin", "Europe/Berlin"),
        ("Amsterdam", "Europe/Amsterdam"),
    ],
)
def test_an_unknown_time_zone_close_to_a_java_one_gets_a_did_you_mean(written, meant):
    with pytest.raises(ValueError) as caught:
        check_timezone(written)
    assert str(caught.value) == f"unknown timezone_id {written!r}; did you mean {meant!r}?"
