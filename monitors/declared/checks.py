"""Checks across the fields of one declaration: refusals, and warnings where we are not sure.

`review_monitor` returns both, each a Problem naming the field, so the loader reports every
refusal at once before anything reaches Pulumi or Databricks, and `plan` and the program can
show the warnings. A rule refuses only what the service rejects or what never works; where the
evidence is thinner it warns. Each rule names its source.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from monitors.declared import metric_tables
from monitors.declared.alerts import review_alerts
from monitors.declared.models import CustomMetric, MonitorSpec, Schedule
from monitors.declared.quartz import quartz_warnings
from monitors.declared.sql_analysis import SqlAnalysis
from monitors.declared.sql_cache import analyse
from monitors.declared.timezones import timezone_warnings
from monitors.errors import Problem

AGGREGATE = "CUSTOM_METRIC_TYPE_AGGREGATE"
DERIVED = "CUSTOM_METRIC_TYPE_DERIVED"
DRIFT = "CUSTOM_METRIC_TYPE_DRIFT"
TABLE_COLUMNS = ":table"

# The Jinja variables the service defines for a definition (Databricks docs, "Use custom
# metrics", "Create definition"): the input column; the model's prediction and label columns
# ("Used with InferenceLog analysis"); and, for drift, the two windows compared.
INPUT_COLUMN = "input_column"
PREDICTION_COL = "prediction_col"
LABEL_COL = "label_col"
CURRENT_DF = "current_df"
BASE_DF = "base_df"
SERVICE_TEMPLATES: tuple[str, ...] = (INPUT_COLUMN, PREDICTION_COL, LABEL_COL, CURRENT_DF, BASE_DF)
MODEL_TEMPLATES = frozenset({PREDICTION_COL, LABEL_COL})
WINDOW_TEMPLATES = frozenset({CURRENT_DF, BASE_DF})
# Kept under its old name: the statistics a derived metric may use without declaring them.
BUILTIN_AGGREGATES = metric_tables.PROFILE_STATISTICS


@dataclass
class Review:
    """What one declaration's checks found: refusals and warnings, in file order."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def refuse(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(Problem(where, message))


def _render(names: set[str] | frozenset[str] | tuple[str, ...]) -> str:
    return ", ".join("{{" + n + "}}" for n in sorted(names))


def _metric_field(index: int, metric: CustomMetric, name: str) -> str:
    return f"custom_metrics[{index}] ({metric.name}).{name}"


def _table_of(metric: CustomMetric) -> metric_tables.Table:
    """Drift metrics are columns of the drift metrics table, the others of the profile table."""
    return "drift" if metric.type == DRIFT else "profile"


def _check_profile(spec: MonitorSpec, review: Review) -> None:
    types = spec.profile_types
    if not types:
        review.refuse(
            "time_series", "no profile type: set one of time_series, snapshot, inference_log"
        )
    elif len(types) > 1:
        review.refuse(types[1], f"two profile types ({' and '.join(types)}): set exactly one")


def _check_names(spec: MonitorSpec, review: Review) -> None:
    """Metric names are columns: unique ignoring case, and not a built-in column of their table."""
    inference = spec.inference_log is not None
    seen: dict[str, int] = {}
    for index, metric in enumerate(spec.custom_metrics):
        where = _metric_field(index, metric, "name")
        key = metric.name.lower()
        if key in seen:
            other = spec.custom_metrics[seen[key]].name
            review.refuse(
                where,
                f"duplicate metric name (also custom_metrics[{seen[key]}])"
                if other == metric.name
                else f"duplicate metric name: custom_metrics[{seen[key]}] is {other!r}, and "
                "column names ignore case",
            )
            continue
        seen[key] = index
        table = _table_of(metric)
        if key in metric_tables.builtin_columns(table, inference):
            review.refuse(
                where,
                f"collides with the built-in column {key!r} of the {table} metrics table "
                "(Databricks docs, 'Monitor metric tables'): choose another name",
            )
        elif spec.inference_log and key == spec.inference_log.model_id_col.lower():
            review.warn(
                where,
                "is named like the model id column, which the inference metric tables "
                "group by: choose another name",
            )


def _check_templates(
    spec: MonitorSpec, index: int, metric: CustomMetric, analysis: SqlAnalysis, review: Review
) -> bool:
    """Template rules per metric type; False when the definition cannot be checked further."""
    where = _metric_field(index, metric, "definition")
    templates = set(analysis.templates)
    unknown = templates - set(SERVICE_TEMPLATES)
    if metric.type == DERIVED and unknown:
        review.refuse(
            where,
            f"derived metrics name aggregates bare ({_render(unknown)} fails with "
            "UNDEFINED_TEMPLATE_VARIABLE): write e.g. a / NULLIF(b, 0)",
        )
        return False
    if unknown:
        review.refuse(
            where,
            f"unknown template {_render(unknown)}: the service defines only "
            f"{_render(SERVICE_TEMPLATES)} (others fail with UNDEFINED_TEMPLATE_VARIABLE)",
        )
    if metric.type == DRIFT:
        missing = WINDOW_TEMPLATES - templates
        if missing:
            review.refuse(
                where,
                "a drift metric compares windows with {{current_df}} and {{base_df}}; missing "
                + _render(missing),
            )
    elif templates & WINDOW_TEMPLATES:
        review.refuse(
            where,
            f"{_render(templates & WINDOW_TEMPLATES)} exist only in drift metrics "
            "(they are the two windows a drift compares)",
        )
        return False
    if INPUT_COLUMN in templates and metric.input_columns == [TABLE_COLUMNS]:
        review.refuse(where, "uses {{input_column}} but input_columns is [':table']")
    model = templates & MODEL_TEMPLATES
    if model and spec.inference_log is None:
        review.refuse(
            where,
            f"uses {_render(model)}, which only an inference_log monitor defines "
            "(its prediction and label columns)",
        )
    elif LABEL_COL in model and spec.inference_log and spec.inference_log.label_col is None:
        review.warn(where, "uses {{label_col}} but inference_log sets no label_col")
    if metric.type != AGGREGATE and templates & (MODEL_TEMPLATES | {INPUT_COLUMN}):
        used = _render(templates & (MODEL_TEMPLATES | {INPUT_COLUMN}))
        kind = "derived" if metric.type == DERIVED else "drift"
        review.warn(
            where,
            f"uses {used} in a {kind} metric; the docs show these columns only in aggregate "
            "metrics, which read the monitored table",
        )
    return not unknown


def _check_derived(
    spec: MonitorSpec, index: int, metric: CustomMetric, analysis: SqlAnalysis, review: Review
) -> None:
    """A derived metric is computed from aggregate metrics, which it names bare."""
    if analysis.references is None:
        return
    known = {m.name.lower() for m in spec.custom_metrics if m.type == AGGREGATE}
    known |= metric_tables.builtin_statistics(spec.inference_log is not None)
    names = list(analysis.references)
    unknown = sorted({n for n in names if n.lower() not in known})
    where = _metric_field(index, metric, "definition")
    if unknown:
        review.refuse(
            where,
            f"names unknown metric(s) {', '.join(unknown)}; a derived metric may use this "
            "monitor's aggregate metrics and the built-in ones",
        )
    elif not names:
        review.refuse(where, "a derived metric must use at least one aggregate metric")


def _check_drift_reads(
    spec: MonitorSpec, index: int, metric: CustomMetric, analysis: SqlAnalysis, review: Review
) -> None:
    """`{{current_df}}.x`: x should be a metric the profile metrics table has."""
    known = {m.name.lower() for m in spec.custom_metrics if m.type != DRIFT}
    known |= metric_tables.builtin_statistics(spec.inference_log is not None)
    unknown = sorted({name for _, name in analysis.qualified if name.lower() not in known})
    if unknown:
        review.warn(
            _metric_field(index, metric, "definition"),
            f"reads {', '.join(unknown)} through {{{{current_df}}}}/{{{{base_df}}}}, which is no "
            "aggregate, derived or built-in metric of this monitor",
        )


def _check_definition(spec: MonitorSpec, index: int, metric: CustomMetric, review: Review) -> None:
    where = _metric_field(index, metric, "definition")
    if TABLE_COLUMNS in metric.input_columns and metric.input_columns != [TABLE_COLUMNS]:
        review.refuse(
            _metric_field(index, metric, "input_columns"),
            "':table' cannot be mixed with column names",
        )
    analysis = analyse(metric.definition)
    if not _check_templates(spec, index, metric, analysis, review):
        return
    for message in analysis.errors:
        review.refuse(where, message)
    for message in analysis.warnings:
        review.warn(where, message)
    if analysis.errors:
        return
    if metric.type == DERIVED:
        _check_derived(spec, index, metric, analysis, review)
    elif metric.type == DRIFT:
        _check_drift_reads(spec, index, metric, analysis, review)


def _check_slicing(spec: MonitorSpec, review: Review) -> None:
    """Each slicing expression is one SQL expression too (grouped by, in the service's query)."""
    for index, expression in enumerate(spec.slicing_exprs):
        where = f"slicing_exprs[{index}]"
        analysis = analyse(expression)
        for message in analysis.errors:
            review.refuse(where, message)
        for message in analysis.warnings:
            review.warn(where, message)
        if analysis.templates:
            review.warn(where, f"has {_render(analysis.templates)}: templates are for definitions")
        if expression != expression.strip():
            review.warn(
                where,
                "has spaces or line breaks around it, which become part of slice_key in the "
                "metric tables",
            )


def _check_drift_baseline(spec: MonitorSpec, review: Review) -> None:
    if spec.snapshot is None or spec.baseline_table_name:
        return
    for index, metric in enumerate(spec.custom_metrics):
        if metric.type == DRIFT:
            review.refuse(
                _metric_field(index, metric, "type"),
                "drift on a snapshot monitor needs baseline_table_name (nothing to compare with)",
            )


def schedule_warnings(schedule: Schedule, where: str = "schedule") -> list[Problem]:
    """Doubts about a valid schedule: a cron that never fires or fires too often, an odd zone."""
    found = [
        Problem(f"{where}.quartz_cron_expression", w)
        for w in quartz_warnings(schedule.quartz_cron_expression)
    ]
    found += [Problem(f"{where}.timezone_id", w) for w in timezone_warnings(schedule.timezone_id)]
    return found


def review_monitor(spec: MonitorSpec) -> Review:
    """Every cross-field refusal and warning of one declaration, in file order."""
    review = Review()
    _check_profile(spec, review)
    _check_names(spec, review)
    for index, metric in enumerate(spec.custom_metrics):
        _check_definition(spec, index, metric, review)
    _check_slicing(spec, review)
    _check_drift_baseline(spec, review)
    if spec.schedule is not None:
        review.warnings.extend(schedule_warnings(spec.schedule))
    alerts = review_alerts(spec)
    review.problems.extend(alerts.problems)
    review.warnings.extend(alerts.warnings)
    return review


def check_monitor(spec: MonitorSpec) -> list[Problem]:
    """Every cross-field refusal of one declaration, in file order."""
    return review_monitor(spec).problems


def monitor_warnings(spec: MonitorSpec) -> list[Problem]:
    """Every warning of one valid declaration (the SQL parse is cached: a second call is cheap)."""
    return review_monitor(spec).warnings
