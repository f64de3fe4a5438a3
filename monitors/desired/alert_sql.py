"""The SQL of an alert: one row saying how many of a metric's latest windows break its threshold.

Pure and exact: the program sends this text as the alert's `query_text`, `plan` prints it, and
tests pin it by string equality. It reads the monitor's own metric tables with the standard
filters (Databricks docs, "Monitor metric tables"): the metric's `column_name` (`:table` for a
table-level metric), `log_type = 'INPUT'` in the profile table (a baseline table's statistics are
rows with `BASELINE`; the drift table has no `log_type`), one slice (`slice_key`/`slice_value`,
or `slice_key IS NULL` for the whole table), the alert's granularity (time windows only; a
snapshot monitor has one window per refresh), and for drift the `drift_type`. The latest windows
come first (`window.start` descending).

The query always answers one row, so the alert never meets an empty result:
  violations   how many of the windows read break the threshold (a NULL metric never does)
  latest_value the metric in the latest window read
  latest_window_start, windows_read
The alert fires when `violations >= violations required` (see `EVALUATED_COLUMN`).

The comment at the top holds the rule in words, user text included, with every `/*` and `*/`
taken apart (`comment_text`): comments nest in Databricks SQL.

Quoting: identifiers in backticks (a backtick doubled), text in single quotes with backslash
escapes, as Databricks SQL reads string literals (SQL reference, "String type": a backslash
escapes the next character unless the literal is raw). The metric table names come from the
monitor (its recorded outputs) or the documented pattern, so they are quoted part by part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitors.naming import PROJECT_NAME

EVALUATED_COLUMN = "violations"
SQL_OPERATORS: dict[str, str] = {">": ">", ">=": ">=", "<": "<", "<=": "<=", "==": "=", "!=": "!="}
_COMMENT_MARKS = re.compile(r"(?<=/)(?=\*)|(?<=\*)(?=/)")
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


@dataclass(frozen=True)
class AlertQuery:
    """Everything the SQL depends on: what to read and the rule to count."""

    key: str  # `table.alert`, for the comment
    metric: str
    metric_table: str  # catalog.schema.table of the profile or drift metrics table
    drift_type: str | None  # None: the profile metrics table
    column: str
    slice: tuple[str, str] | None
    granularity: str | None
    op: str
    threshold: float
    windows: int
    violations: int


def quote_identifier(name: str) -> str:
    """`name` as a Databricks SQL identifier: backticks, a backtick inside doubled."""
    return "`" + name.replace("`", "``") + "`"


def quote_table(full_name: str) -> str:
    """`catalog.schema.table`, each part quoted."""
    return ".".join(quote_identifier(part) for part in full_name.split("."))


def sql_string(value: str) -> str:
    """A Databricks SQL string literal holding exactly `value`."""
    out = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "'" + "".join(out) + "'"


def sql_number(value: float) -> str:
    """A threshold as a numeric literal (Python's shortest exact form: 0.15, -500.0, 1e-05)."""
    return repr(float(value))


def comment_text(text: str) -> str:
    """`text` fit to sit inside a `/* ... */` comment: a space between every `/` and `*` that
    touch, in either order. Databricks SQL comments nest (Spark's SqlBaseLexer.g4,
    BRACKETED_COMMENT), so a `/*` from a slice value (`/products/*`) would open a comment that
    the closing `*/` only ends, leaving the query a comment and the alert never evaluated; a
    `*/` would end it early."""
    return _COMMENT_MARKS.sub(" ", text)


def rule_sentence(query: AlertQuery) -> str:
    """The rule in words: `cancellation_rate > 0.15 in at least 2 of the latest 3 windows`."""
    rule = f"{query.metric} {query.op} {sql_number(query.threshold)}"
    if query.windows == 1:
        when = "in the latest window"
    elif query.violations == query.windows:
        when = f"in each of the latest {query.windows} windows"
    else:
        when = f"in at least {query.violations} of the latest {query.windows} windows"
    detail = [query.granularity] if query.granularity else []
    if query.drift_type is not None:
        detail.append(f"{query.drift_type.lower()} drift")
    if query.column != ":table":
        detail.append(f"column {query.column}")
    if query.slice is not None:
        detail.append(f"slice {query.slice[0]} = {query.slice[1]}")
    return f"{rule} {when}" + (f" ({', '.join(detail)})" if detail else "")


def _conditions(query: AlertQuery) -> list[tuple[str, str]]:
    """The WHERE conditions as (metric table column, condition on it)."""
    conditions = [("column_name", f"= {sql_string(query.column)}")]
    if query.drift_type is None:
        conditions.append(("log_type", "= 'INPUT'"))
    else:
        conditions.append(("drift_type", f"= {sql_string(query.drift_type)}"))
    if query.slice is None:
        conditions.append(("slice_key", "IS NULL"))
    else:
        conditions.append(("slice_key", f"= {sql_string(query.slice[0])}"))
        conditions.append(("slice_value", f"= {sql_string(query.slice[1])}"))
    if query.granularity is not None:
        conditions.append(("granularity", f"= {sql_string(query.granularity)}"))
    return conditions


def _filters(query: AlertQuery) -> list[str]:
    return [f"{column} {condition}" for column, condition in _conditions(query)]


def read_columns(query: AlertQuery) -> tuple[str, ...]:
    """Every column of the metric table the query reads (`window`, the metric, the filters'),
    each once: what must exist there for the query to run."""
    named = ["window", query.metric, *(column for column, _ in _conditions(query))]
    return tuple(dict.fromkeys(named))


def alert_query(query: AlertQuery) -> str:
    """The alert's query text, byte for byte."""
    comparison = f"metric_value {SQL_OPERATORS[query.op]} {sql_number(query.threshold)}"
    where = "\n    AND ".join(_filters(query))
    sentence = comment_text(rule_sentence(query))
    comment = (
        f"/* {PROJECT_NAME} alert {query.key}: fires when {sentence}.\n"
        "   Generated from the monitor's declaration: edit that, not this query. */"
    )
    return (
        f"{comment}\n"
        "SELECT\n"
        f"  COUNT_IF({comparison}) AS {EVALUATED_COLUMN},\n"
        "  MAX_BY(metric_value, window_start) AS latest_value,\n"
        "  MAX(window_start) AS latest_window_start,\n"
        "  COUNT(*) AS windows_read\n"
        "FROM (\n"
        "  SELECT `window`.start AS window_start, "
        f"{quote_identifier(query.metric)} AS metric_value\n"
        f"  FROM {quote_table(query.metric_table)}\n"
        f"  WHERE {where}\n"
        "  ORDER BY `window`.start DESC\n"
        f"  LIMIT {query.windows}\n"
        ") AS latest"
    )
