"""Checks across the fields of one declaration: the mistakes the seed's scripts shipped with.

Each check returns Problems naming the field, so the loader can report all of them at once,
before anything reaches Pulumi or Databricks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from monitors.errors import Problem
from monitors.spec.models import CustomMetric, MonitorSpec

AGGREGATE = "CUSTOM_METRIC_TYPE_AGGREGATE"
DERIVED = "CUSTOM_METRIC_TYPE_DERIVED"
DRIFT = "CUSTOM_METRIC_TYPE_DRIFT"
TABLE_COLUMNS = ":table"

# Aggregate metrics every profile computes; derived metrics may use them by name.
BUILTIN_AGGREGATES: frozenset[str] = frozenset(
    [
        "count",
        "num_nulls",
        "num_zeros",
        "num_nan",
        "avg",
        "min",
        "max",
        "stddev",
        "median",
        "quantiles",
        "distinct_count",
        "percent_null",
        "percent_zeros",
        "percent_nan",
        "percent_distinct",
        "avg_length",
        "min_length",
        "max_length",
        "frequent_items",
        "non_null_columns",
    ]
)
# Words a single SQL expression may contain that are not metric names.
_SQL_WORDS: frozenset[str] = frozenset(
    [
        "and",
        "or",
        "not",
        "null",
        "is",
        "in",
        "case",
        "when",
        "then",
        "else",
        "end",
        "as",
        "true",
        "false",
        "between",
        "like",
        "rlike",
        "ilike",
        "distinct",
        "cast",
        "try_cast",
        "interval",
        "div",
        "escape",
        "nulls",
        "first",
        "last",
        "asc",
        "desc",
        "double",
        "float",
        "int",
        "integer",
        "bigint",
        "long",
        "smallint",
        "tinyint",
        "decimal",
        "numeric",
        "string",
        "varchar",
        "char",
        "boolean",
        "date",
        "timestamp",
        "timestamp_ntz",
        "binary",
        "year",
        "month",
        "day",
        "hour",
        "minute",
        "second",
        "week",
    ]
)
_TEMPLATE = re.compile(r"\{\{\s*([^}]*?)\s*\}\}")
_STRING_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_WORD = re.compile(r"`([^`]+)`|(?<![.\w])([A-Za-z_][A-Za-z0-9_]*)(?!\w)(\s*\()?")
_NOT_ONE_EXPRESSION = re.compile(r"\b(select|join|from)\b", re.IGNORECASE)


def _metric_field(index: int, metric: CustomMetric, field: str) -> str:
    return f"custom_metrics[{index}] ({metric.name}).{field}"


def _check_profile(spec: MonitorSpec) -> Iterator[Problem]:
    types = spec.profile_types
    if not types:
        yield Problem(
            "time_series", "no profile type: set one of time_series, snapshot, inference_log"
        )
    elif len(types) > 1:
        yield Problem(types[1], f"two profile types ({' and '.join(types)}): set exactly one")


def _check_names(spec: MonitorSpec) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for index, metric in enumerate(spec.custom_metrics):
        if metric.name in seen:
            yield Problem(
                _metric_field(index, metric, "name"),
                f"duplicate metric name (also custom_metrics[{seen[metric.name]}])",
            )
        else:
            seen[metric.name] = index


def referenced_names(definition: str) -> list[str]:
    """Bare identifiers of a SQL expression that are not functions or SQL words."""
    text = _STRING_LITERAL.sub("''", definition)
    names: list[str] = []
    for quoted, word, call in _WORD.findall(text):
        name = quoted or word
        if call or name.lower() in _SQL_WORDS:
            continue
        names.append(name)
    return names


def _check_definition(spec: MonitorSpec, index: int, metric: CustomMetric) -> Iterator[Problem]:
    field = _metric_field(index, metric, "definition")
    templates = set(_TEMPLATE.findall(metric.definition))
    if _NOT_ONE_EXPRESSION.search(_STRING_LITERAL.sub("''", metric.definition)):
        yield Problem(field, "a definition is one SQL expression: no SELECT, FROM or JOIN")
    uses_table = metric.input_columns == [TABLE_COLUMNS]
    if TABLE_COLUMNS in metric.input_columns and not uses_table:
        yield Problem(
            _metric_field(index, metric, "input_columns"),
            "':table' cannot be mixed with column names",
        )
    if "input_column" in templates and uses_table:
        yield Problem(field, "uses {{input_column}} but input_columns is [':table']")
    if metric.type == DERIVED:
        yield from _check_derived(spec, field, metric, templates)
    elif metric.type == DRIFT:
        missing = {"current_df", "base_df"} - templates
        if missing:
            yield Problem(
                field,
                "a drift metric compares windows with {{current_df}} and {{base_df}}; missing "
                + ", ".join("{{" + m + "}}" for m in sorted(missing)),
            )
        extra = templates - {"current_df", "base_df", "input_column"}
        if extra:
            yield Problem(field, f"unknown template {_render(extra)}")
    else:
        extra = templates - {"input_column"}
        if extra:
            yield Problem(
                field,
                f"unknown template {_render(extra)}: aggregates only know {{{{input_column}}}}",
            )


def _render(names: set[str]) -> str:
    return ", ".join("{{" + n + "}}" for n in sorted(names))


def _check_derived(
    spec: MonitorSpec, field: str, metric: CustomMetric, templates: set[str]
) -> Iterator[Problem]:
    if templates:
        yield Problem(
            field,
            f"derived metrics name aggregates bare ({_render(templates)} fails with "
            "UNDEFINED_TEMPLATE_VARIABLE): write e.g. a / NULLIF(b, 0)",
        )
        return
    aggregates = {m.name for m in spec.custom_metrics if m.type == AGGREGATE}
    names = referenced_names(metric.definition)
    unknown = sorted({n for n in names if n not in aggregates and n not in BUILTIN_AGGREGATES})
    if unknown:
        yield Problem(
            field,
            f"names unknown metric(s) {', '.join(unknown)}; a derived metric may use this "
            "monitor's aggregate metrics and the built-in ones",
        )
    elif not names:
        yield Problem(field, "a derived metric must use at least one aggregate metric")


def _check_drift_baseline(spec: MonitorSpec) -> Iterator[Problem]:
    if spec.snapshot is None or spec.baseline_table_name:
        return
    for index, metric in enumerate(spec.custom_metrics):
        if metric.type == DRIFT:
            yield Problem(
                _metric_field(index, metric, "type"),
                "drift on a snapshot monitor needs baseline_table_name (nothing to compare with)",
            )


def check_monitor(spec: MonitorSpec) -> list[Problem]:
    """Every cross-field problem of one declaration, in file order."""
    problems = [*_check_profile(spec), *_check_names(spec)]
    for index, metric in enumerate(spec.custom_metrics):
        problems.extend(_check_definition(spec, index, metric))
    problems.extend(_check_drift_baseline(spec))
    return problems
