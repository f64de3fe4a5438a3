"""The fake workspace's alert and statement endpoints answer databricks-sdk as the service does.

Each test drives the fake through the real SDK (`AlertsV2API`, `StatementExecutionAPI`), so a
shape the SDK cannot read, or a path it does not call, fails here first.
"""

from __future__ import annotations

import pytest
from databricks.sdk.errors import NotFound
from databricks.sdk.service.sql import (
    AlertV2,
    Disposition,
    Format,
    StatementState,
)

from monitors.desired.alert_sql import AlertQuery, alert_query

BODY = {
    "display_name": "[WARNING] t.a (dev)",
    "query_text": "SELECT 1",
    "warehouse_id": "wh1",
    "parent_path": "/Workspace/Shared/x/t",
    "evaluation": {
        "source": {"name": "violations"},
        "comparison_operator": "GREATER_THAN_OR_EQUAL",
        "threshold": {"value": {"double_value": 1.0}},
        "empty_result_state": "OK",
        "notification": {"notify_on_ok": True},
    },
    "schedule": {"quartz_cron_schedule": "0 0 7 * * ?", "timezone_id": "UTC"},
}


def create(client, **changes) -> AlertV2:
    return client.alerts_v2.create_alert(AlertV2.from_dict({**BODY, **changes}))


def test_a_created_alert_reads_back_with_its_fields_and_the_services_own(workspace_client):
    created = create(workspace_client)
    read = workspace_client.alerts_v2.get_alert(created.id)
    assert read.as_dict() == created.as_dict()
    assert read.lifecycle_state.value == "ACTIVE"
    assert read.evaluation.state.value == "UNKNOWN"
    assert read.schedule.pause_status.value == "UNPAUSED"  # filled in when not sent
    assert read.query_text == "SELECT 1" and read.evaluation.threshold.value.double_value == 1.0


def test_listing_follows_the_pages_and_leaves_out_trashed_alerts(fake_workspace, workspace_client):
    fake_workspace.alerts_page_size = 2
    ids = [create(workspace_client, display_name=f"[INFO] t.a{i} (dev)").id for i in range(5)]
    workspace_client.alerts_v2.trash_alert(ids[0])
    listed = [a.id for a in workspace_client.alerts_v2.list_alerts()]
    assert listed == ids[1:]
    pages = [
        c for c in fake_workspace.api_calls() if c.method == "GET" and c.path == "/api/2.0/alerts"
    ]
    assert [c.query.get("page_token") for c in pages] == [None, ["2"]]


def test_an_update_changes_only_the_masked_fields_and_never_the_folder(workspace_client):
    created = create(workspace_client)
    changed = AlertV2.from_dict(
        {**BODY, "query_text": "SELECT 2", "parent_path": "/elsewhere", "warehouse_id": "wh2"}
    )
    updated = workspace_client.alerts_v2.update_alert(created.id, changed, "query_text,parent_path")
    assert (updated.query_text, updated.parent_path, updated.warehouse_id) == (
        "SELECT 2",
        "/Workspace/Shared/x/t",
        "wh1",
    )


def test_a_purged_alert_is_gone_and_reads_as_not_found(workspace_client):
    created = create(workspace_client)
    workspace_client.alerts_v2.trash_alert(created.id, purge=True)
    with pytest.raises(NotFound):
        workspace_client.alerts_v2.get_alert(created.id)


def test_a_create_without_a_required_field_is_refused(workspace_client):
    from databricks.sdk.errors import BadRequest

    with pytest.raises(BadRequest, match="'query_text' is required"):
        create(workspace_client, query_text="")


def test_an_alert_query_runs_over_seeded_rows_and_answers_in_the_sdks_shape(
    fake_workspace, workspace_client
):
    fake_workspace.add_warehouse("wh1")
    fake_workspace.add_metric_rows(
        "c.s.t_profile_metrics",
        [
            {"window_start": "2026-11-25", "column_name": ":table", "log_type": "INPUT", "m": 3},
            {"window_start": "2026-11-26", "column_name": ":table", "log_type": "INPUT", "m": None},
            {"window_start": "2026-11-27", "column_name": ":table", "log_type": "BASELINE", "m": 9},
            {"window_start": "2026-11-27", "column_name": "x", "log_type": "INPUT", "m": 9},
        ],
    )
    query = AlertQuery(
        "t.a", "m", "c.s.t_profile_metrics", None, ":table", None, None, ">", 2, 3, 1
    )
    response = workspace_client.statement_execution.execute_statement(
        alert_query(query), "wh1", format=Format.JSON_ARRAY, disposition=Disposition.INLINE
    )
    assert response.status.state is StatementState.SUCCEEDED
    assert [c.name for c in response.manifest.schema.columns] == [
        "violations",
        "latest_value",
        "latest_window_start",
        "windows_read",
    ]
    # Two windows match (the NULL one never violates), the latest has no value.
    assert response.result.data_array == [["1", None, "2026-11-26", "2"]]


def test_a_statement_on_an_unknown_warehouse_is_not_found(workspace_client):
    with pytest.raises(NotFound):
        workspace_client.statement_execution.execute_statement("SELECT 1", "nope")


def test_a_statement_the_fake_cannot_run_fails_as_a_warehouse_fails_it(
    fake_workspace, workspace_client
):
    fake_workspace.add_warehouse("wh1")
    response = workspace_client.statement_execution.execute_statement("SELECT 1", "wh1")
    assert response.status.state is StatementState.FAILED
    assert response.status.error.message == "the fake warehouse runs only alert queries"


def test_a_statement_whose_nested_comment_is_left_open_fails_as_spark_fails_it(
    fake_workspace, workspace_client
):
    """Comments nest in Spark's lexer (SqlBaseLexer.g4 BRACKETED_COMMENT): the `*/` here only
    closes the `/*` of `/products/*`, and the whole statement is an unclosed comment."""
    fake_workspace.add_warehouse("wh1")
    query = AlertQuery(
        "t.a", "m", "c.s.t_profile_metrics", None, ":table", None, None, ">", 2, 1, 1
    )
    statement = "/* slice /products/* */\n" + alert_query(query).split("\n", 2)[2]
    response = workspace_client.statement_execution.execute_statement(statement, "wh1")
    assert response.status.state is StatementState.FAILED
    assert response.status.error.message.startswith("[UNCLOSED_BRACKETED_COMMENT] ")
