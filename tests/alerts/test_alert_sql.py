"""The query of each alert, byte for byte: what `plan` prints and the program sends.

The query answers one row: how many of the latest windows break the threshold (`violations`),
the latest value, the latest window and how many windows it read; the alert fires when
`violations` reaches the required count.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from monitors.cli.main import main
from monitors.declared.spark_lexer import pieces
from monitors.desired.alert_sql import (
    AlertQuery,
    alert_query,
    read_columns,
    rule_sentence,
    sql_string,
)
from monitors.desired.alerts import alert_requests
from tests.fakes.alerts_api import _run as run_on_fake_warehouse
from tests.helpers.alerts import ALERTING, alerting, the_alert
from tests.helpers.program import make_project

ROOT = Path(__file__).resolve().parents[2]

CANCELLATION_SPIKE = """\
/* lakehouse-monitors alert fact_booking_daily.cancellation_spike: fires when cancellation_rate > 0.25 in at least 2 of the latest 3 windows (1 day).
   Generated from the monitor's declaration: edit that, not this query. */
SELECT
  COUNT_IF(metric_value > 0.25) AS violations,
  MAX_BY(metric_value, window_start) AS latest_value,
  MAX(window_start) AS latest_window_start,
  COUNT(*) AS windows_read
FROM (
  SELECT `window`.start AS window_start, `cancellation_rate` AS metric_value
  FROM `wanderbricks`.`wanderbricks_gold_monitoring`.`fact_booking_daily_profile_metrics`
  WHERE column_name = ':table'
    AND log_type = 'INPUT'
    AND slice_key IS NULL
    AND granularity = '1 day'
  ORDER BY `window`.start DESC
  LIMIT 3
) AS latest"""

BOOKINGS_VOLUME_DROP = """\
/* lakehouse-monitors alert fact_booking_daily.bookings_volume_drop: fires when booking_volume_drift < -1000.0 in the latest window (1 week, consecutive drift).
   Generated from the monitor's declaration: edit that, not this query. */
SELECT
  COUNT_IF(metric_value < -1000.0) AS violations,
  MAX_BY(metric_value, window_start) AS latest_value,
  MAX(window_start) AS latest_window_start,
  COUNT(*) AS windows_read
FROM (
  SELECT `window`.start AS window_start, `booking_volume_drift` AS metric_value
  FROM `wanderbricks`.`wanderbricks_gold_monitoring`.`fact_booking_daily_drift_metrics`
  WHERE column_name = ':table'
    AND drift_type = 'CONSECUTIVE'
    AND slice_key IS NULL
    AND granularity = '1 week'
  ORDER BY `window`.start DESC
  LIMIT 1
) AS latest"""

MISSING_HOST_EMAILS = """\
/* lakehouse-monitors alert dim_host.missing_host_emails: fires when current_missing_email_count > 0.0 in the latest window.
   Generated from the monitor's declaration: edit that, not this query. */
SELECT
  COUNT_IF(metric_value > 0.0) AS violations,
  MAX_BY(metric_value, window_start) AS latest_value,
  MAX(window_start) AS latest_window_start,
  COUNT(*) AS windows_read
FROM (
  SELECT `window`.start AS window_start, `current_missing_email_count` AS metric_value
  FROM `wanderbricks`.`wanderbricks_gold_monitoring`.`dim_host_profile_metrics`
  WHERE column_name = ':table'
    AND log_type = 'INPUT'
    AND slice_key IS NULL
  ORDER BY `window`.start DESC
  LIMIT 1
) AS latest"""


def prod_requests(declarations):
    return alert_requests(make_project(declarations, "prod", alerting("prod")))


@pytest.mark.parametrize(
    ("key", "sql"),
    [
        ("fact_booking_daily.cancellation_spike", CANCELLATION_SPIKE),
        ("fact_booking_daily.bookings_volume_drop", BOOKINGS_VOLUME_DROP),
        ("dim_host.missing_host_emails", MISSING_HOST_EMAILS),
    ],
    ids=["profile metric, 2 of 3 daily windows", "consecutive drift, weekly", "snapshot"],
)
def test_each_shipped_alert_sends_exactly_this_query(declarations, key, sql):
    assert prod_requests(declarations)[key].body["query_text"] == sql


def test_an_alert_fires_when_enough_windows_break_the_threshold(declarations):
    body = prod_requests(declarations)["fact_booking_daily.cancellation_spike"].body
    assert body["evaluation"] == {
        "source": {"name": "violations"},
        "comparison_operator": "GREATER_THAN_OR_EQUAL",
        "threshold": {"value": {"double_value": 2.0}},
        "empty_result_state": "OK",
        "notification": {
            "notify_on_ok": True,
            "subscriptions": [{"user_email": "data-quality@wanderbricks.example"}],
        },
    }
    assert body["schedule"] == {
        "quartz_cron_schedule": "0 30 6 * * ?",
        "timezone_id": "Europe/Amsterdam",
        "pause_status": "UNPAUSED",
    }
    assert body["display_name"] == "[CRITICAL] fact_booking_daily.cancellation_spike (prod)"
    assert body["warehouse_id"] == ALERTING["warehouse_id"]
    assert body["parent_path"] == "/Workspace/Shared/lakehouse_monitoring/prod/fact_booking_daily"


def test_a_sliced_per_column_alert_filters_its_slice_and_column(declarations):
    declarations["fact_booking_daily"]["alerts"].append(
        {
            "name": "nulls_in_one_destination",
            "metric": "percent_null",
            "column": "total_guests",
            "slice": {"key": "destination_id", "value": 42},
            "op": ">=",
            "threshold": 0.5,
        }
    )
    sql = prod_requests(declarations)["fact_booking_daily.nulls_in_one_destination"].body
    assert (
        "  WHERE column_name = 'total_guests'\n"
        "    AND log_type = 'INPUT'\n"
        "    AND slice_key = 'destination_id'\n"
        "    AND slice_value = '42'\n"
        "    AND granularity = '1 day'\n"
    ) in sql["query_text"]


def test_the_columns_a_query_reads_are_exactly_those_of_its_metric_table_it_names(declarations):
    declarations["fact_booking_daily"]["alerts"].append(
        {
            "name": "nulls_in_one_destination",
            "metric": "percent_null",
            "column": "total_guests",
            "slice": {"key": "destination_id", "value": 42},
            "op": ">=",
            "threshold": 0.5,
        }
    )
    for request in prod_requests(declarations).values():
        parsed = sqlglot.parse_one(request.body["query_text"], read="databricks")
        inner = parsed.find(exp.Subquery)
        assert inner is not None
        # `window`.start reads the struct column `window`: sqlglot takes `window` as its table.
        named = {column.table or column.name for column in inner.find_all(exp.Column)}
        assert set(read_columns(request.query)) == named


TRICKY = [
    "status = 'cancelled'",
    "a\\b",
    "it's \\'quoted\\'",
    "line\nbreak",
    "tab\there",
    "*/ end",
    "/products/*",
    "/*/",
    "/*+ hint */",
    "-- dashes \\",
    "ends in a backslash \\",
    "\\u0041 is not A",
]


@pytest.mark.parametrize("value", TRICKY)
def test_an_alert_on_a_slice_or_column_of_any_text_runs_and_reads_exactly_it(value):
    """On the fake warehouse, which lexes as Spark does: comments nest, so a `/*` that reaches
    the query's comment would leave it open and the alert would never evaluate."""
    table = "c.s.t_profile_metrics"
    query = AlertQuery("t.a", "m", table, None, value, (value, value), None, ">", 1, 2, 1)
    wanted = {"column_name": value, "log_type": "INPUT", "slice_key": value, "slice_value": value}
    rows = [
        {**wanted, "window_start": "2026-11-26", "m": 5},
        {**wanted, "slice_value": value + "x", "window_start": "2026-11-27", "m": 5},
        {**wanted, "column_name": ":table", "window_start": "2026-11-27", "m": 5},
    ]
    _, [answer] = run_on_fake_warehouse(alert_query(query), {table: rows})
    assert answer == ["1", "5.0", "2026-11-26", "1"]


def test_the_comment_of_an_alert_query_shows_comment_marks_apart():
    query = AlertQuery(
        "t.a", "m", "c.s.t", None, ":table", ("k", "/products/*/x"), None, ">", 1, 1, 1
    )
    comment, *_ = pieces(alert_query(query))
    assert comment.kind == "comment"
    assert "(slice k = /products/ * /x)" in comment.text


def test_a_string_literal_escapes_quotes_and_backslashes_as_databricks_reads_them():
    assert sql_string("it's a\\b") == "'it\\'s a\\\\b'"


def test_a_backtick_in_a_table_name_part_is_doubled():
    query = AlertQuery("t.a", "m", "c.we`ird.t", None, ":table", None, None, ">", 1, 1, 1)
    assert "FROM `c`.`we``ird`.`t`\n" in alert_query(query)


@pytest.mark.parametrize(
    ("windows", "violations", "sentence"),
    [
        (1, 1, "m > 1.5 in the latest window"),
        (3, 3, "m > 1.5 in each of the latest 3 windows"),
        (7, 2, "m > 1.5 in at least 2 of the latest 7 windows"),
    ],
)
def test_the_rule_reads_as_a_sentence(windows, violations, sentence):
    query = AlertQuery(
        "t.a", "m", "c.s.t", None, ":table", None, None, ">", 1.5, windows, violations
    )
    assert rule_sentence(query) == sentence


@pytest.fixture
def project_copy(tmp_path) -> Path:
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "monitors" / "declarations", tmp_path / "monitors" / "declarations")
    stack_file = tmp_path / "Pulumi.prod.yaml"
    stack_file.write_text(
        stack_file.read_text()
        + "  lakehouse-monitors:alerts:\n"
        + "    warehouse_id: 0123456789abcdef\n"
        + "    schedule:\n"
        + "      quartz_cron_expression: 0 30 6 * * ?\n"
        + "      timezone_id: Europe/Amsterdam\n"
        + "    notify:\n"
        + "      emails: [data-quality@wanderbricks.example]\n"
    )
    return tmp_path


def test_plan_shows_each_alerts_query_exactly(capsys, project_copy):
    args = ["plan", "--stack", "prod", "--project-dir", str(project_copy)]
    assert main([*args, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    alert = document["alerts"]["fact_booking_daily.cancellation_spike"]
    assert alert["request"]["query_text"] == CANCELLATION_SPIKE
    assert alert["urn"] == (
        "urn:pulumi:prod::lakehouse-monitors::databricks:index/alertV2:AlertV2::"
        "fact_booking_daily.cancellation_spike"
    )
    assert document["undeployed_alerts"] == []
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "\n".join("     " + line for line in CANCELLATION_SPIKE.splitlines()) in text
    assert (
        "fires when: cancellation_rate > 0.25 in at least 2 of the latest 3 windows (1 day)"
    ) in text


def test_plan_names_the_alerts_a_stack_does_not_deploy(capsys):
    assert main(["plan", "--stack", "dev", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["alerts"] == {}
    assert document["undeployed_alerts"] == [
        "dim_host.missing_host_emails",
        "fact_booking_daily.cancellation_spike",
        "fact_booking_daily.bookings_volume_drop",
        "fact_property_engagement.click_tracking_broken",
    ]


def test_an_alert_with_a_changed_threshold_changes_only_its_query_and_nothing_else(declarations):
    before = prod_requests(declarations)["fact_booking_daily.cancellation_spike"].body
    the_alert(declarations, "fact_booking_daily.cancellation_spike")["threshold"] = 0.3
    after = prod_requests(declarations)["fact_booking_daily.cancellation_spike"].body
    assert {k for k in before if before[k] != after[k]} == {"query_text"}
