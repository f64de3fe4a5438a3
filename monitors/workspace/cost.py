"""What each monitor's refreshes cost: DBUs and list-price cost from the billing system tables.

Sources (Databricks docs):
- `system.billing.usage` ("Billable usage system table reference"): one row per hour of usage;
  `usage_quantity` (decimal) in `usage_unit` (DBU), `usage_date`, `usage_end_time`, `sku_name`,
  `cloud`, `custom_tags` (map), `billing_origin_product`, `record_type` (ORIGINAL, RETRACTION,
  RESTATEMENT). "Records are typically available within 12 hours"; that applies to ORIGINAL
  records only (corrections come later).
- Monitor refreshes run on serverless jobs compute and are recorded with `billing_origin_product =
  'LAKEHOUSE_MONITORING'` ("Monitor the cost of serverless compute"; data quality monitoring is
  still billed under that name). `DATA_QUALITY_MONITORING` is read too (seen in public cost
  queries, not in the docs).
- A row is attributed to a monitored table by `custom_tags['LakehouseMonitoringTableId']`, the
  table's Unity Catalog `table_id` (public cost queries and FOCUS exports; the docs name no
  table field in `usage_metadata`). A row without that tag (anomaly detection of a schema, for
  one) cannot be attributed to a table: it is reported apart, as are rows of other tables.
- Corrections are summed with the originals: a RETRACTION row carries the negated quantity of
  the row it withdraws and a RESTATEMENT row the corrected one, so the sum of every record type
  is the corrected usage.
- `system.billing.list_prices` ("Pricing system table reference"): `sku_name`, `cloud`,
  `currency_code`, `usage_unit`, `price_start_time`, `price_end_time` (null: current), `pricing`
  (`effective_list.default`: "the effective list price used for calculating the cost"). List
  prices are not contract prices.

The query runs once, on the stack's SQL warehouse, every value a named parameter.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from databricks.sdk import WorkspaceClient
from databricks.sdk.service.sql import StatementParameterListItem, StatementResponse, StatementState
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from monitors.errors import CostQueryError, TimedOutError
from monitors.workspace import dq
from monitors.workspace.statements import RUNNING_STATES, run_statement, statement_state

SCHEMA_VERSION = 1
PRODUCTS = ("LAKEHOUSE_MONITORING", "DATA_QUALITY_MONITORING")
TABLE_TAG = "LakehouseMonitoringTableId"
REPORTING_DELAY = (
    "billing records are typically available within 12 hours (Databricks docs, for ORIGINAL "
    "records; corrections come later), so the last day or so is likely incomplete"
)
CORRECTIONS = "corrections (RETRACTION and RESTATEMENT records) are summed with the originals"
LIST_PRICE_NOTE = "list prices, not your contract's prices"

COST_QUERY = """\
WITH monitoring AS (
  SELECT
    u.custom_tags[:tag_key] AS tag,
    u.usage_unit,
    u.usage_quantity,
    u.usage_date,
    u.usage_end_time,
    u.sku_name,
    u.cloud
  FROM system.billing.usage AS u
  WHERE u.billing_origin_product IN (:product, :product_renamed)
    AND u.usage_date >= date_sub(current_date(), :days)
)
SELECT
  CASE
    WHEN m.tag IS NULL THEN 'untagged'
    WHEN array_contains(split(:table_ids, ','), m.tag) THEN 'table'
    ELSE 'other'
  END AS attribution,
  CASE WHEN array_contains(split(:table_ids, ','), m.tag) THEN m.tag END AS table_id,
  m.usage_unit AS usage_unit,
  p.currency_code AS currency_code,
  SUM(m.usage_quantity) AS quantity,
  SUM(m.usage_quantity * CAST(p.pricing.effective_list.default AS DECIMAL(38, 18))) AS list_cost,
  COUNT_IF(p.sku_name IS NULL) AS unpriced_records,
  COUNT(*) AS records,
  MAX(m.usage_date) AS latest_usage_date
FROM monitoring AS m
LEFT JOIN system.billing.list_prices AS p
  ON m.sku_name = p.sku_name
  AND m.cloud = p.cloud
  AND m.usage_unit = p.usage_unit
  AND m.usage_end_time > p.price_start_time
  AND (p.price_end_time IS NULL OR m.usage_end_time <= p.price_end_time)
GROUP BY 1, 2, 3, 4
"""
COLUMNS = (
    "attribution",
    "table_id",
    "usage_unit",
    "currency_code",
    "quantity",
    "list_cost",
    "unpriced_records",
    "records",
    "latest_usage_date",
)


def query_parameters(days: int, table_ids: Sequence[str]) -> list[StatementParameterListItem]:
    """The query's named parameters (values never enter the text). `table_ids` are UUIDs
    (`monitors.workspace.identifiers`), so a comma never occurs in one."""
    return [
        StatementParameterListItem(name="tag_key", value=TABLE_TAG, type="STRING"),
        StatementParameterListItem(name="product", value=PRODUCTS[0], type="STRING"),
        StatementParameterListItem(name="product_renamed", value=PRODUCTS[1], type="STRING"),
        StatementParameterListItem(name="days", value=str(int(days)), type="INT"),
        StatementParameterListItem(name="table_ids", value=",".join(table_ids), type="STRING"),
    ]


class CostRow(BaseModel):
    """One row of the answer: usage of one attribution, table, unit and currency."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    attribution: Literal["table", "untagged", "other"]
    table_id: str | None
    usage_unit: str
    currency_code: str | None
    quantity: Decimal
    list_cost: Decimal | None
    unpriced_records: int
    records: int
    latest_usage_date: date | None

    @field_validator("quantity", "list_cost")
    @classmethod
    def _finite(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and not value.is_finite():
            raise ValueError("not a finite number")
        return value


def read_rows(response: StatementResponse) -> list[CostRow]:
    """The answer's rows, checked against the columns the query names; CostQueryError saying
    what is malformed otherwise (the SDK takes `data_array` as any JSON)."""
    schema = response.manifest.schema if response.manifest else None
    names = [c.name for c in (schema.columns or [])] if schema else []
    if names != list(COLUMNS):
        raise _malformed(f"its columns are {names or 'missing'}, not {list(COLUMNS)}")
    if response.manifest is not None and (response.manifest.total_chunk_count or 1) > 1:
        raise _malformed("it came in more than one chunk, which this query never needs")
    rows: Any = response.result.data_array if response.result else None
    if rows is None:
        rows = []
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise _malformed("its rows are not lists of values")
    found: list[CostRow] = []
    for index, row in enumerate(rows):
        if len(row) != len(COLUMNS) or not all(v is None or isinstance(v, str) for v in row):
            raise _malformed(f"row {index + 1} is not {len(COLUMNS)} text values")
        try:
            found.append(CostRow.model_validate(dict(zip(COLUMNS, row, strict=True))))
        except (ValidationError, InvalidOperation) as exc:
            raise _malformed(f"row {index + 1}: {_first_error(exc)}") from None
    return found


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        return f"{where}: {error['msg']}"
    return str(exc)


def _malformed(why: str) -> CostQueryError:
    return CostQueryError(f"the SQL warehouse's answer is not in the shape the query asks: {why}")


@dataclass(frozen=True)
class CostTarget:
    """A monitor of the stack whose cost is asked."""

    table: str
    full_table_name: str


@dataclass
class Usage:
    """Usage summed over rows: quantity per unit, cost per currency, rows without a price."""

    quantity: dict[str, Decimal] = field(default_factory=dict)
    cost: dict[str, Decimal] = field(default_factory=dict)
    unpriced_records: int = 0
    records: int = 0

    def add(self, row: CostRow) -> None:
        """Count one row of the answer in."""
        self.quantity[row.usage_unit] = self.quantity.get(row.usage_unit, Decimal(0)) + row.quantity
        if row.currency_code and row.list_cost is not None:
            self.cost[row.currency_code] = (
                self.cost.get(row.currency_code, Decimal(0)) + row.list_cost
            )
        self.unpriced_records += row.unpriced_records
        self.records += row.records

    @property
    def dbus(self) -> Decimal:
        """DBUs (the unit monitoring is billed in)."""
        return self.quantity.get("DBU", Decimal(0))

    def as_json(self) -> dict[str, Any]:
        """As the JSON document carries it (decimals as strings: no precision lost)."""
        return {
            "dbus": str(self.dbus),
            "quantity": {unit: str(q) for unit, q in sorted(self.quantity.items())},
            "list_cost": {cur: str(c) for cur, c in sorted(self.cost.items())},
            "unpriced_records": self.unpriced_records,
            "records": self.records,
        }


@dataclass
class MonitorCost:
    """One monitor's usage over the period (`table_id` None when the table was not found)."""

    table: str
    full_table_name: str
    table_id: str | None
    usage: Usage = field(default_factory=Usage)
    note: str = ""


@dataclass
class CostReport:
    """Every monitor's cost over the period, and what could not be attributed."""

    stack: str
    days: int
    warehouse_id: str
    warehouse_setting: str
    monitors: list[MonitorCost]
    untagged: Usage = field(default_factory=Usage)
    other_tables: Usage = field(default_factory=Usage)
    latest_usage_date: date | None = None

    def total(self) -> Usage:
        """The stack's monitors together."""
        total = Usage()
        for monitor in self.monitors:
            for unit, quantity in monitor.usage.quantity.items():
                total.quantity[unit] = total.quantity.get(unit, Decimal(0)) + quantity
            for currency, cost in monitor.usage.cost.items():
                total.cost[currency] = total.cost.get(currency, Decimal(0)) + cost
            total.unpriced_records += monitor.usage.unpriced_records
            total.records += monitor.usage.records
        return total

    def notes(self) -> list[str]:
        """What the figures do not say, in sentences."""
        notes = [
            f"Not attributed to any table: {_amount(self.untagged)} of "
            f"{' / '.join(PRODUCTS)} usage carries no {TABLE_TAG} tag (anomaly detection of "
            "a schema, for one).",
            f"Other tables' monitors (not this stack's): {_amount(self.other_tables)}.",
            f"Reporting delay: {REPORTING_DELAY}"
            + (
                f"; the latest usage date found is {self.latest_usage_date.isoformat()}."
                if self.latest_usage_date
                else "."
            ),
            f"Costs are at {LIST_PRICE_NOTE}; {CORRECTIONS}.",
        ]
        unpriced = self.total().unpriced_records
        if unpriced:
            notes.append(
                f"{unpriced} usage record(s) of this stack's monitors have no list price for "
                "their SKU and time: their DBUs are counted, their cost is not."
            )
        return notes

    def document(self) -> dict[str, Any]:
        """The JSON document (`schema_version` 1)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "stack": self.stack,
            "days": self.days,
            "warehouse_id": self.warehouse_id,
            "warehouse_setting": self.warehouse_setting,
            "monitors": [
                {
                    "table": m.table,
                    "full_table_name": m.full_table_name,
                    "table_id": m.table_id,
                    "note": m.note or None,
                    **m.usage.as_json(),
                }
                for m in self.monitors
            ],
            "total": self.total().as_json(),
            "untagged": self.untagged.as_json(),
            "other_tables": self.other_tables.as_json(),
            "latest_usage_date": (
                self.latest_usage_date.isoformat() if self.latest_usage_date else None
            ),
            "notes": self.notes(),
        }

    def to_json(self) -> str:
        """The JSON document as text."""
        return json.dumps(self.document(), indent=2) + "\n"

    def render_text(self) -> str:
        """A table of monitors, the total, then the notes."""
        from monitors.workspace.check_results import join_row

        rows = [["monitor", "DBUs", "list cost"]]
        for m in self.monitors:
            rows.append([m.table, _dbus(m.usage), _cost(m.usage) if m.table_id else m.note])
        rows.append(["total", _dbus(self.total()), _cost(self.total())])
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        lines = [
            f"Monitoring cost of stack {self.stack}, last {self.days} days, from "
            f"system.billing.usage on SQL warehouse {self.warehouse_id} "
            f"({self.warehouse_setting}):",
            "",
            join_row(rows[0], widths),
            join_row(["-" * w for w in widths], widths),
            *(join_row(r, widths) for r in rows[1:]),
            "",
            *self.notes(),
        ]
        return "\n".join(lines) + "\n"


def _dbus(usage: Usage) -> str:
    return f"{usage.dbus:.2f}"


def _cost(usage: Usage) -> str:
    if not usage.cost:
        return "-"
    return ", ".join(f"{currency} {amount:.2f}" for currency, amount in sorted(usage.cost.items()))


def _amount(usage: Usage) -> str:
    cost = _cost(usage)
    return f"{_dbus(usage)} DBUs" + (f" ({cost})" if cost != "-" else "")


def monitor_costs(
    client: WorkspaceClient,
    targets: Sequence[CostTarget],
    *,
    stack: str,
    days: int,
    warehouse_id: str,
    warehouse_setting: str,
    budget_s: float,
) -> CostReport:
    """Look up each table's id, run the query once, and attribute its rows to the monitors."""
    monitors = []
    for target in targets:
        uuid = dq.table_id(client, target.full_table_name)
        note = "" if uuid else "table not found in the workspace: its usage cannot be matched"
        monitors.append(MonitorCost(target.table, target.full_table_name, uuid, note=note))
    ids = [m.table_id for m in monitors if m.table_id]
    response = run_statement(
        client, COST_QUERY, warehouse_id, budget_s, parameters=query_parameters(days, ids)
    )
    rows = read_rows(_succeeded(response, warehouse_id, budget_s))
    report = CostReport(stack, days, warehouse_id, warehouse_setting, monitors)
    by_id = {m.table_id: m for m in monitors if m.table_id}
    for row in rows:
        if row.attribution == "table" and row.table_id in by_id:
            by_id[row.table_id].usage.add(row)
        elif row.attribution == "untagged":
            report.untagged.add(row)
        else:
            report.other_tables.add(row)
        if row.latest_usage_date and (
            report.latest_usage_date is None or row.latest_usage_date > report.latest_usage_date
        ):
            report.latest_usage_date = row.latest_usage_date
    return report


def _succeeded(
    response: StatementResponse, warehouse_id: str, budget_s: float
) -> StatementResponse:
    """The answer when the statement succeeded; otherwise the error that says why not."""
    state = statement_state(response)
    if state is StatementState.SUCCEEDED:
        return response
    if state in RUNNING_STATES:
        waiting = (
            "waiting for the warehouse to start"
            if state is StatementState.PENDING
            else "still running"
        )
        raise TimedOutError(
            f"the query did not finish within {budget_s:g} s on SQL warehouse {warehouse_id} "
            f"({waiting}; it was cancelled). Start the warehouse, or run again with a larger "
            "--timeout."
        )
    error = response.status.error if response.status else None
    message = error.message if error and error.message else ""
    label = state.value if state else "no state in the answer"
    hint = ""
    if "INSUFFICIENT_PERMISSIONS" in message or "PERMISSION_DENIED" in message:
        hint = (
            " (reading system.billing needs USE and SELECT granted on the system.billing "
            "schema by an account admin)"
        )
    raise CostQueryError(
        f"the billing query ended {label} on SQL warehouse {warehouse_id}"
        + (f": {message}" if message else "")
        + hint
    )
