"""`monitors cost`: per monitor, the DBUs and list-price cost of its refreshes from the
billing system tables (tests/fakes/billing.py), through the statement API, on either monitor
API; every fault ends in a clear message and the documented exit code (cli.cost.EXIT_CODES)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from monitors.cli import cost as cost_command
from monitors.cli.main import main
from monitors.errors import ExitCode
from monitors.workspace.cost import COST_QUERY
from tests.fakes.billing import price_row, usage_row

WAREHOUSE = "abc123def456"
STATEMENTS = "/api/2.0/sql/statements"
TODAY = datetime.now(UTC).date()


@pytest.fixture
def billed(scene):
    """The scene with a warehouse and a list price of the serverless jobs SKU since a year."""
    scene.fake.add_warehouse(WAREHOUSE)
    scene.fake.add_list_prices(price_row("0.50", start=datetime.now(UTC) - timedelta(days=365)))
    return scene


def table_id(scene, table: str) -> str:
    return scene.fake.tables[scene.full_name(table)]["table_id"]


def cost(scene, *extra: str) -> int:
    """`cost` on the scene's stack, on WAREHOUSE."""
    argv = ["cost", "--stack", "dev", "--project-dir", str(scene.root), *extra]
    return main([*argv, "--warehouse-id", WAREHOUSE])


def answer(scene, capsys, *extra: str) -> tuple[int, dict]:
    code = cost(scene, "--json", *extra)
    return code, json.loads(capsys.readouterr().out)


def by_table(document: dict) -> dict[str, dict]:
    return {m["table"]: m for m in document["monitors"]}


def figures(usage: dict) -> tuple[Decimal, dict[str, Decimal]]:
    """DBUs and cost per currency, as numbers (the JSON carries decimals as text)."""
    return Decimal(usage["dbus"]), {k: Decimal(v) for k, v in usage["list_cost"].items()}


def test_cost_reports_dbus_and_list_cost_per_monitor(billed, capsys):
    first, second = billed.tables[0], billed.tables[1]
    billed.fake.add_billing_usage(
        usage_row(table_id=table_id(billed, first), dbus="4.0", day=TODAY - timedelta(days=2)),
        usage_row(table_id=table_id(billed, first), dbus="2.5", day=TODAY - timedelta(days=1)),
        usage_row(table_id=table_id(billed, second), dbus="1.0", day=TODAY - timedelta(days=3)),
    )
    code, document = answer(billed, capsys)
    assert code == ExitCode.OK
    assert document["schema_version"] == 1
    monitors = by_table(document)
    assert figures(monitors[first]) == (Decimal("6.5"), {"USD": Decimal("3.25")})
    assert figures(monitors[second]) == (Decimal("1"), {"USD": Decimal("0.5")})
    assert figures(monitors[billed.tables[2]]) == (0, {})
    assert figures(document["total"]) == (Decimal("7.5"), {"USD": Decimal("3.75")})


def test_corrections_are_summed_with_the_originals(billed, capsys):
    table = billed.tables[0]
    day = TODAY - timedelta(days=5)
    uid = table_id(billed, table)
    billed.fake.add_billing_usage(
        usage_row(table_id=uid, dbus="10", day=day),
        usage_row(table_id=uid, dbus="-10", day=day, record_type="RETRACTION"),
        usage_row(table_id=uid, dbus="8", day=day, record_type="RESTATEMENT"),
    )
    code, document = answer(billed, capsys)
    assert code == ExitCode.OK
    assert figures(by_table(document)[table]) == (8, {"USD": 4})


def test_usage_without_a_table_tag_or_of_other_tables_is_reported_apart(billed, capsys):
    billed.fake.add_billing_usage(
        usage_row(table_id=None, dbus="3", day=TODAY - timedelta(days=1)),
        usage_row(table_id="0a0a0a0a-other-table", dbus="5", day=TODAY - timedelta(days=1)),
    )
    code, document = answer(billed, capsys)
    assert code == ExitCode.OK
    assert figures(document["untagged"]) == (3, {"USD": Decimal("1.5")})
    assert figures(document["other_tables"]) == (5, {"USD": Decimal("2.5")})
    assert figures(document["total"]) == (0, {})


def test_usage_before_the_period_or_of_other_products_is_not_counted(billed, capsys):
    uid = table_id(billed, billed.tables[0])
    billed.fake.add_billing_usage(
        usage_row(table_id=uid, dbus="1", day=TODAY - timedelta(days=3)),
        usage_row(table_id=uid, dbus="100", day=TODAY - timedelta(days=20)),
        usage_row(table_id=uid, dbus="1000", day=TODAY - timedelta(days=1), product="JOBS"),
    )
    code, document = answer(billed, capsys, "--days", "7")
    assert code == ExitCode.OK
    assert figures(by_table(document)[billed.tables[0]]) == (1, {"USD": Decimal("0.5")})


def test_each_record_is_priced_at_the_list_price_in_force_at_its_end(billed, capsys):
    billed.fake.billing_prices.clear()
    change = datetime.now(UTC) - timedelta(days=10)
    billed.fake.add_list_prices(
        price_row("0.50", start=change - timedelta(days=365), end=change),
        price_row("1.00", start=change),
    )
    uid = table_id(billed, billed.tables[0])
    billed.fake.add_billing_usage(
        usage_row(table_id=uid, dbus="2", day=TODAY - timedelta(days=20)),
        usage_row(table_id=uid, dbus="2", day=TODAY - timedelta(days=2)),
    )
    code, document = answer(billed, capsys)
    assert code == ExitCode.OK
    assert figures(by_table(document)[billed.tables[0]]) == (4, {"USD": 3})


def test_a_record_without_a_list_price_counts_its_dbus_not_a_cost(billed, capsys):
    uid = table_id(billed, billed.tables[0])
    billed.fake.add_billing_usage(
        usage_row(table_id=uid, dbus="2", day=TODAY - timedelta(days=2), sku_name="NEW_SKU")
    )
    code, document = answer(billed, capsys)
    assert code == ExitCode.OK
    monitor = by_table(document)[billed.tables[0]]
    assert (*figures(monitor), monitor["unpriced_records"]) == (2, {}, 1)
    assert any("no list price" in note for note in document["notes"])


def test_text_output_states_the_reporting_delay_and_what_cannot_be_attributed(billed, capsys):
    assert cost(billed) == ExitCode.OK
    out = capsys.readouterr().out
    assert "typically available within 12 hours" in out
    assert "Not attributed to any table" in out
    assert "corrections (RETRACTION and RESTATEMENT records) are summed" in out
    assert "list prices, not your contract's prices" in out


def test_values_reach_the_warehouse_as_named_parameters_never_in_the_text(billed, capsys):
    assert cost(billed, "--days", "9") == ExitCode.OK
    call = next(c for c in billed.fake.api_calls() if c.path == STATEMENTS)
    assert call.body["statement"] == COST_QUERY
    parameters = {p["name"]: p for p in call.body["parameters"]}
    assert parameters["days"] == {"name": "days", "value": "9", "type": "INT"}
    assert table_id(billed, billed.tables[0]) in parameters["table_ids"]["value"]
    assert table_id(billed, billed.tables[0]) not in call.body["statement"]


def test_without_a_warehouse_the_command_says_how_to_give_one(billed, capsys):
    code = main(["cost", "--stack", "dev", "--project-dir", str(billed.root)])
    assert code == ExitCode.INVALID
    err = capsys.readouterr().err
    assert "no SQL warehouse to run the billing query on: pass --warehouse-id" in err
    assert billed.fake.api_calls() == []


def test_the_stack_warehouse_setting_is_used_and_named(billed, capsys):
    billed.set_config(warehouseId=WAREHOUSE)
    assert main(["cost", "--stack", "dev", "--project-dir", str(billed.root)]) == ExitCode.OK
    assert f"SQL warehouse {WAREHOUSE} (lakehouse-monitors:warehouseId)" in capsys.readouterr().out


@pytest.mark.parametrize("days", ["0", "366", "1.5", "nan"])
def test_days_out_of_range_is_a_usage_error(billed, capsys, days):
    with pytest.raises(SystemExit) as exit_info:
        cost(billed, "--days", days)
    assert exit_info.value.code == ExitCode.INVALID
    assert "a whole number of days from 1 to 365" in capsys.readouterr().err


# ---------------------------------------------------------------------------- faults


@pytest.mark.slow  # retries until it gives up (3.3-3.6 s, --durations)
@pytest.mark.parametrize(
    ("status", "said"),
    [(429, "gave up retrying after"), (503, "gave up retrying after"), (500, "injected")],
)
def test_throttling_or_a_server_error_ends_in_a_clear_message_and_exit_1(
    billed, capsys, status, said
):
    billed.fake.fail_next("POST", STATEMENTS, status=status, times=100)
    code = cost(billed)
    err = capsys.readouterr().err
    assert code == ExitCode.FAILED
    assert "error: could not read the billing tables: " in err
    assert said in err
    assert "Traceback" not in err


def test_a_malformed_answer_ends_in_a_clear_message_and_exit_1(billed, capsys):
    billed.fake.answer_next("POST", STATEMENTS, b"<html>502 Bad Gateway</html>")
    code = cost(billed)
    err = capsys.readouterr().err
    assert code == ExitCode.FAILED
    assert "could not read the billing tables: the workspace answered with malformed JSON" in err


def test_an_answer_of_another_shape_is_refused_not_misread(billed, capsys):
    wrong = {
        "statement_id": "01ef-9999",
        "status": {"state": "SUCCEEDED"},
        "manifest": {"schema": {"columns": [{"name": "dbus", "position": 0}]}},
        "result": {"data_array": [["12"]]},
    }
    billed.fake.answer_next("POST", STATEMENTS, json.dumps(wrong).encode())
    code = cost(billed)
    err = capsys.readouterr().err
    assert code == ExitCode.FAILED
    assert "the SQL warehouse's answer is not in the shape the query asks" in err


def test_a_number_that_is_not_a_number_is_refused(billed, capsys):
    columns = ["attribution", "table_id", "usage_unit", "currency_code", "quantity"]
    columns += ["list_cost", "unpriced_records", "records", "latest_usage_date"]
    answer_body = {
        "statement_id": "01ef-9998",
        "status": {"state": "SUCCEEDED"},
        "manifest": {"schema": {"columns": [{"name": n} for n in columns]}},
        "result": {"data_array": [["table", "x", "DBU", "USD", "lots", None, "0", "1", None]]},
    }
    billed.fake.answer_next("POST", STATEMENTS, json.dumps(answer_body).encode())
    assert cost(billed) == ExitCode.FAILED
    assert "row 1: quantity" in capsys.readouterr().err


def test_no_access_to_the_billing_tables_says_who_grants_it(billed, capsys):
    billed.fake.fail_next_statement(
        "[INSUFFICIENT_PERMISSIONS] User does not have USE SCHEMA on Schema 'system.billing'."
    )
    code = cost(billed)
    err = capsys.readouterr().err
    assert code == ExitCode.FAILED
    assert "the billing query ended FAILED" in err
    assert "granted on the system.billing schema by an account admin" in err


def test_a_warehouse_that_does_not_start_ends_in_exit_5_and_a_cancelled_query(billed, capsys):
    billed.fake.hold_next_statement_pending(10_000)
    code = cost(billed, "--timeout", "0.3")
    err = capsys.readouterr().err
    assert code == ExitCode.TIMED_OUT, err
    assert "waiting for the warehouse to start; it was cancelled" in err
    assert "Start the warehouse, or run again with a larger --timeout" in err
    assert any(c.path.endswith("/cancel") for c in billed.fake.api_calls())


def test_every_exit_code_the_command_ends_with_is_documented():
    documented = {code for code, _ in cost_command.EXIT_CODES}
    assert documented == {
        ExitCode.OK,
        ExitCode.FAILED,
        ExitCode.INVALID,
        ExitCode.ABORTED,
        ExitCode.TIMED_OUT,
    }
