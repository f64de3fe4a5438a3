"""verify's alert checks against the fake workspace, through the real databricks-sdk client.

Each alert is created with the body the program sends (as the provider would POST it), its
monitor's metric tables are seeded with rows, and verify finds the alert by its display name,
compares it with the declaration, runs its query once and says whether it would fire now.
"""

from __future__ import annotations

import copy
import io
import json

import pytest
from databricks.sdk.service.sql import AlertV2

from monitors.declared.project import Project
from monitors.desired.alerts import alert_requests
from monitors.desired.plan import make_plan
from monitors.workspace.alerts import STATEMENT_BUDGET_S, reported_metric_tables, verify_alerts
from monitors.workspace.check_results import CheckStatus
from monitors.workspace.client import Deadline
from monitors.workspace.verify.run import run_verify
from tests.fakes.workspace import FakeWorkspace
from tests.helpers.alerts import ALERTING, alerting
from tests.helpers.declarations import shipped_declarations
from tests.helpers.program import make_project

WAREHOUSE = ALERTING["warehouse_id"]
SPIKE = "fact_booking_daily.cancellation_spike"
PROFILE = "wanderbricks_dev.wanderbricks_gold_monitoring.fact_booking_daily_profile_metrics"
DRIFT = "wanderbricks_dev.wanderbricks_gold_monitoring.fact_booking_daily_drift_metrics"
HOSTS = "wanderbricks_dev.wanderbricks_gold_monitoring.dim_host_profile_metrics"
ENGAGEMENT = (
    "wanderbricks_dev.wanderbricks_gold_monitoring.fact_property_engagement_profile_metrics"
)
TABLE_ROW = {"column_name": ":table", "log_type": "INPUT", "slice_key": None}


def dev_project() -> Project:
    return make_project(copy.deepcopy(shipped_declarations()), "dev", alerting("dev"))


def days(metric: str, *values: float, granularity: str = "1 day") -> list[dict]:
    """Daily windows, newest first, of one metric at the table level."""
    return [
        {
            **TABLE_ROW,
            "granularity": granularity,
            "window_start": f"2026-11-{27 - i:02d}T00:00:00Z",
            metric: value,
        }
        for i, value in enumerate(values)
    ]


def deploy(fake: FakeWorkspace, client, project: Project) -> None:
    """Every monitor and alert of the project, created with the bodies the program sends."""
    fake.add_warehouse(WAREHOUSE)
    plan = make_plan(project)
    for table, request in plan.requests.items():
        full_name = project.settings.full_table_name(table)
        fake.add_table(full_name)
        client.api_client.do(
            "POST", f"/api/2.1/unity-catalog/tables/{full_name}/monitor", body=request
        )
        fake.initialise_monitor(full_name)
    for request in alert_requests(project).values():
        client.alerts_v2.create_alert(AlertV2.from_dict(request.body))
    fake.add_metric_rows(PROFILE, days("cancellation_rate", 0.31, 0.28, 0.02))
    drift = [
        {**r, "drift_type": "CONSECUTIVE"}
        for r in days("booking_volume_drift", 120.0, granularity="1 week")
    ]
    fake.add_metric_rows(DRIFT, drift)
    fake.add_metric_rows(
        HOSTS,
        [{**TABLE_ROW, "window_start": "2026-11-27T06:00:00Z", "current_missing_email_count": 0}],
    )
    fake.add_metric_rows(ENGAGEMENT, days("click_through_rate", 0.05, 0.06, 0.04))


@pytest.fixture
def deployed(fake_workspace, workspace_client) -> Project:
    project = dev_project()
    deploy(fake_workspace, workspace_client, project)
    return project


def test_a_data_quality_stack_reads_its_metric_tables_through_the_data_quality_api(
    fake_workspace, workspace_client
):
    config = {**alerting("dev"), "lakehouse-monitors:api": "data_quality"}
    project = make_project(copy.deepcopy(shipped_declarations()), "dev", config)
    deploy(fake_workspace, workspace_client, project)
    calls = len(fake_workspace.api_calls())
    reported = reported_metric_tables(workspace_client, project, ["fact_booking_daily"])
    found = reported["fact_booking_daily"]
    assert (found.profile, found.drift) == (PROFILE, DRIFT)
    paths = [c.path for c in fake_workspace.api_calls()[calls:]]
    assert any(p.startswith("/api/data-quality/v1/monitors/table/") for p in paths)
    assert not any(p.endswith("/monitor") for p in paths)  # never the legacy endpoint


class VirtualTime:
    """`sleep`/`monotonic` for verify's polling: sleeping advances time, costs nothing."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


def check(report, key: str, name: str):
    return next(a for a in report.alerts if a.key == key).check(name)


def test_each_deployed_alert_passes_and_says_whether_it_would_fire_now(deployed, workspace_client):
    report = verify_alerts(workspace_client, deployed)
    assert report.ok
    assert [a.key for a in report.alerts] == [
        "dim_host.missing_host_emails",
        "fact_booking_daily.cancellation_spike",
        "fact_booking_daily.bookings_volume_drop",
        "fact_property_engagement.click_tracking_broken",
    ]
    spike = check(report, SPIKE, "fires")
    assert (spike.status, spike.detail) == (
        CheckStatus.WARN,
        "yes, 0.31 (2 of 3 window(s) read break it, latest window 2026-11-27T00:00:00Z)",
    )
    quiet = check(report, "dim_host.missing_host_emails", "fires")
    assert (quiet.status, quiet.detail) == (
        CheckStatus.PASS,
        "no, 0 (0 of 1 window(s) read break it, latest window 2026-11-27T06:00:00Z)",
    )


def test_the_alerts_table_shows_would_fire_now_per_alert(deployed, workspace_client):
    text = verify_alerts(workspace_client, deployed).render_table()
    assert text.splitlines()[:6] == [
        "alert                                           exists  definition  query  would fire now",
        "----------------------------------------------  ------  ----------  -----  --------------",
        "dim_host.missing_host_emails                    ok      ok          ok     no, 0",
        "fact_booking_daily.cancellation_spike           ok      ok          ok     yes, 0.31",
        "fact_booking_daily.bookings_volume_drop         ok      ok          ok     no, 120",
        "fact_property_engagement.click_tracking_broken  ok      ok          ok     no, 0.05",
    ]
    assert "  fact_booking_daily.cancellation_spike / would fire now: yes, 0.31 (2 of 3" in text
    assert text.endswith("\n4 of 4 alerts pass.\n")


def test_the_query_runs_inline_on_the_stacks_alert_warehouse(
    deployed, fake_workspace, workspace_client
):
    verify_alerts(workspace_client, deployed, ["fact_booking_daily"])
    posts = [c for c in fake_workspace.api_calls() if c.path == "/api/2.0/sql/statements"]
    assert len(posts) == 2
    assert {k: v for k, v in posts[0].body.items() if k != "statement"} == {
        "warehouse_id": WAREHOUSE,
        "wait_timeout": "10s",
        "on_wait_timeout": "CONTINUE",
        "format": "JSON_ARRAY",
        "disposition": "INLINE",
    }
    assert posts[0].body["statement"] == alert_requests(deployed)[SPIKE].body["query_text"]


def test_a_missing_alert_fails_and_a_copy_the_service_renamed_is_named(
    fake_workspace, workspace_client
):
    project = dev_project()
    fake_workspace.rename_next_create()  # the first create is renamed: dim_host's alert
    deploy(fake_workspace, workspace_client, project)
    report = verify_alerts(workspace_client, project)
    missing = check(report, "dim_host.missing_host_emails", "exists")
    assert (missing.status, missing.detail) == (
        CheckStatus.FAIL,
        "no alert named '[WARNING] dim_host.missing_host_emails (dev)'",
    )
    assert not report.ok
    (stray,) = report.strays
    assert stray.startswith("'[WARNING] dim_host.missing_host_emails (dev) (1)' (id ")
    assert stray.endswith(
        "a copy the service renamed (terraform-provider-databricks issue 4867): trash it in the workspace"
    )


def test_an_alert_edited_in_the_workspace_fails_its_definition_check(deployed, workspace_client):
    (listed,) = [
        a
        for a in workspace_client.alerts_v2.list_alerts()
        if "cancellation_spike" in (a.display_name or "")
    ]
    listed.evaluation.threshold.value.double_value = 1.0
    workspace_client.alerts_v2.update_alert(listed.id, listed, "evaluation")
    definition = check(verify_alerts(workspace_client, deployed), SPIKE, "definition")
    assert (definition.status, definition.detail) == (
        CheckStatus.FAIL,
        "differs from the declaration in evaluation.threshold.value.double_value: run `pulumi "
        "up` (it also undoes an edit made in the UI)",
    )


def test_a_query_the_warehouse_fails_fails_the_query_check(
    deployed, fake_workspace, workspace_client
):
    del fake_workspace.metric_rows[PROFILE]
    report = verify_alerts(workspace_client, deployed, ["fact_booking_daily"])
    query = check(report, SPIKE, "query")
    assert query.status is CheckStatus.FAIL
    assert query.detail == (
        f"FAILED: [TABLE_OR_VIEW_NOT_FOUND] The table or view `{PROFILE}` cannot be found."
    )
    assert check(report, SPIKE, "fires").status is CheckStatus.SKIP


def test_a_statement_still_running_is_polled_until_it_answers(
    deployed, fake_workspace, workspace_client
):
    clock = VirtualTime()
    fake_workspace.delay_next_statement(3)
    report = verify_alerts(
        workspace_client, deployed, ["dim_host"], sleep=clock.sleep, monotonic=clock.monotonic
    )
    assert check(report, "dim_host.missing_host_emails", "query").status is CheckStatus.PASS
    assert clock.sleeps == [2.0, 2.0, 2.0]


def test_a_statement_that_outlasts_its_budget_is_cancelled_and_fails(
    deployed, fake_workspace, workspace_client
):
    clock = VirtualTime()
    fake_workspace.delay_next_statement(1000)
    report = verify_alerts(
        workspace_client, deployed, ["dim_host"], sleep=clock.sleep, monotonic=clock.monotonic
    )
    query = check(report, "dim_host.missing_host_emails", "query")
    assert query.status is CheckStatus.FAIL
    assert query.detail.startswith(f"did not finish within {STATEMENT_BUDGET_S:g} s (cancelled;")
    assert sum(clock.sleeps) == STATEMENT_BUDGET_S
    assert any(c.path.endswith("/cancel") for c in fake_workspace.api_calls())


def test_a_metric_table_without_matching_rows_is_a_warning_not_a_failure(
    deployed, fake_workspace, workspace_client
):
    fake_workspace.metric_rows[ENGAGEMENT] = []
    fires = check(
        verify_alerts(workspace_client, deployed),
        "fact_property_engagement.click_tracking_broken",
        "fires",
    )
    assert (fires.status, fires.detail) == (
        CheckStatus.WARN,
        "no: no windows yet (no metric rows match; has the monitor refreshed?)",
    )


def test_an_expired_time_budget_stops_the_checks_with_that_reason(deployed, workspace_client):
    report = verify_alerts(workspace_client, deployed, deadline=Deadline(0))
    assert all(
        a.check("exists").detail == "not checked: verify's time budget of 0 s ran out"
        for a in report.alerts
    )


def test_run_verify_adds_the_alerts_to_the_json_and_the_exit_code(
    deployed, fake_workspace, workspace_client
):
    del fake_workspace.metric_rows[PROFILE]
    out = io.StringIO()
    code = run_verify(
        workspace_client,
        [],
        wait=False,
        timeout_s=0,
        as_json=True,
        out=out,
        alerts=lambda *_: verify_alerts(workspace_client, deployed),
    )
    document = json.loads(out.getvalue())
    assert code == 1 and document["ok"] is False
    spike = next(a for a in document["alerts"]["alerts"] if a["alert"] == SPIKE)
    assert spike["checks"]["query"]["status"] == "fail"
    assert document["alerts"]["strays"] == []


def test_verify_runs_only_the_declared_query_never_the_text_the_workspace_holds(
    deployed, fake_workspace, workspace_client
):
    """An alert's query edited in the UI can be any statement: verify reports the difference
    and runs nothing of it."""
    (listed,) = [
        a
        for a in workspace_client.alerts_v2.list_alerts()
        if "cancellation_spike" in (a.display_name or "")
    ]
    listed.query_text = f"DROP TABLE {PROFILE}"
    workspace_client.alerts_v2.update_alert(listed.id, listed, "query_text")
    report = verify_alerts(workspace_client, deployed, ["fact_booking_daily"])
    assert check(report, SPIKE, "definition").status is CheckStatus.FAIL
    query = check(report, SPIKE, "query")
    assert (query.status, query.detail) == (
        CheckStatus.SKIP,
        "not run: the deployed query is not the declared one (see definition)",
    )
    statements = [c.body for c in fake_workspace.api_calls() if c.path == "/api/2.0/sql/statements"]
    assert statements and all("DROP" not in (body or {})["statement"] for body in statements)


@pytest.mark.parametrize(
    ("status", "raw", "reason"),
    [
        (500, None, "injected INTERNAL_ERROR"),
        (403, None, "injected PERMISSION_DENIED"),
        (200, b"<html>sign in</html>", "the workspace answered with malformed JSON"),
    ],
)
def test_alerts_that_cannot_be_listed_fail_with_the_reason_below_the_monitors_report(
    deployed, fake_workspace, workspace_client, status, raw, reason
):
    if raw is None:
        fake_workspace.fail_next("GET", "/api/2.0/alerts", status=status, times=100)
    else:
        fake_workspace.answer_next("GET", "/api/2.0/alerts", raw, status=status, times=100)
    out = io.StringIO()
    code = run_verify(
        workspace_client,
        [],
        wait=False,
        timeout_s=0,
        as_json=False,
        out=out,
        alerts=lambda *_: verify_alerts(workspace_client, deployed),
    )
    assert code == 1
    text = out.getvalue()
    assert text.startswith("monitor")
    assert f"{SPIKE} / exists: not checked: could not list the workspace's alerts: {reason}\n" in (
        text
    )


# ---- malformed statement answers: each fails the query check of its alert only ---------------

ANSWER_COLUMNS = ("violations", "latest_value", "latest_window_start", "windows_read")


def statement_answer(columns, rows, **changes) -> bytes:
    """A SUCCEEDED `StatementResponse` (JSON_ARRAY, INLINE) with this schema and these rows."""
    answer = {
        "statement_id": "01ef-9999",
        "status": {"state": "SUCCEEDED"},
        "manifest": {
            "format": "JSON_ARRAY",
            "schema": {
                "column_count": len(columns),
                "columns": [{"name": n, "position": i} for i, n in enumerate(columns)],
            },
        },
        "result": {"chunk_index": 0, "row_offset": 0, "data_array": rows},
    }
    answer.update(changes)
    return json.dumps(answer).encode()


MALFORMED_ANSWERS = {
    "a schema shorter than its row": (
        statement_answer(["latest_value"], [["1", "0.3", "2026-11-27", "3"]]),
        "its schema names 1 column(s), its first row holds 4 value(s)",
    ),
    "a schema longer than its row": (
        statement_answer(ANSWER_COLUMNS, [["1", "0.3"]]),
        "its schema names 4 column(s), its first row holds 2 value(s)",
    ),
    "no row": (statement_answer(ANSWER_COLUMNS, []), "it holds no row"),
    "a row that is not a list": (
        statement_answer(ANSWER_COLUMNS, ["1,0.3,2026-11-27,3"]),
        "its rows are not lists of values",
    ),
    "a number that is not one": (
        statement_answer(ANSWER_COLUMNS, [["many", "0.3", "2026-11-27", "3"]]),
        "violations is 'many', not a number",
    ),
    "a value that is not text": (
        statement_answer(ANSWER_COLUMNS, [[1, "0.3", "2026-11-27", "3"]]),
        "a value is neither text nor null",
    ),
    "a column it must answer missing": (
        statement_answer(["violations", "latest_value", "x", "y"], [["1", "0.3", "a", "b"]]),
        "it has no column latest_window_start, windows_read",
    ),
    "no manifest": (
        statement_answer(ANSWER_COLUMNS, [["1", "0.3", "2026-11-27", "3"]], manifest=None),
        "it names no columns",
    ),
    "no result": (statement_answer(ANSWER_COLUMNS, [], result=None), "it holds no row"),
}


@pytest.mark.parametrize(("raw", "why"), MALFORMED_ANSWERS.values(), ids=MALFORMED_ANSWERS.keys())
def test_a_malformed_statement_answer_fails_only_that_alerts_query_check(
    deployed, fake_workspace, workspace_client, raw, why
):
    fake_workspace.answer_next("POST", "/api/2.0/sql/statements", raw)
    report = verify_alerts(workspace_client, deployed, ["dim_host"])
    (alert,) = report.alerts
    assert [c.name for c in alert.checks] == ["exists", "definition", "query", "fires"]
    query = alert.check("query")
    assert (query.status, query.detail) == (
        CheckStatus.FAIL,
        f"ran on warehouse {WAREHOUSE}, but its answer cannot be read: {why}",
    )
    assert alert.check("fires").status is CheckStatus.SKIP


def test_a_malformed_answer_still_renders_every_table_with_the_reason(
    deployed, fake_workspace, workspace_client
):
    raw, why = MALFORMED_ANSWERS["a schema shorter than its row"]
    fake_workspace.answer_next("POST", "/api/2.0/sql/statements", raw)
    out = io.StringIO()
    code = run_verify(
        workspace_client,
        [],
        wait=False,
        timeout_s=0,
        as_json=False,
        out=out,
        alerts=lambda *_: verify_alerts(workspace_client, deployed),
    )
    assert code == 1
    text = out.getvalue()
    assert "dim_host.missing_host_emails                    ok      ok          FAIL   -" in text
    assert (
        f"dim_host.missing_host_emails / query: ran on warehouse {WAREHOUSE}, but its answer "
        f"cannot be read: {why}\n"
    ) in text
    assert text.endswith("3 of 4 alerts pass.\n")


def test_a_statement_answer_the_sdk_cannot_read_names_no_python_error(
    deployed, fake_workspace, workspace_client
):
    raw = statement_answer(
        ANSWER_COLUMNS, [], manifest={"schema": {"columns": "violations"}}
    )  # databricks-sdk reads each character as a column: AttributeError
    fake_workspace.answer_next("POST", "/api/2.0/sql/statements", raw)
    report = verify_alerts(workspace_client, deployed, ["dim_host"])
    query = check(report, "dim_host.missing_host_emails", "query")
    assert query.status is CheckStatus.FAIL
    assert query.detail == (
        "could not run it: the workspace's answer is not in the shape databricks-sdk reads "
        "(a field holds another type than the API documents)"
    )


def test_a_listed_alert_whose_name_is_not_text_is_passed_over(
    deployed, fake_workspace, workspace_client
):
    listed = workspace_client.api_client.do("GET", "/api/2.0/alerts")
    listed["alerts"].append({"id": "odd", "display_name": 5, "lifecycle_state": "ACTIVE"})
    fake_workspace.answer_next("GET", "/api/2.0/alerts", json.dumps(listed).encode())
    report = verify_alerts(workspace_client, deployed)
    assert report.ok and report.strays == ()


def test_a_deployed_alert_in_another_shape_fails_its_definition_check_only(
    deployed, fake_workspace, workspace_client
):
    (listed,) = [
        a
        for a in workspace_client.alerts_v2.list_alerts()
        if "cancellation_spike" in (a.display_name or "")
    ]
    answer = workspace_client.api_client.do("GET", f"/api/2.0/alerts/{listed.id}")
    answer["evaluation"]["notification"]["subscriptions"] = [
        {"user_email": 7},
        {"user_email": "a@x"},
    ]
    fake_workspace.answer_next("GET", f"/api/2.0/alerts/{listed.id}", json.dumps(answer).encode())
    report = verify_alerts(workspace_client, deployed, ["fact_booking_daily"])
    definition = check(report, SPIKE, "definition")
    assert (definition.status, definition.detail) == (
        CheckStatus.FAIL,
        "differs from the declaration in evaluation.notification.subscriptions: run `pulumi "
        "up` (it also undoes an edit made in the UI)",
    )
    assert check(report, SPIKE, "query").status is CheckStatus.PASS


# ---- the columns an alert reads exist in its real metric table ---------------------------------


@pytest.mark.parametrize("column", ["cancellation_rate", "log_type", "granularity", "slice_key"])
def test_a_column_the_query_reads_missing_from_its_metric_table_fails_that_alert_naming_both(
    deployed, fake_workspace, workspace_client, column
):
    fake_workspace.drop_column(PROFILE, column)
    report = verify_alerts(workspace_client, deployed, ["fact_booking_daily"])
    query = check(report, SPIKE, "query")
    assert (query.status, query.detail) == (
        CheckStatus.FAIL,
        f"not run: it reads column(s) {column}, which {PROFILE} does not have",
    )
    assert check(report, SPIKE, "fires").status is CheckStatus.SKIP
    assert check(report, "fact_booking_daily.bookings_volume_drop", "query").status is (
        CheckStatus.PASS
    )
    statements = [c.body for c in fake_workspace.api_calls() if c.path == "/api/2.0/sql/statements"]
    assert len(statements) == 1  # the other alert's only


def test_an_alert_on_a_builtin_metric_the_table_lacks_fails_naming_it(
    fake_workspace, workspace_client
):
    declarations = copy.deepcopy(shipped_declarations())
    declarations["dim_host"]["alerts"].append(
        {
            "name": "emails_missing",
            "metric": "percent_null",
            "column": "email",
            "op": ">",
            "threshold": 0.1,
            "severity": "warning",
        }
    )
    project = make_project(declarations, "dev", alerting("dev"))
    deploy(fake_workspace, workspace_client, project)
    fake_workspace.drop_column(HOSTS, "percent_null")
    report = verify_alerts(workspace_client, project, ["dim_host"])
    query = check(report, "dim_host.emails_missing", "query")
    assert query.detail == f"not run: it reads column(s) percent_null, which {HOSTS} does not have"
    assert check(report, "dim_host.missing_host_emails", "query").status is CheckStatus.PASS


def test_a_metric_table_that_does_not_exist_fails_the_alert_saying_so(
    deployed, fake_workspace, workspace_client
):
    del fake_workspace.tables[HOSTS]
    report = verify_alerts(workspace_client, deployed, ["dim_host"])
    query = check(report, "dim_host.missing_host_emails", "query")
    assert (query.status, query.detail) == (
        CheckStatus.FAIL,
        f"not run: its metric table {HOSTS} does not exist (has the monitor finished its first "
        "refresh?)",
    )


def test_a_metric_table_that_cannot_be_read_leaves_the_verdict_to_the_warehouse(
    deployed, fake_workspace, workspace_client
):
    fake_workspace.fail_next(
        "GET", f"/api/2.1/unity-catalog/tables/{HOSTS}", status=403, message="no USE SCHEMA"
    )
    report = verify_alerts(workspace_client, deployed, ["dim_host"])
    assert check(report, "dim_host.missing_host_emails", "query").status is CheckStatus.PASS


def test_each_metric_table_is_read_once_per_run(deployed, fake_workspace, workspace_client):
    verify_alerts(workspace_client, deployed, ["fact_booking_daily"])
    reads = [c.path for c in fake_workspace.api_calls() if c.path.endswith("_metrics")]
    assert sorted(reads) == [f"/api/2.1/unity-catalog/tables/{t}" for t in (DRIFT, PROFILE)]
