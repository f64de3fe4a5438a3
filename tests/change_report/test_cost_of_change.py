"""`plan --against` with credentials: for each monitor the change replaces or makes bigger, what
it cost over the last 30 days (the billing tables of the fake workspace); without credentials,
or when the workspace cannot answer, one sentence saying cost is not shown and why, quickly and
without changing the report's exit code."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import yaml

from monitors.naming import API_DATA_QUALITY, API_LEGACY
from monitors.workspace import client as client_module
from monitors.workspace.client import Limits
from tests.fakes.billing import price_row, usage_row
from tests.fakes.workspace import FakeWorkspace, refused_host

WAREHOUSE = "0123abcd4567ef89"
SCHEMA = "wanderbricks_dev.wanderbricks_gold"
TODAY = datetime.now(UTC).date()
TABLES = ("dim_host", "dim_property", "dim_user", "fact_booking_daily", "fact_property_engagement")


def set_databricks_host(repo, host: str) -> None:
    path = repo.stack_path("dev")
    document = yaml.safe_load(path.read_text())
    document["config"]["databricks:host"] = host
    path.write_text(yaml.safe_dump(document, sort_keys=False))


@pytest.fixture
def workspace(monkeypatch):
    """A fake workspace with the dev stack's tables, a warehouse, a price and 30 days of usage
    (1 DBU a day for each table), and the token in the environment."""
    monkeypatch.setattr(
        client_module,
        "PLAN_COST_LIMITS",
        Limits(http_timeout_s=5, retry_timeout_s=2, connect_timeout_s=2, total_s=20),
    )
    with FakeWorkspace() as fake:
        monkeypatch.setenv("DATABRICKS_TOKEN", fake.token)
        fake.add_warehouse(WAREHOUSE)
        fake.add_list_prices(price_row("0.50", start=datetime.now(UTC) - timedelta(days=400)))
        for table in TABLES:
            uid = fake.add_table(f"{SCHEMA}.{table}")["table_id"]
            for day in range(1, 31):
                fake.add_billing_usage(
                    usage_row(table_id=uid, dbus="1", day=TODAY - timedelta(days=day))
                )
        yield fake


def grow_and_replace(repo) -> None:
    """fact_booking_daily gets a granularity, dim_host a slicing expression, and dim_user a
    metric of another output type (a replace); dim_property only loses a slicing expression."""
    data = repo.declaration("fact_booking_daily")
    data["time_series"]["granularities"].append("1 month")
    repo.write_declaration("fact_booking_daily", data)
    data = repo.declaration("dim_host")
    data["slicing_exprs"].append("is_verified")
    repo.write_declaration("dim_host", data)
    first = repo.metrics("dim_user")[0]
    output = "double" if first["output_data_type"] != "double" else "long"
    repo.edit_metric("dim_user", first["name"], output_data_type=output)
    data = repo.declaration("dim_property")
    data.pop("slicing_exprs", None)
    repo.write_declaration("dim_property", data)


@pytest.mark.parametrize("api", [API_LEGACY, API_DATA_QUALITY])
def test_each_monitor_replaced_or_made_bigger_shows_its_cost_of_the_last_30_days(
    repo, workspace, api
):
    set_databricks_host(repo, workspace.host)
    repo.set_config("dev", warehouseId=WAREHOUSE, api=api)
    repo.commit("deployed with a warehouse")
    grow_and_replace(repo)
    report = repo.report()
    assert report.out, report.err
    cost = report.doc["cost"]
    assert cost["shown"] is True, cost["reason_not_shown"]
    assert set(cost["monitors"]) == {"dim_host", "dim_user", "fact_booking_daily"}
    grown = cost["monitors"]["fact_booking_daily"]
    assert grown["why"] == ("updated to do more on every refresh: granularities added (1 month)")
    assert cost["monitors"]["dim_user"]["why"].startswith("replaced")
    for monitor in cost["monitors"].values():
        assert Decimal(monitor["dbus"]) == 30
        assert Decimal(monitor["list_cost"]["USD"]) == 15
    assert report.code == 10  # the cost section never changes what the report decides


def test_a_change_that_replaces_or_grows_nothing_has_no_cost_section(repo, workspace):
    set_databricks_host(repo, workspace.host)
    repo.commit("deployed")
    data = repo.declaration("dim_property")
    data.pop("slicing_exprs", None)
    repo.write_declaration("dim_property", data)
    report = repo.report()
    assert report.doc["monitors"]["dim_property"]["outcome"] == "updated"
    assert report.doc["cost"] is None
    assert not any(c.path == "/api/2.0/sql/statements" for c in workspace.api_calls())


def test_without_credentials_cost_is_not_shown_and_nothing_is_sent(repo):
    grow_and_replace(repo)
    started = time.monotonic()
    report = repo.report(as_json=False)
    assert time.monotonic() - started < 10
    assert report.code == 10
    assert "  not shown: no Databricks credentials found" in report.out
    assert "Traceback" not in report.out + report.err


def test_an_unreachable_workspace_is_one_sentence_in_the_report(repo):
    set_databricks_host(repo, refused_host())
    repo.set_config("dev", warehouseId=WAREHOUSE)
    repo.commit("deployed")
    grow_and_replace(repo)
    report = repo.report()
    cost = report.doc["cost"]
    assert cost["shown"] is False
    assert cost["reason_not_shown"].startswith("cannot reach the workspace at http://127.0.0.1:")
    assert report.code == 10


def test_no_warehouse_says_which_command_reads_the_cost(repo, workspace):
    set_databricks_host(repo, workspace.host)
    repo.commit("deployed")
    grow_and_replace(repo)
    reason = repo.report().doc["cost"]["reason_not_shown"]
    assert reason.startswith("no SQL warehouse to read the billing tables on")
    assert "monitors cost --stack dev --warehouse-id <id>" in reason
