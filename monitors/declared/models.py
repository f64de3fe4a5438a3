"""Pydantic models of a monitor declaration: the YAML under monitors/declarations, field by field.

Field names are the Databricks API / Asset Bundles `quality_monitors` names in snake_case.
Friendly forms (metric type `aggregate`, output type `double`, problem type `regression`) are
normalised here to the exact strings the API expects, so everything downstream sees API form.
Checks that span several fields live in `monitors.declared.checks`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from monitors.declared.datatypes import normalise_output_data_type
from monitors.declared.identifiers import MAX_NAME_LENGTH, name_problem
from monitors.declared.numbers import exact_double, plain_count
from monitors.declared.quartz import check_quartz_cron
from monitors.declared.timezones import check_timezone
from monitors.declared.yamlfile import written_differently
from monitors.naming import ALERT_SEVERITIES

ProfileType = Literal["time_series", "snapshot", "inference_log"]
# The one list of profile types: the replace rule, the record and export read it from here.
PROFILE_TYPES: tuple[str, ...] = get_args(ProfileType)

METRIC_TYPES: tuple[str, ...] = (
    "CUSTOM_METRIC_TYPE_AGGREGATE",
    "CUSTOM_METRIC_TYPE_DERIVED",
    "CUSTOM_METRIC_TYPE_DRIFT",
)
PROBLEM_TYPES: tuple[str, ...] = ("PROBLEM_TYPE_CLASSIFICATION", "PROBLEM_TYPE_REGRESSION")
GRANULARITIES: tuple[str, ...] = (
    "5 minutes",
    "30 minutes",
    "1 hour",
    "1 day",
    "1 week",
    "2 weeks",
    "3 weeks",
    "4 weeks",
    "1 month",
    "1 year",
)
MAX_EMAILS = 5
# A metric's name is a column of the metric tables; input and profile columns are columns of the
# monitored table: at most MAX_NAME_LENGTH characters, no "ASCII control characters (00-1F hex)"
# or DELETE (7F) (Databricks SQL reference, "Names").
# A metric name is also referenced bare from derived metrics, so it is a plain identifier.
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# RFC 5321: a path holds at most 256 octets with its brackets (254 for the address), a local part
# at most 64; no whitespace or control characters in an address we send.
MAX_EMAIL_LENGTH = 254
MAX_LOCAL_PART_LENGTH = 64
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f.]+(\.[^@\s\x00-\x1f\x7f.]+)+")


def _enum_from_friendly(prefix: str, choices: tuple[str, ...]) -> AfterValidator:
    """Accept `aggregate`, `Aggregate` or `CUSTOM_METRIC_TYPE_AGGREGATE`; return the API form."""

    def normalise(value: str) -> str:
        upper = value.strip().upper()
        candidate = upper if upper.startswith(prefix) else prefix + upper
        if candidate not in choices:
            friendly = ", ".join(c.removeprefix(prefix).lower() for c in choices)
            raise ValueError(f"unknown value {value!r}; use one of {friendly}")
        return candidate

    return AfterValidator(normalise)


def _granularity(value: str) -> str:
    """Granularities must be one the legacy monitor API accepts, spelled exactly."""
    text = " ".join(value.split()).lower()
    if text not in GRANULARITIES:
        raise ValueError(f"unknown granularity {value!r}; use one of {', '.join(GRANULARITIES)}")
    return text


def unique_entries(values: list[str]) -> list[str]:
    """Reject repeated entries: the API would keep one and the diff would never settle."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{value!r} is listed twice")
        seen.add(value)
    return values


def _unique_ignoring_case(values: list[str]) -> list[str]:
    """Reject entries equal but for case: mail systems treat them as one address."""
    seen: dict[str, str] = {}
    for value in values:
        key = value.casefold()
        if key in seen:
            also = "" if seen[key] == value else f" (as {seen[key]!r})"
            raise ValueError(f"{value!r} is listed twice{also}")
        seen[key] = value
    return values


def _identifier(value: str) -> str:
    """A metric name: a plain identifier (its length is bounded by the field)."""
    if not IDENTIFIER.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid metric name (letters, digits, underscore)")
    return value


def _column_name(value: str) -> str:
    """A column of the monitored table: any characters a column name may hold."""
    if not value.strip():
        raise ValueError("is blank")
    if _CONTROL.search(value):
        raise ValueError(f"{value!r} has a control character (a line break?): not a column name")
    return value


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError(f"{value!r} is not an email address")
    if len(value) > MAX_EMAIL_LENGTH:
        raise ValueError(f"email address is {len(value)} characters; at most {MAX_EMAIL_LENGTH}")
    if len(value.rpartition("@")[0]) > MAX_LOCAL_PART_LENGTH:
        raise ValueError(
            f"{value!r}: the part before '@' is over {MAX_LOCAL_PART_LENGTH} characters"
        )
    return value


def _table_reference(value: str) -> str:
    """A table in the stack's gold schema (`name`) or anywhere (`catalog.schema.name`), each part
    a plain Unity Catalog name: it goes unquoted into the API body."""
    parts = value.split(".")
    if len(parts) not in (1, 3):
        raise ValueError(f"{value!r} is not a table name: write `table` or `catalog.schema.table`")
    for part in parts:
        problem = name_problem(part, "table name part")
        if problem:
            raise ValueError(problem)
    return value


NonEmptyStr = Annotated[str, Field(min_length=1)]
ColumnName = Annotated[
    str, Field(min_length=1, max_length=MAX_NAME_LENGTH), AfterValidator(_column_name)
]
MetricName = Annotated[str, Field(max_length=MAX_NAME_LENGTH), AfterValidator(_identifier)]
MetricType = Annotated[str, _enum_from_friendly("CUSTOM_METRIC_TYPE_", METRIC_TYPES)]
ProblemType = Annotated[str, _enum_from_friendly("PROBLEM_TYPE_", PROBLEM_TYPES)]
OutputDataType = Annotated[
    str,
    BeforeValidator(normalise_output_data_type),
    Field(description="A type name such as double, long, decimal(18,2), or StructField JSON"),
]
Granularities = Annotated[
    list[Annotated[str, AfterValidator(_granularity)]],
    Field(min_length=1),
    AfterValidator(unique_entries),
]
EmailList = Annotated[
    list[Annotated[str, AfterValidator(_email)]],
    Field(max_length=MAX_EMAILS),
    AfterValidator(_unique_ignoring_case),
]


class _Strict(BaseModel):
    """Unknown keys are errors: a typo must never silently drop a setting."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CustomMetric(_Strict):
    """One custom metric, in the API's shape."""

    name: MetricName
    """The metric's column in the metric tables: a plain identifier, unique ignoring case, not a
    built-in column. Renaming it replaces the monitor."""
    type: MetricType
    """`aggregate`, `derived` or `drift` (any case, or the API's `CUSTOM_METRIC_TYPE_*`). Changing
    it replaces the monitor."""
    definition: NonEmptyStr
    """One SQL expression (Databricks dialect) with the `{{ }}` templates the type allows. Changing
    it updates in place."""
    input_columns: Annotated[list[ColumnName], Field(min_length=1), AfterValidator(unique_entries)]
    """The columns the metric is computed over, or `[":table"]` for the whole table. Changing them
    replaces the monitor."""
    output_data_type: OutputDataType
    """The metric's type: `double`, `long`, `decimal(18,2)`... or StructField JSON; sent as
    StructField JSON. Changing it replaces the monitor."""


class TimeSeries(_Strict):
    """A time-series profile: metrics per window of `timestamp_col`."""

    timestamp_col: ColumnName
    """The table's timestamp column that windows are cut from."""
    granularities: Granularities
    """Window sizes, e.g. `"1 day"`, `"1 week"`; each one the API accepts, listed once."""


class Snapshot(_Strict):
    """A snapshot profile: metrics over the whole table at each refresh."""


class InferenceLog(_Strict):
    """An inference-log profile for model-serving tables."""

    problem_type: ProblemType
    """`classification` or `regression` (or the API's `PROBLEM_TYPE_*`)."""
    timestamp_col: ColumnName
    """The timestamp column that windows are cut from."""
    granularities: Granularities
    """Window sizes, e.g. `"1 day"`; each one the API accepts, listed once."""
    prediction_col: ColumnName
    """The column holding the model's prediction (`{{prediction_col}}` in metrics)."""
    model_id_col: ColumnName
    """The column holding the model's id."""
    label_col: ColumnName | None = None
    """The column holding the ground truth, if any (`{{label_col}}` in metrics)."""
    prediction_proba_col: ColumnName | None = None
    """The column holding prediction probabilities (legacy API only)."""


class Schedule(_Strict):
    """A Quartz cron schedule for refreshes (`pause_status` is read-only in the API)."""

    quartz_cron_expression: Annotated[str, AfterValidator(check_quartz_cron)]
    """A Quartz cron expression (6 or 7 fields), e.g. `0 0 6 * * ?`."""
    timezone_id: Annotated[str, AfterValidator(check_timezone)] = "UTC"
    """A Java time zone ID: a region (`Europe/Berlin`), a short ID (`PST`) or an offset
    (`GMT-5`)."""


class EmailDestination(_Strict):
    """At most five addresses per notification event."""

    email_addresses: EmailList
    """At most five addresses, none twice in any case."""


class Notifications(_Strict):
    """Who hears about failed refreshes and new classification tags."""

    on_failure: EmailDestination | None = None
    """Told when a refresh fails; wins over the stack's `notificationEmails`."""
    on_new_classification_tag_detected: EmailDestination | None = None
    """Told when data classification tags a new column (legacy API only)."""


class DataClassificationConfig(_Strict):
    """Whether the monitor tags columns holding sensitive data."""

    enabled: bool
    """Tag columns holding sensitive data (legacy API only)."""


# ---------------------------------------------------------------------------- alerts
# A threshold on a metric this monitor computes, deployed as a Databricks SQL alert (AlertV2)
# over the monitor's metric tables. Cross-field rules (the metric exists, the slice is declared,
# the granularity is the monitor's) are in monitors.declared.alerts.

ALERT_OPERATORS: dict[str, str] = {
    ">": "GREATER_THAN",
    ">=": "GREATER_THAN_OR_EQUAL",
    "<": "LESS_THAN",
    "<=": "LESS_THAN_OR_EQUAL",
    "==": "EQUAL",
    "!=": "NOT_EQUAL",
}
AlertOperator = Literal[">", ">=", "<", "<=", "==", "!="]
DRIFT_TYPES: tuple[str, ...] = ("CONSECUTIVE", "BASELINE")
MAX_ALERT_WINDOWS = 100  # our bound: an alert reads at most this many of the latest windows
MAX_ALERT_NAME_LENGTH = 100  # our bound: the name is part of the alert's display name
_ALERT_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def _alert_name(value: str) -> str:
    """Lowercase identifier: part of the resource name and the display name, never renamed by
    case alone."""
    if not _ALERT_NAME.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a valid alert name (lowercase letters, digits and underscore, "
            "not starting with a digit)"
        )
    return value


def _slice_value(value: object) -> object:
    """Slice values are text in the metric tables: `42` is taken as "42"; `true` must be
    quoted ("true"), since YAML would otherwise turn `yes` or `on` into it too."""
    if isinstance(value, bool):
        raise ValueError(f"write the slice value as text in quotes, e.g. '{str(value).lower()}'")
    if isinstance(value, int):
        written = written_differently(value)
        if written is not None:  # `0123` is 83 to the YAML reader (monitors.declared.yamlfile)
            raise ValueError(
                f"{written} reads as the number {value}, not the text {written!r}: write it in "
                f"quotes ('{written}')"
            )
        return str(value)
    return value


def _drift_type(value: str) -> str:
    upper = value.strip().upper()
    if upper not in DRIFT_TYPES:
        raise ValueError(f"unknown drift type {value!r}; use consecutive or baseline")
    return upper


def _severity(value: str) -> str:
    lower = value.strip().lower()
    if lower not in ALERT_SEVERITIES:
        raise ValueError(f"unknown severity {value!r}; use one of {', '.join(ALERT_SEVERITIES)}")
    return lower


def _destination_name(value: str) -> str:
    if not value.strip() or value != value.strip():
        raise ValueError(f"{value!r} is blank or has surrounding spaces")
    if _CONTROL.search(value):
        raise ValueError(f"{value!r} has a control character")
    return value


AlertEmails = Annotated[
    list[Annotated[str, AfterValidator(_email)]], AfterValidator(_unique_ignoring_case)
]
DestinationNames = Annotated[
    list[Annotated[str, Field(max_length=MAX_NAME_LENGTH), AfterValidator(_destination_name)]],
    AfterValidator(unique_entries),
]


# A count of windows in plain decimal (`0x10` is not taken as 16: monitors.declared.numbers);
# strict: `true` or `"3"` are not a count of windows (pydantic would read them as 1 and 3).
Count = Annotated[int, Field(ge=1, le=MAX_ALERT_WINDOWS, strict=True), BeforeValidator(plain_count)]


class AlertNotify(_Strict):
    """Who hears when an alert fires: addresses, and notification destinations by display name
    (Slack, Teams, PagerDuty, webhooks, email lists, as set up by a workspace admin)."""

    emails: AlertEmails = Field(default_factory=list)
    """Addresses told when the alert fires and when it is back to normal."""
    destinations: DestinationNames = Field(default_factory=list)
    """Notification destinations by their exact display name in the workspace."""


class AlertSlice(_Strict):
    """One slice of the table: a declared slicing expression and one of its values."""

    key: NonEmptyStr
    """One of the monitor's `slicing_exprs`."""
    value: Annotated[str, BeforeValidator(_slice_value), Field(min_length=1)]
    """The slice's value, as text (quote numbers with leading zeros and `true`)."""


class Alert(_Strict):
    """A threshold on one metric of this monitor: fires when `metric op threshold` holds in at
    least `violations` of the latest `windows` windows."""

    name: Annotated[str, Field(max_length=MAX_ALERT_NAME_LENGTH), AfterValidator(_alert_name)]
    """Lowercase identifier, unique in the declaration; part of the alert's resource and display
    name."""
    metric: MetricName
    """A custom metric of this monitor, or a built-in statistic of its metric tables."""
    op: AlertOperator
    """How the metric is compared with the threshold."""
    threshold: Annotated[float, BeforeValidator(exact_double), Field(allow_inf_nan=False)]
    """A number a double holds exactly as written, in plain decimal."""
    column: ColumnName = ":table"
    """The column the metric is read for; `:table` for table-level metrics."""
    slice: AlertSlice | None = None
    """Read one slice of the table instead of the whole table."""
    granularity: Annotated[str, AfterValidator(_granularity)] | None = None
    """Which of the monitor's granularities to read (default: its first); time-series and inference
    monitors only."""
    drift_type: Annotated[str, AfterValidator(_drift_type)] | None = None
    """`consecutive` (default) or `baseline`; drift metrics only."""
    windows: Count = 1
    """How many of the latest windows to read."""
    violations: Count | None = None
    """How many of them must break the threshold (default: all of them)."""
    severity: Annotated[str, AfterValidator(_severity)] = "warning"
    """`info`, `warning` or `critical`; shown in the alert's display name."""
    notify: AlertNotify | None = None
    """Who is told; replaces the stack's default recipients (`alerts.notify`)."""

    @property
    def required_violations(self) -> int:
        """How many of the latest windows must violate (all of them unless said)."""
        return self.windows if self.violations is None else self.violations


class MonitorSpec(_Strict):
    """A monitor declaration for one table; the file stem names the table."""

    custom_metrics: list[CustomMetric] = Field(default_factory=list)
    """The monitor's custom metrics; sent sorted by name, so their order changes nothing."""
    slicing_exprs: Annotated[list[NonEmptyStr], AfterValidator(unique_entries)] = Field(
        default_factory=list
    )
    """SQL expressions to slice the metrics by, each listed once."""
    time_series: TimeSeries | None = None
    """A time-series profile. Exactly one of `time_series`, `snapshot`, `inference_log`; switching
    replaces the monitor."""
    snapshot: Snapshot | None = None
    """A snapshot profile, written `snapshot: {}`."""
    inference_log: InferenceLog | None = None
    """An inference-log profile, for tables of model predictions."""
    baseline_table_name: Annotated[str, AfterValidator(_table_reference)] | None = None
    """A baseline table for drift: `table` in the gold schema or `catalog.schema.table`."""
    schedule: Schedule | None = None
    """This monitor's refresh schedule; overrides the stack's `schedule` cron where the stack
    schedules."""
    notifications: Notifications | None = None
    """Who is told of failed refreshes, for this monitor."""
    data_classification_config: DataClassificationConfig | None = None
    """Data classification (legacy API only)."""
    skip_builtin_dashboard: bool = False
    """No built-in dashboard. Create-only: changing it replaces the monitor."""
    alerts: list[Alert] = Field(default_factory=list)
    """Thresholds on this monitor's metrics, deployed as SQL alerts where the stack sets
    `alerts`."""

    @field_validator("time_series", "snapshot", "inference_log", mode="before")
    @classmethod
    def _profile_not_empty(cls, value: object, info: ValidationInfo) -> object:
        """`snapshot:` with nothing after it is YAML null, which would read as no profile at
        all; say how to write an empty one instead."""
        if value is None:
            example = "snapshot: {}" if info.field_name == "snapshot" else f"{info.field_name}: ..."
            raise ValueError(
                f"is empty (null): write `{example}`"
                + ("" if info.field_name == "snapshot" else " with its fields")
                + ", or remove the line"
            )
        return value

    @property
    def profile_types(self) -> list[ProfileType]:
        """Every profile type the declaration sets (valid declarations set exactly one)."""
        found: list[ProfileType] = []
        if self.time_series is not None:
            found.append("time_series")
        if self.snapshot is not None:
            found.append("snapshot")
        if self.inference_log is not None:
            found.append("inference_log")
        return found

    @property
    def profile_type(self) -> ProfileType:
        """The one profile type of a validated declaration."""
        (only,) = self.profile_types
        return only
