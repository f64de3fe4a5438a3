"""The fake workspace's billing system tables and the one query over them that `cost` runs.

Columns follow the Databricks docs: `system.billing.usage` ("Billable usage system table
reference": record_id, account_id, workspace_id, sku_name, cloud, usage_start_time,
usage_end_time, usage_date, custom_tags (map), usage_unit, usage_quantity (decimal),
usage_metadata (struct), identity_metadata (struct), record_type (ORIGINAL | RETRACTION |
RESTATEMENT), ingestion_date, billing_origin_product, product_features (struct), usage_type) and
`system.billing.list_prices` ("Pricing system table reference": price_start_time,
price_end_time (null while current), account_id, sku_name, cloud, currency_code, usage_unit,
pricing {default, promotional {default}, effective_list {default}}).

The warehouse here is a model, not a SQL engine: `run_billing_query` checks the statement the
way the warehouse would fail it (it parses as Databricks SQL, reads only these two tables and
only their documented columns, binds every `:name` marker to a parameter the request carries:
`UNBOUND_SQL_PARAMETER` otherwise), then answers with the rows that query means over the seeded
rows (`monitors.workspace.cost.COST_QUERY`: LAKEHOUSE_MONITORING / DATA_QUALITY_MONITORING usage
of the last `:days` days, every record type summed, attributed by the
`LakehouseMonitoringTableId` tag, priced by the `effective_list` price in force at each record's
`usage_end_time`). An output column the model does not know fails the statement, so the query
and the model cannot drift apart unnoticed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlglot
from sqlglot import exp

USAGE_COLUMNS = (
    "record_id",
    "account_id",
    "workspace_id",
    "sku_name",
    "cloud",
    "usage_start_time",
    "usage_end_time",
    "usage_date",
    "custom_tags",
    "usage_unit",
    "usage_quantity",
    "usage_metadata",
    "identity_metadata",
    "record_type",
    "ingestion_date",
    "billing_origin_product",
    "product_features",
    "usage_type",
)
PRICE_COLUMNS = (
    "price_start_time",
    "price_end_time",
    "account_id",
    "sku_name",
    "cloud",
    "currency_code",
    "usage_unit",
    "pricing",
)
TABLES = {"usage": "system.billing.usage", "list_prices": "system.billing.list_prices"}
SERVERLESS_JOBS_SKU = "ENTERPRISE_JOBS_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA"
OUTPUT_COLUMNS = (
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


class BillingQueryError(Exception):
    """The statement fails on the warehouse; the message is the warehouse's."""


def usage_row(
    *,
    table_id: str | None,
    dbus: str,
    day: date,
    record_type: str = "ORIGINAL",
    product: str = "LAKEHOUSE_MONITORING",
    sku_name: str = SERVERLESS_JOBS_SKU,
    cloud: str = "AWS",
) -> dict[str, Any]:
    """One hour of monitoring usage on `day`, as the usage table holds it (every column)."""
    start = datetime(day.year, day.month, day.day, 3, tzinfo=UTC)
    tags = {"LakehouseMonitoring": "true"}
    if table_id is not None:
        tags["LakehouseMonitoringTableId"] = table_id
    return {
        "record_id": str(uuid.uuid4()),
        "account_id": "acc-0001",
        "workspace_id": "1234567890",
        "sku_name": sku_name,
        "cloud": cloud,
        "usage_start_time": start,
        "usage_end_time": start + timedelta(hours=1),
        "usage_date": day,
        "custom_tags": tags,
        "usage_unit": "DBU",
        "usage_quantity": Decimal(dbus),
        "usage_metadata": {"job_id": None, "job_run_id": None},
        "identity_metadata": {"run_as": "deployer@example.com"},
        "record_type": record_type,
        "ingestion_date": day,
        "billing_origin_product": product,
        "product_features": {"is_serverless": True},
        "usage_type": "COMPUTE_TIME",
    }


def price_row(
    price: str,
    *,
    start: datetime,
    end: datetime | None = None,
    sku_name: str = SERVERLESS_JOBS_SKU,
    cloud: str = "AWS",
    currency_code: str = "USD",
) -> dict[str, Any]:
    """One list price, in force from `start` until `end` (None: still in force)."""
    return {
        "price_start_time": start,
        "price_end_time": end,
        "account_id": "acc-0001",
        "sku_name": sku_name,
        "cloud": cloud,
        "currency_code": currency_code,
        "usage_unit": "DBU",
        "pricing": {
            "default": price,
            "promotional": {"default": price},
            "effective_list": {"default": price},
        },
    }


def _check(text: str, parameters: Mapping[str, str | None]) -> None:
    """Fail the statement as the warehouse would: a parse error, an unknown table or column,
    an unbound parameter marker, an output column this model cannot answer."""
    try:
        tree = sqlglot.parse_one(text, read="databricks")
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as exc:
        raise BillingQueryError(f"[PARSE_SYNTAX_ERROR] {exc}") from None
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    aliases: dict[str, str] = {}
    for table in tree.find_all(exp.Table):
        parts = (table.args.get("catalog"), table.args.get("db"), table.this)
        name = ".".join(p.name for p in parts if p)
        if name in ctes:
            continue
        if name not in TABLES.values():
            raise BillingQueryError(
                f"[TABLE_OR_VIEW_NOT_FOUND] The table or view `{name}` cannot be found."
            )
        aliases[table.alias_or_name] = name
    for column in tree.find_all(exp.Column):
        # `p.pricing.effective_list.default` parses as one column of four parts: the alias,
        # then the table's column, then struct fields.
        parts = [part.name for part in column.parts]
        table_name = aliases.get(parts[0]) if len(parts) > 1 else None
        if table_name is None:
            continue
        known = USAGE_COLUMNS if table_name == TABLES["usage"] else PRICE_COLUMNS
        if parts[1] not in known:
            raise BillingQueryError(
                f"[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column `{parts[0]}`.`{parts[1]}` "
                f"cannot be resolved ({table_name})."
            )
    for marker in tree.find_all(exp.Placeholder):
        if marker.name not in parameters:
            raise BillingQueryError(
                f"[UNBOUND_SQL_PARAMETER] Found the unbound parameter: {marker.name}."
            )
    outputs = tuple(select.alias_or_name for select in tree.expressions)
    if outputs != OUTPUT_COLUMNS:
        raise BillingQueryError(f"the fake warehouse cannot answer the columns {outputs}")


def _price(row: Mapping[str, Any], prices: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
    """The LEFT JOIN: every price row in force at the record's end (None when there is none)."""
    found: list[dict[str, Any] | None] = [
        p
        for p in prices
        if p["sku_name"] == row["sku_name"]
        and p["cloud"] == row["cloud"]
        and p["usage_unit"] == row["usage_unit"]
        and row["usage_end_time"] > p["price_start_time"]
        and (p["price_end_time"] is None or row["usage_end_time"] <= p["price_end_time"])
    ]
    return found or [None]


def run_billing_query(
    text: str,
    parameters: Mapping[str, str | None],
    usage: list[dict[str, Any]],
    prices: list[dict[str, Any]],
    today: date | None = None,
) -> tuple[list[tuple[str, str]], list[list[str | None]]]:
    """The columns and rows the warehouse answers `cost`'s query with (module docstring)."""
    _check(text, parameters)
    today = today or datetime.now(UTC).date()
    products = {parameters["product"], parameters["product_renamed"]}
    since = today - timedelta(days=int(parameters["days"] or 0))
    ids = set((parameters["table_ids"] or "").split(","))
    tag_key = parameters["tag_key"] or ""
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in usage:
        if row["billing_origin_product"] not in products or row["usage_date"] < since:
            continue
        tag = row["custom_tags"].get(tag_key)
        attribution = "untagged" if tag is None else "table" if tag in ids else "other"
        table_id = tag if tag in ids else None
        for price in _price(row, prices):
            currency = price["currency_code"] if price else None
            key = (attribution, table_id, row["usage_unit"], currency)
            group = groups.setdefault(
                key,
                {"quantity": Decimal(0), "cost": None, "unpriced": 0, "records": 0, "latest": None},
            )
            group["quantity"] += row["usage_quantity"]
            if price is not None:
                amount = row["usage_quantity"] * Decimal(
                    price["pricing"]["effective_list"]["default"]
                )
                group["cost"] = (group["cost"] or Decimal(0)) + amount
            else:
                group["unpriced"] += 1
            group["records"] += 1
            if group["latest"] is None or row["usage_date"] > group["latest"]:
                group["latest"] = row["usage_date"]
    columns = [
        ("attribution", "STRING"),
        ("table_id", "STRING"),
        ("usage_unit", "STRING"),
        ("currency_code", "STRING"),
        ("quantity", "DECIMAL"),
        ("list_cost", "DECIMAL"),
        ("unpriced_records", "LONG"),
        ("records", "LONG"),
        ("latest_usage_date", "DATE"),
    ]
    rows: list[list[str | None]] = [
        [
            attribution,
            table_id,
            unit,
            currency,
            str(group["quantity"]),
            None if group["cost"] is None else str(group["cost"]),
            str(group["unpriced"]),
            str(group["records"]),
            group["latest"].isoformat() if group["latest"] else None,
        ]
        for (attribution, table_id, unit, currency), group in groups.items()
    ]
    return columns, rows
