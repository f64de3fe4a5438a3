"""The fake workspace's SQL alerts (AlertV2) and SQL statement execution endpoints.

A mixin of `tests.fakes.workspace.FakeWorkspace` (its lock, call log and error bodies), speaking
what databricks-sdk 0.162 sends and reads:

AlertV2 (`service/sql.py` `AlertsV2API`): `POST /api/2.0/alerts` (body `AlertV2.as_dict()`),
`GET /api/2.0/alerts/{id}`, `GET /api/2.0/alerts?page_size&page_token` (answer `{"alerts": [...],
"next_page_token"}`; the SDK follows the token until it is absent or empty), `PATCH
/api/2.0/alerts/{id}?update_mask=a,b` (body `AlertV2.as_dict()`; only the masked top-level fields
change), `DELETE /api/2.0/alerts/{id}?purge=` (`trash_alert`: "Trashed alerts immediately
disappear from list views, and can no longer trigger"; with purge the alert is gone). An answer
is the stored alert plus what the service computes (`AlertV2`'s output-only fields: `id`,
`create_time`, `update_time`, `lifecycle_state`, `owner_user_name`, `effective_run_as`, and
`evaluation.state`). Where the docs say nothing (whether the service fills a default for an
optional field left out, such as `schedule.pause_status`), the fake fills the value the SDK
documents as the default (`UNPAUSED`), so tests show why the program sends it.

Statement execution (`StatementExecutionAPI`): `POST /api/2.0/sql/statements` (body `statement`,
`warehouse_id`, `wait_timeout`, `on_wait_timeout`, `format`, `disposition`, `row_limit`, ...),
`GET /api/2.0/sql/statements/{id}`, `POST /api/2.0/sql/statements/{id}/cancel`. Answers are
`StatementResponse`: `statement_id`, `status {state, error {error_code, message}}`, `manifest
{format, schema {column_count, columns [{name, position, type_name, type_text}]},
total_row_count, total_chunk_count, truncated}`, `result {chunk_index, row_offset, row_count,
data_array}`, with every value a string and NULL as null (JSON_ARRAY, INLINE); `parameters`
(`[{name, value, type}]`) bind `:name` markers. A statement whose warehouse is starting answers
PENDING (`hold_next_statement_pending`). Statements over `system.billing.*` are answered by the
billing model of `tests/fakes/billing.py`. The fake runs the
queries `monitors.desired.alert_sql` writes, over metric-table rows a test seeds: it parses them
with sqlglot and evaluates just that shape (see `_run`), and fails anything else the way the
warehouse fails a bad statement (state FAILED, an error message).

Before sqlglot sees a statement, the text is split as Spark's lexer splits it
(`monitors.declared.spark_lexer`, which follows `SqlBaseLexer.g4`): comments nest
(BRACKETED_COMMENT), so one left open by a `/*` inside it fails the statement with
UNCLOSED_BRACKETED_COMMENT as the warehouse does; a `--` comment runs on past a backslash at the
end of its line (SIMPLE_COMMENT); and string literals read as `unescapeSQLString` reads them.
sqlglot's own tokenizer differs on each of these, so it would hide the next such bug.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlglot
from sqlglot import exp

from monitors.declared import spark_lexer

ALERT_FIELDS = (
    "display_name",
    "query_text",
    "warehouse_id",
    "evaluation",
    "schedule",
    "custom_description",
    "custom_summary",
    "custom_template_format",
    "parameters",
    "parent_path",
    "run_as",
    "run_as_user_name",
)
REQUIRED_ALERT_FIELDS = ("display_name", "query_text", "warehouse_id", "evaluation", "schedule")
CREATE_ONLY = ("parent_path",)  # "Can only be set on create, and cannot be updated."


@dataclass
class Statement:
    """One statement the warehouse received, and what it will answer."""

    statement_id: str
    text: str
    warehouse_id: str
    state: str
    pending_polls: int = 0
    columns: list[tuple[str, str]] = field(default_factory=list)  # (name, type_name)
    rows: list[list[str | None]] = field(default_factory=list)
    error: str | None = None
    parameters: dict[str, str | None] = field(default_factory=dict)


class AlertsAndStatements:
    """Mixin: in-memory alerts and a warehouse that runs our alert queries over seeded rows."""

    # Provided by FakeWorkspace.
    _lock: Any
    user_name: str
    # How many alerts a list page holds (the service's default is not documented).
    alerts_page_size = 100

    def _alerts_state(self) -> dict[str, dict[str, Any]]:
        if not hasattr(self, "_alerts"):
            self._alerts: dict[str, dict[str, Any]] = {}
            self.metric_rows: dict[str, list[dict[str, Any]]] = {}
            self.statements: dict[str, Statement] = {}
            self.warehouses: set[str] = set()
            self._statement_ids = itertools.count(1)
            self._rename_next_create: str | None = None
            self._statement_delays: list[int] = []
            self._statement_failures: list[str] = []
            self._statement_pending: list[int] = []
            self.billing_usage: list[dict[str, Any]] = []
            self.billing_prices: list[dict[str, Any]] = []
        return self._alerts

    # ---- test helpers ------------------------------------------------------------------------

    @property
    def alerts(self) -> dict[str, dict[str, Any]]:
        """Every alert by id, trashed ones included."""
        with self._lock:
            return self._alerts_state()

    def add_warehouse(self, warehouse_id: str) -> None:
        """A SQL warehouse statements may run on (others fail as the service does)."""
        with self._lock:
            self._alerts_state()
            self.warehouses.add(warehouse_id)

    def add_metric_rows(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Rows of a metric table: `window_start` (ISO text) stands for `window.start`, the
        grouping columns (`column_name`, `log_type`, `slice_key`, `slice_value`, `granularity`,
        `drift_type`) and metric columns by name; a missing column reads NULL."""
        with self._lock:
            self._alerts_state()
            self.metric_rows.setdefault(table, []).extend(dict(r) for r in rows)

    def add_alert(self, **body: Any) -> dict[str, Any]:
        """An alert as POST would create it (e.g. one made by hand in the UI); returns it."""
        with self._lock:
            return self._create_alert(body=body)

    def rename_next_create(self, suffix: str = " (1)") -> None:
        """The next create stores its display name with `suffix`, as reported in
        terraform-provider-databricks issue 4867 (the alert deployed "renamed ... adding (1)")."""
        with self._lock:
            self._alerts_state()
            self._rename_next_create = suffix

    def delay_next_statement(self, polls: int) -> None:
        """The next statement stays RUNNING for this many reads (a warehouse starting)."""
        with self._lock:
            self._alerts_state()
            self._statement_delays.append(polls)

    def hold_next_statement_pending(self, polls: int) -> None:
        """The next statement stays PENDING for this many reads: its warehouse is starting (or,
        with a large number, never starts)."""
        with self._lock:
            self._alerts_state()
            self._statement_pending.append(polls)

    def add_billing_usage(self, *rows: dict[str, Any]) -> None:
        """Rows of `system.billing.usage` (`tests.fakes.billing.usage_row`)."""
        with self._lock:
            self._alerts_state()
            self.billing_usage.extend(rows)

    def add_list_prices(self, *rows: dict[str, Any]) -> None:
        """Rows of `system.billing.list_prices` (`tests.fakes.billing.price_row`)."""
        with self._lock:
            self._alerts_state()
            self.billing_prices.extend(rows)

    def fail_next_statement(self, message: str) -> None:
        """The next statement FAILS with this message (e.g. a missing table)."""
        with self._lock:
            self._alerts_state()
            self._statement_failures.append(message)

    # ---- alert endpoints (lock held) --------------------------------------------------------

    def _answer(self, alert: dict[str, Any]) -> dict[str, Any]:
        return _copy(alert)

    def _require_alert(self, alert_id: str) -> dict[str, Any]:
        from tests.fakes.workspace import ApiError

        alert = self._alerts_state().get(alert_id)
        if alert is None:
            raise ApiError(404, f"Alert {alert_id} does not exist.", "RESOURCE_DOES_NOT_EXIST")
        return alert

    def _create_alert(self, body: dict[str, Any]) -> dict[str, Any]:
        from tests.fakes.workspace import ApiError

        alerts = self._alerts_state()
        missing = [name for name in REQUIRED_ALERT_FIELDS if not body.get(name)]
        if missing:
            raise ApiError(400, f"'{missing[0]}' is required.")
        now = _timestamp()
        alert = {k: _copy(v) for k, v in body.items() if k in ALERT_FIELDS}
        if self._rename_next_create is not None:
            alert["display_name"] += self._rename_next_create
            self._rename_next_create = None
        alert_id = str(uuid.uuid4())
        alert.update(
            id=alert_id,
            create_time=now,
            update_time=now,
            lifecycle_state="ACTIVE",
            owner_user_name=self.user_name,
            effective_run_as={"user_name": self.user_name},
        )
        alert["schedule"] = {"pause_status": "UNPAUSED", **alert["schedule"]}
        alert["evaluation"] = {**alert["evaluation"], "state": "UNKNOWN"}
        alerts[alert_id] = alert
        return self._answer(alert)

    def _get_alert(self, body: dict[str, Any], alert_id: str) -> dict[str, Any]:
        return self._answer(self._require_alert(alert_id))

    def _list_alerts(self, body: dict[str, Any], query: dict[str, list[str]]) -> dict[str, Any]:
        """Active alerts by creation time, a page at a time."""
        alerts = [a for a in self._alerts_state().values() if a["lifecycle_state"] == "ACTIVE"]
        size = int(query.get("page_size", [self.alerts_page_size])[0])
        start = int(query.get("page_token", ["0"])[0] or 0)
        page = alerts[start : start + size]
        answer: dict[str, Any] = {"alerts": [self._answer(a) for a in page]}
        if start + size < len(alerts):
            answer["next_page_token"] = str(start + size)
        return answer

    def _update_alert(
        self, body: dict[str, Any], alert_id: str, query: dict[str, list[str]]
    ) -> dict[str, Any]:
        from tests.fakes.workspace import ApiError

        alert = self._require_alert(alert_id)
        mask = (query.get("update_mask") or [""])[0]
        if not mask:
            raise ApiError(400, "update_mask is required.")
        for name in mask.split(","):
            if name in CREATE_ONLY:
                continue  # the API keeps the folder it was created in
            if name in body:
                alert[name] = _copy(body[name])
            else:
                alert.pop(name, None)
        alert["update_time"] = _timestamp()
        return self._answer(alert)

    def _trash_alert(
        self, body: dict[str, Any], alert_id: str, query: dict[str, list[str]]
    ) -> dict[str, Any]:
        alert = self._require_alert(alert_id)
        if (query.get("purge") or ["false"])[0].lower() == "true":
            del self._alerts_state()[alert_id]
        else:
            alert["lifecycle_state"] = "DELETED"
        return {}

    # ---- statement endpoints (lock held) ----------------------------------------------------

    def _execute_statement(self, body: dict[str, Any]) -> dict[str, Any]:
        from tests.fakes.workspace import ApiError

        self._alerts_state()
        warehouse = body.get("warehouse_id", "")
        if warehouse not in self.warehouses:
            raise ApiError(404, f"Warehouse {warehouse} does not exist.", "RESOURCE_DOES_NOT_EXIST")
        statement = Statement(
            statement_id=f"01ef-{next(self._statement_ids):04d}",
            text=body.get("statement", ""),
            warehouse_id=warehouse,
            state="RUNNING",
            pending_polls=self._statement_delays.pop(0) if self._statement_delays else 0,
            parameters={p["name"]: p.get("value") for p in body.get("parameters") or []},
        )
        if self._statement_pending:
            statement.state, statement.pending_polls = "PENDING", self._statement_pending.pop(0)
        self.statements[statement.statement_id] = statement
        if self._statement_failures:
            statement.state, statement.error = "FAILED", self._statement_failures.pop(0)
        elif statement.pending_polls == 0:
            self._finish(statement)
        return _statement_answer(statement)

    def _get_statement(self, body: dict[str, Any], statement_id: str) -> dict[str, Any]:
        from tests.fakes.workspace import ApiError

        self._alerts_state()
        statement = self.statements.get(statement_id)
        if not statement:
            raise ApiError(404, f"Statement {statement_id} does not exist.")
        if statement.state in ("PENDING", "RUNNING"):
            statement.pending_polls -= 1
            if statement.pending_polls <= 0:
                self._finish(statement)
        return _statement_answer(statement)

    def _cancel_statement(self, body: dict[str, Any], statement_id: str) -> dict[str, Any]:
        self._alerts_state()
        statement = self.statements.get(statement_id)
        if statement and statement.state in ("PENDING", "RUNNING"):
            statement.state = "CANCELED"
        return {}

    def _finish(self, statement: Statement) -> None:
        from tests.fakes.billing import BillingQueryError, run_billing_query

        try:
            if "system.billing." in statement.text:
                statement.columns, statement.rows = run_billing_query(
                    statement.text, statement.parameters, self.billing_usage, self.billing_prices
                )
            else:
                statement.columns, statement.rows = _run(statement.text, self.metric_rows)
            statement.state = "SUCCEEDED"
        except (QueryError, BillingQueryError) as exc:
            statement.state, statement.error = "FAILED", str(exc)


# ---- answers --------------------------------------------------------------------------------


def _statement_answer(statement: Statement) -> dict[str, Any]:
    """A `StatementResponse` in the shape databricks-sdk reads (sql.py `StatementResponse`)."""
    answer: dict[str, Any] = {
        "statement_id": statement.statement_id,
        "status": {"state": statement.state},
    }
    if statement.state == "FAILED":
        answer["status"]["error"] = {
            "error_code": "BAD_REQUEST",
            "message": statement.error or "failed",
        }
    if statement.state == "SUCCEEDED":
        answer["manifest"] = {
            "format": "JSON_ARRAY",
            "schema": {
                "column_count": len(statement.columns),
                "columns": [
                    {"name": n, "position": i, "type_name": t, "type_text": t}
                    for i, (n, t) in enumerate(statement.columns)
                ],
            },
            "total_chunk_count": 1,
            "total_row_count": len(statement.rows),
            "truncated": False,
        }
        answer["result"] = {
            "chunk_index": 0,
            "row_offset": 0,
            "row_count": len(statement.rows),
            "data_array": statement.rows,
        }
    return answer


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# ---- running our alert queries ----------------------------------------------------------------


class QueryError(Exception):
    """The statement fails on the warehouse (unknown table, a shape the fake cannot run)."""


def _value(node: exp.Expression, row: dict[str, Any]) -> Any:
    if isinstance(node, exp.Paren):
        return _value(node.this, row)
    if isinstance(node, exp.Null):
        return None
    if isinstance(node, exp.Literal):
        return node.this if node.is_string else float(node.this)
    if isinstance(node, exp.Neg):
        inner = _value(node.this, row)
        return None if inner is None else -inner
    if isinstance(node, exp.Column):
        return row.get(node.name)
    raise QueryError(f"the fake warehouse cannot evaluate {node.sql('databricks')!r}")


_COMPARE = {
    exp.EQ: lambda a, b: a == b,
    exp.NEQ: lambda a, b: a != b,
    exp.GT: lambda a, b: a > b,
    exp.GTE: lambda a, b: a >= b,
    exp.LT: lambda a, b: a < b,
    exp.LTE: lambda a, b: a <= b,
}


def _holds(node: exp.Expression, row: dict[str, Any]) -> bool:
    """SQL truth of a condition over one row (NULL compares as unknown, i.e. not true)."""
    if isinstance(node, exp.And):
        return _holds(node.left, row) and _holds(node.right, row)
    if isinstance(node, exp.Is):
        return _value(node.this, row) is None
    for kind, compare in _COMPARE.items():
        if isinstance(node, kind):
            left, right = _value(node.left, row), _value(node.right, row)
            return left is not None and right is not None and bool(compare(left, right))
    raise QueryError(f"the fake warehouse cannot evaluate {node.sql('databricks')!r}")


def _parse(text: str) -> exp.Expression:
    """The statement as Spark reads it (module doc): comments dropped, each string literal
    holding the value Spark reads, and only then the tree sqlglot makes of it."""
    try:
        split = spark_lexer.pieces(text)
    except spark_lexer.SparkLexError as exc:
        reason = str(exc)
        message = reason if reason.startswith("[") else f"[PARSE_SYNTAX_ERROR] {reason}"
        raise QueryError(message) from None
    values: dict[str, str] = {}
    parts: list[str] = []
    for piece in split:
        if piece.kind == "comment":
            parts.append(" ")
        elif piece.kind == "string":
            placeholder = f"spark_string_{len(values)}"
            values[placeholder] = piece.value
            parts.append(f"'{placeholder}'")
        else:
            parts.append(piece.text)
    try:
        tree = sqlglot.parse_one("".join(parts), read="databricks")
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as exc:
        raise QueryError(f"[PARSE_SYNTAX_ERROR] {exc}") from None
    for literal in tree.find_all(exp.Literal):
        if literal.is_string:
            literal.set("this", values[literal.this])
    return tree


def _run(
    text: str, tables: dict[str, list[dict[str, Any]]]
) -> tuple[list[tuple[str, str]], list[list[str | None]]]:
    """Run one query of the shape `alert_sql.alert_query` writes: the inner SELECT reads the
    latest windows of one metric table (its WHERE, ORDER BY window.start DESC, LIMIT), the outer
    one counts violations (COUNT_IF), the latest value (MAX_BY), the latest window (MAX) and
    the windows read (COUNT(*))."""
    outer = _parse(text)
    inner = outer.find(exp.Subquery)
    if not isinstance(outer, exp.Select) or inner is None:
        raise QueryError("the fake warehouse runs only alert queries")
    select = inner.this
    table = select.find(exp.Table)
    assert table is not None
    name = ".".join(
        p.name for p in (table.args.get("catalog"), table.args.get("db"), table.this) if p
    )
    if name not in tables:
        raise QueryError(f"[TABLE_OR_VIEW_NOT_FOUND] The table or view `{name}` cannot be found.")
    where = select.args["where"].this
    metric_column = select.expressions[1].this.name
    limit = int(select.args["limit"].expression.this)
    rows = sorted(
        (r for r in tables[name] if _holds(where, r)),
        key=lambda r: r["window_start"],
        reverse=True,
    )[:limit]
    read = [{"window_start": r["window_start"], "metric_value": r.get(metric_column)} for r in rows]
    count_if = outer.expressions[0].this
    violations = sum(1 for r in read if _holds(count_if.this, r))
    latest = read[0] if read else None
    columns = [
        ("violations", "LONG"),
        ("latest_value", "DOUBLE"),
        ("latest_window_start", "TIMESTAMP"),
        ("windows_read", "LONG"),
    ]
    value = None if latest is None or latest["metric_value"] is None else latest["metric_value"]
    row: list[str | None] = [
        str(violations),
        None if value is None else repr(float(value)),
        None if latest is None else latest["window_start"],
        str(len(read)),
    ]
    return columns, [row]
