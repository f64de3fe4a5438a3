"""The rules of a declaration's `alerts`: what each alert watches, and what cannot work.

An alert reads one number per window from one of the monitor's two metric tables: a custom
aggregate or derived metric, or a built-in profile statistic, from the profile metrics table; a
custom drift metric or a built-in drift statistic from the drift metrics table (Databricks docs,
"Monitor metric tables"; `monitors.declared.metric_tables` lists the built-in columns). Each rule
below refuses what would deploy an alert that never fires or fails every evaluation, named by
file, monitor, alert and field, before anything is registered:

- an unknown metric (a renamed metric too: the alert must follow it in the same change);
- a metric that is not one number (an array or struct column, a string metric);
- a drift metric on a monitor that computes no drift of that kind: consecutive drift needs
  time windows (time_series or inference_log), baseline drift a `baseline_table_name`;
- `drift_type` on a metric of the profile table; a `granularity` on a snapshot monitor (it has
  none) or one the monitor does not compute;
- a `slice` whose key is not one of the monitor's `slicing_exprs`, a `column` the metric is
  not computed for;
- more violations than windows; two alerts with one name.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitors.declared import metric_tables
from monitors.declared.datatypes import output_type_label
from monitors.declared.models import Alert, CustomMetric, MonitorSpec
from monitors.declared.suggest import ALIASES, hint
from monitors.errors import Problem

TABLE_COLUMNS = ":table"
DRIFT = "CUSTOM_METRIC_TYPE_DRIFT"
CONSECUTIVE = "CONSECUTIVE"
BASELINE = "BASELINE"
# Spark types that hold one number (datatypes.spark_type_name's names; decimal(p,s) too).
NUMBER_TYPES = ("byte", "short", "integer", "long", "float", "double")
INTEGER_TYPES = ("byte", "short", "integer", "long")


@dataclass(frozen=True)
class Watched:
    """The metric an alert reads: its column, which metric table holds it, and how it is made."""

    name: str
    table: metric_tables.Table
    custom: CustomMetric | None = None

    @property
    def is_drift(self) -> bool:
        return self.table == "drift"


def alert_field(index: int, alert: Alert, name: str) -> str:
    """`alerts[0] (cancellation_spike).metric`: where an alert's problem is."""
    return f"alerts[{index}] ({alert.name}).{name}"


def watched_metric(spec: MonitorSpec, metric: str) -> Watched | None:
    """What `metric` names in this monitor, or None when it is no metric of it."""
    for custom in spec.custom_metrics:
        if custom.name == metric:
            return Watched(metric, "drift" if custom.type == DRIFT else "profile", custom)
    inference = spec.inference_log is not None
    if metric in metric_tables.builtin_statistics(inference):
        return Watched(metric, "profile")
    if metric in metric_tables.DRIFT_STATISTICS:
        return Watched(metric, "drift")
    return None


def drift_type_of(spec: MonitorSpec, alert: Alert) -> str:
    """The drift an alert on a drift metric reads: as declared, else consecutive where the
    monitor has time windows, else baseline."""
    if alert.drift_type is not None:
        return alert.drift_type
    return CONSECUTIVE if spec.profile_type != "snapshot" else BASELINE


def granularity_of(spec: MonitorSpec, alert: Alert) -> str | None:
    """The windows an alert reads: as declared, else the monitor's first granularity; None for
    a snapshot monitor (one window per refresh)."""
    profile = spec.time_series or spec.inference_log
    if profile is None:
        return None
    return alert.granularity or profile.granularities[0]


def _known_metrics(spec: MonitorSpec) -> list[str]:
    inference = spec.inference_log is not None
    names = [m.name for m in spec.custom_metrics]
    builtin = metric_tables.builtin_statistics(inference) | metric_tables.DRIFT_STATISTICS
    return names + sorted(builtin)


def _unknown_metric(spec: MonitorSpec, metric: str) -> str:
    """The refusal of a metric the monitor does not compute, with what was most likely meant:
    an alias of a built-in column (monitors.declared.suggest), said to be an inference monitor's
    where this monitor is none, before a spelling."""
    alias = ALIASES.get(metric)
    if alias in metric_tables.MODEL_QUALITY and spec.inference_log is None:
        meant = (
            f"; did you mean {alias!r}? (only an inference_log monitor computes it, as its "
            "metric tables name it)"
        )
    else:
        meant = hint(metric, _known_metrics(spec))
    return (
        f"unknown metric {metric!r}: not a custom metric of this monitor, nor a built-in "
        f"profile or drift statistic{meant} (after renaming a metric, change the alerts that "
        "watch it in the same change)"
    )


def _check_metric(
    spec: MonitorSpec, index: int, alert: Alert, problems: list[Problem]
) -> Watched | None:
    where = alert_field(index, alert, "metric")
    watched = watched_metric(spec, alert.metric)
    if watched is None:
        problems.append(Problem(where, _unknown_metric(spec, alert.metric)))
        return None
    if watched.custom is None and alert.metric in metric_tables.NOT_A_NUMBER:
        problems.append(
            Problem(
                where,
                f"the built-in column {alert.metric!r} holds no single number (an array or "
                "struct): an alert compares one number with its threshold",
            )
        )
        return None
    if watched.custom is not None:
        label = output_type_label(watched.custom.output_data_type)
        if not label.startswith((*NUMBER_TYPES, "decimal")):
            problems.append(
                Problem(
                    where,
                    f"metric {alert.metric!r} is a {label}: an alert compares a number with "
                    "its threshold",
                )
            )
            return None
    return watched


def _check_drift(
    spec: MonitorSpec, index: int, alert: Alert, watched: Watched, problems: list[Problem]
) -> None:
    if not watched.is_drift:
        if alert.drift_type is not None:
            problems.append(
                Problem(
                    alert_field(index, alert, "drift_type"),
                    f"{alert.metric!r} is a column of the profile metrics table; drift_type "
                    "applies only to drift metrics",
                )
            )
        return
    drift = drift_type_of(spec, alert)
    where = alert_field(index, alert, "drift_type" if alert.drift_type else "metric")
    snapshot = spec.profile_type == "snapshot"
    if snapshot and not spec.baseline_table_name:
        problems.append(
            Problem(
                where,
                f"{alert.metric!r} is a drift metric, and this monitor computes no drift: a "
                "snapshot monitor has no time windows to compare, and it has no "
                "baseline_table_name",
            )
        )
    elif drift == CONSECUTIVE and snapshot:
        problems.append(
            Problem(
                where,
                f"{alert.metric!r} is a drift metric, and a snapshot monitor computes no "
                "consecutive drift (it has no time windows): use drift_type: baseline",
            )
        )
    elif drift == BASELINE and not spec.baseline_table_name:
        problems.append(
            Problem(
                where,
                f"baseline drift of {alert.metric!r} needs a baseline_table_name on this monitor",
            )
        )


def _check_column(index: int, alert: Alert, watched: Watched, problems: list[Problem]) -> None:
    custom = watched.custom
    if custom is None:
        return
    columns = custom.input_columns
    if alert.column not in columns:
        computed = (
            "for the whole table (column ':table')"
            if columns == [TABLE_COLUMNS]
            else f"per column ({', '.join(columns)})"
        )
        problems.append(
            Problem(
                alert_field(index, alert, "column"),
                f"metric {alert.metric!r} is computed {computed}, not for {alert.column!r}",
            )
        )


def _check_windows(spec: MonitorSpec, index: int, alert: Alert, problems: list[Problem]) -> None:
    profile = spec.time_series or spec.inference_log
    if alert.granularity is not None:
        where = alert_field(index, alert, "granularity")
        if profile is None:
            problems.append(
                Problem(
                    where,
                    "a snapshot monitor has no granularities (one window per refresh): remove it",
                )
            )
        elif alert.granularity not in profile.granularities:
            problems.append(
                Problem(
                    where,
                    f"{alert.granularity!r} is not one of this monitor's granularities "
                    f"({', '.join(profile.granularities)})",
                )
            )
    if alert.violations is not None and alert.violations > alert.windows:
        problems.append(
            Problem(
                alert_field(index, alert, "violations"),
                f"{alert.violations} violations cannot happen in the last {alert.windows} "
                f"window(s): at most {alert.windows}",
            )
        )


def _check_slice(spec: MonitorSpec, index: int, alert: Alert, problems: list[Problem]) -> None:
    if alert.slice is None or alert.slice.key in spec.slicing_exprs:
        return
    declared = ", ".join(repr(s) for s in spec.slicing_exprs) or "none"
    problems.append(
        Problem(
            alert_field(index, alert, "slice.key"),
            f"{alert.slice.key!r} is not one of this monitor's slicing_exprs ({declared}): "
            "the metric tables hold slices of those only",
        )
    )


def _warn_equality(index: int, alert: Alert, watched: Watched, warnings: list[Problem]) -> None:
    if alert.op not in ("==", "!=") or watched.custom is None:
        return
    label = output_type_label(watched.custom.output_data_type)
    if label not in INTEGER_TYPES:
        warnings.append(
            Problem(
                alert_field(index, alert, "op"),
                f"compares a {label} with {alert.op}: a computed fraction rarely equals a "
                "threshold exactly; prefer <, <=, > or >=",
            )
        )


@dataclass
class AlertReview:
    """What the alert rules found in one declaration: refusals and warnings."""

    problems: list[Problem]
    warnings: list[Problem]


def review_alerts(spec: MonitorSpec) -> AlertReview:
    """Every refusal and warning of a declaration's alerts, in file order."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    seen: dict[str, int] = {}
    for index, alert in enumerate(spec.alerts):
        if alert.name in seen:
            problems.append(
                Problem(
                    alert_field(index, alert, "name"),
                    f"duplicate alert name (also alerts[{seen[alert.name]}])",
                )
            )
        seen.setdefault(alert.name, index)
        watched = _check_metric(spec, index, alert, problems)
        if watched is not None:
            # The drift rules need the monitor's one profile type; none or several is refused
            # already (checks._check_profile), and they cannot be judged against it.
            if len(spec.profile_types) == 1:
                _check_drift(spec, index, alert, watched, problems)
            _check_column(index, alert, watched, problems)
            _warn_equality(index, alert, watched, warnings)
        _check_windows(spec, index, alert, problems)
        _check_slice(spec, index, alert, problems)
        if spec.inference_log is not None:
            warnings.append(
                Problem(
                    alert_field(index, alert, "metric"),
                    "an inference_log monitor's metric tables hold a row per model id in each "
                    f"window ({spec.inference_log.model_id_col}): this alert reads the latest "
                    "rows whatever their model, so with several models a window counts more "
                    "than once",
                )
            )
    return AlertReview(problems, warnings)
