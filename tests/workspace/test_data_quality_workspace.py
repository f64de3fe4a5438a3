"""verify, the refresh hook and purge on the data quality backend, and the fake's data quality
endpoints, all through the real databricks-sdk against the loopback workspace."""

from __future__ import annotations

import json
from dataclasses import replace

import pulumi
import pytest
from databricks.sdk.errors import BadRequest, NotFound, ResourceAlreadyExists
from databricks.sdk.service.dataquality import (
    AnomalyDetectionConfig,
    DataProfilingConfig,
    Monitor,
    SnapshotConfig,
)

from monitors.desired.anomaly_alert import UPDATE_REMOVES_RECIPIENTS
from monitors.naming import ANOMALY_RESOURCE_NAME
from monitors.program import hooks
from monitors.workspace import dq
from monitors.workspace.check_results import CheckStatus
from monitors.workspace.expected import ExpectedMonitor
from monitors.workspace.verify.checks import verify_monitor
from monitors.workspace.verify.run import verify_monitors
from tests.fakes.provider_read_dq import BridgedDataQualityMonitors
from tests.helpers.workspace_monitors import SCHEMA
from tests.workspace.test_hooks import hook_args, purge, warnings, with_client

PASS, FAIL, WARN, SKIP = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.WARN, CheckStatus.SKIP
SHORT = "fact_booking_daily"
TABLE = f"{SCHEMA}.{SHORT}"


@pytest.fixture
def logged(monkeypatch):
    messages: list[tuple[str, str]] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda m, *a, **k: messages.append(("warn", m)))
    monkeypatch.setattr(pulumi.log, "info", lambda m, *a, **k: messages.append(("info", m)))
    return messages


@pytest.fixture
def dq_monitor(deploy_monitor):
    """A deployed monitor (one profile per table: the legacy store), expected on the new API."""

    def deploy(**kwargs) -> ExpectedMonitor:
        return replace(deploy_monitor(**kwargs), api="data_quality")

    return deploy


def marks(report):
    return {c.name: c.status for c in report.checks}


# ---------------------------------------------------------------------------- verify


def test_verify_passes_every_check_of_a_healthy_monitor_through_the_new_api(
    fake_workspace, workspace_client, dq_monitor
):
    report = verify_monitor(workspace_client, dq_monitor())
    assert set(marks(report).values()) == {PASS}
    paths = [path for _, path in fake_workspace.call_signatures()]
    table_id = fake_workspace.table_id_of(TABLE)
    assert f"/api/data-quality/v1/monitors/table/{table_id}" in paths
    assert f"/api/data-quality/v1/monitors/table/{table_id}/refreshes" in paths
    assert not any(path.endswith("/monitor") for path in paths)  # no legacy endpoint


def test_verify_reads_the_new_statuses_and_refresh_states(
    fake_workspace, workspace_client, dq_monitor
):
    expected = dq_monitor(refresh_state="FAILED")
    fake_workspace.set_monitor_status(TABLE, "MONITOR_STATUS_ERROR", failure_msg="boom")
    report = verify_monitor(workspace_client, expected)
    assert report.check("status").status is FAIL and "boom" in report.check("status").detail
    assert report.check("latest_refresh").status is FAIL


def test_verify_fails_a_pending_monitor_and_a_missing_one(
    fake_workspace, workspace_client, dq_monitor
):
    expected = dq_monitor(initialise=False)
    pending = verify_monitor(workspace_client, expected)
    assert "PENDING" in pending.check("status").detail
    del fake_workspace.monitors[TABLE]
    missing = verify_monitor(workspace_client, expected)
    assert missing.check("exists").status is FAIL


def test_verify_of_a_missing_table_fails_exists(workspace_client):
    expected = ExpectedMonitor("nope", f"{SCHEMA}.nope", (), True, True, api="data_quality")
    assert verify_monitor(workspace_client, expected).check("exists").status is FAIL


def _schema_expected(excluded: tuple[str, ...] = ()) -> ExpectedMonitor:
    return ExpectedMonitor(
        ANOMALY_RESOURCE_NAME,
        SCHEMA,
        (),
        False,
        False,
        object_type="schema",
        excluded_tables=excluded,
    )


def test_verify_checks_that_anomaly_detection_exists_and_its_exclusions(
    fake_workspace, workspace_client
):
    schema = fake_workspace.add_schema(SCHEMA)
    fake_workspace.add_table(TABLE)
    missing = verify_monitor(workspace_client, _schema_expected())
    assert marks(missing)["exists"] is FAIL and not missing.ok
    workspace_client.data_quality.create_monitor(
        Monitor(
            object_type="schema",
            object_id=schema["schema_id"],
            anomaly_detection_config=AnomalyDetectionConfig(excluded_table_full_names=[TABLE]),
        )
    )
    same = verify_monitor(workspace_client, _schema_expected((TABLE,)))
    assert marks(same)["exists"] is PASS and marks(same)["status"] is PASS and same.ok
    differs = verify_monitor(workspace_client, _schema_expected())
    assert marks(differs)["status"] is WARN and differs.ok
    assert {marks(same)[k] for k in ("dashboard", "latest_refresh")} == {SKIP}
    del fake_workspace.tables[TABLE]
    gone = verify_monitor(workspace_client, _schema_expected((TABLE,)))
    assert marks(gone)["status"] is WARN and TABLE in gone.check("status").detail


def test_wait_skips_the_schema_monitor(fake_workspace, workspace_client, dq_monitor):
    from monitors.workspace.verify.wait import wait_until_active

    fake_workspace.add_schema(SCHEMA)
    expected = [dq_monitor(), _schema_expected()]
    assert wait_until_active(workspace_client, expected, timeout_s=0) == ()
    assert len(verify_monitors(workspace_client, expected).monitors) == 2


# ---------------------------------------------------------------------------- hooks


def dq_update_args(fake_workspace, name: str = SHORT) -> object:
    table_id = fake_workspace.table_id_of(f"{SCHEMA}.{name}")
    return hook_args(
        name,
        new_outputs={
            "objectType": "table",
            "objectId": table_id,
            "dataProfilingConfig": {"monitoredTableName": f"{SCHEMA}.{name}"},
        },
    )


def test_the_refresh_hook_queues_a_refresh_through_the_new_api(
    fake_workspace, workspace_client, dq_monitor, logged
):
    dq_monitor(refresh_state=None)
    args = dq_update_args(fake_workspace)
    assert hooks.refresh_after_update(args, with_client(workspace_client)) == "1"
    table_id = fake_workspace.table_id_of(TABLE)
    post = [c for c in fake_workspace.api_calls() if c.method == "POST"][-1]
    assert post.path == f"/api/data-quality/v1/monitors/table/{table_id}/refreshes"
    assert post.body == {"object_type": "table", "object_id": table_id}
    assert logged == [("info", f"{SHORT}: queued metric refresh 1 after the update")]


def test_a_refresh_hook_failure_on_the_new_api_only_warns(
    fake_workspace, workspace_client, dq_monitor, logged
):
    dq_monitor(refresh_state=None)
    args = dq_update_args(fake_workspace)
    del fake_workspace.monitors[TABLE]
    assert hooks.refresh_after_update(args, with_client(workspace_client)) is None
    [message] = warnings(logged)
    assert message.startswith(f"{SHORT}: could not queue a metric refresh for {TABLE}")


def test_an_unsafe_object_id_is_refused_before_any_request(
    fake_workspace, workspace_client, logged
):
    args = hook_args(new_outputs={"objectType": "table", "objectId": "../../x"})
    assert hooks.refresh_after_update(args, with_client(workspace_client)) is None
    assert "refusing object id" in warnings(logged)[0]
    assert fake_workspace.api_calls() == []


def test_purge_reads_the_assets_of_a_data_quality_monitor_from_its_config(
    fake_workspace, workspace_client, dq_monitor, logged
):
    dq_monitor()
    monitor = dq.get_table_monitor(workspace_client, TABLE)
    assert monitor is not None and monitor.data_profiling_config is not None
    config = monitor.data_profiling_config
    workspace_client.data_quality.delete_monitor("table", monitor.object_id)
    args = hook_args(
        old_outputs={
            "objectType": "table",
            "dataProfilingConfig": {
                "profileMetricsTableName": config.profile_metrics_table_name,
                "driftMetricsTableName": config.drift_metrics_table_name,
                "dashboardId": config.dashboard_id,
            },
        }
    )
    result = purge(args, with_client(workspace_client))
    assert result is not None and result.complete and len(result.done) == 3
    assert config.profile_metrics_table_name not in fake_workspace.tables


# ---------------------------------------------------------------------------- the fake's API


@pytest.fixture
def table_and_schema(fake_workspace):
    table = fake_workspace.add_table(TABLE)
    return table["table_id"], fake_workspace.schemas[SCHEMA]["schema_id"]


def _snapshot(table_id: str, schema_id: str) -> Monitor:
    return Monitor(
        object_type="table",
        object_id=table_id,
        data_profiling_config=DataProfilingConfig(
            output_schema_id=schema_id, snapshot=SnapshotConfig()
        ),
    )


def test_a_table_has_one_monitor_whichever_api_created_it(
    fake_workspace, workspace_client, table_and_schema
):
    table_id, schema_id = table_and_schema
    fake_workspace.add_monitor(TABLE)
    with pytest.raises(ResourceAlreadyExists):
        workspace_client.data_quality.create_monitor(_snapshot(table_id, schema_id))
    assert workspace_client.quality_monitors.get(TABLE).table_name == TABLE


def test_an_update_needs_its_mask(fake_workspace, workspace_client, table_and_schema):
    table_id, schema_id = table_and_schema
    workspace_client.data_quality.create_monitor(_snapshot(table_id, schema_id))
    with pytest.raises(BadRequest, match="update_mask"):
        workspace_client.data_quality.update_monitor(
            "table", table_id, _snapshot(table_id, schema_id), update_mask=""
        )


def test_fields_the_api_does_not_have_are_refused(
    fake_workspace, workspace_client, table_and_schema
):
    table_id, schema_id = table_and_schema
    body = {
        "object_type": "table",
        "object_id": table_id,
        "data_profiling_config": {
            "output_schema_id": schema_id,
            "time_series": {"timestamp_col": "ts", "granularities": ["1 day"]},
        },
    }
    with pytest.raises(BadRequest, match=r"unknown field 'data_profiling_config\.time_series"):
        workspace_client.api_client.do("POST", "/api/data-quality/v1/monitors", body=body)


def test_refreshes_of_a_schema_monitor_are_refused_and_unknown_objects_are_404(
    fake_workspace, workspace_client, table_and_schema
):
    _, schema_id = table_and_schema
    workspace_client.data_quality.create_monitor(
        Monitor(
            object_type="schema",
            object_id=schema_id,
            anomaly_detection_config=AnomalyDetectionConfig(),
        )
    )
    with pytest.raises(BadRequest, match="only supported for the table"):
        dq.queue_refresh(workspace_client, "schema", schema_id)
    with pytest.raises(NotFound):
        workspace_client.data_quality.get_monitor("table", "0000-no-such-table")
    assert dq.schema_id(workspace_client, "main.no_such_schema") is None


def test_verify_expects_each_monitor_on_the_stacks_backend_and_the_schema_monitor():
    from monitors.declared.loader import read_declaration_files
    from monitors.declared.project import build_project
    from monitors.declared.settings import read_stack_config
    from monitors.workspace.expected import expected_monitors
    from tests.helpers.project import project_input

    config = {
        **read_stack_config("prod"),
        "lakehouse-monitors:api": "data_quality",
        "lakehouse-monitors:anomalyDetection": {"enabled": True, "excludedTables": ["dim_user"]},
    }
    project = build_project(project_input("prod", config, read_declaration_files()))
    every = expected_monitors(project)
    assert {e.api for e in every[:-1]} == {"data_quality"}
    assert every[-1] == ExpectedMonitor(
        ANOMALY_RESOURCE_NAME,
        "wanderbricks.wanderbricks_gold",
        (),
        False,
        False,
        object_type="schema",
        excluded_tables=("wanderbricks.wanderbricks_gold.dim_user",),
    )
    assert [e.table for e in expected_monitors(project, ["dim_user"])] == ["dim_user"]


@pytest.mark.parametrize("config", ["", 0, [], {"custom_metrics": [None]}])
def test_a_monitor_answer_in_a_shape_the_sdk_cannot_read_fails_exists_saying_so(
    fake_workspace, workspace_client, dq_monitor, config
):
    expected = dq_monitor()
    table_id = fake_workspace.tables[expected.full_table_name]["table_id"]
    path = f"/api/data-quality/v1/monitors/table/{table_id}"
    answer = dict(workspace_client.api_client.do("GET", path))
    if isinstance(config, dict):
        answer["data_profiling_config"].update(config)
    else:
        answer["data_profiling_config"] = config
    fake_workspace.answer_next("GET", path, json.dumps(answer).encode())
    exists = verify_monitor(workspace_client, expected).check("exists")
    assert exists.status is FAIL
    assert exists.detail == (
        "could not read monitor: the workspace's answer is not in the shape databricks-sdk "
        "reads (a field holds another type than the API documents)"
    )


@pytest.mark.parametrize("held", [7, "wanderbricks.wanderbricks_gold.dim_user", [None]])
def test_exclusions_the_service_answers_in_another_shape_fail_only_that_check(
    fake_workspace, workspace_client, held
):
    schema = fake_workspace.add_schema(SCHEMA)
    path = f"/api/data-quality/v1/monitors/schema/{schema['schema_id']}"
    answer = {
        "object_type": "schema",
        "object_id": schema["schema_id"],
        "anomaly_detection_config": {"excluded_table_full_names": held},
    }
    fake_workspace.answer_next("GET", path, json.dumps(answer).encode())
    report = verify_monitors(workspace_client, [_schema_expected()])
    (monitor,) = report.monitors
    assert marks(monitor)["exists"] is PASS
    status = monitor.check("status")
    assert (status.status, status.detail) == (
        FAIL,
        "could not check: the service's excluded tables are not a list of table names",
    )
    assert "anomaly" in report.render_table()


# ---------------------------------------------------------------------------- the schema alert

RECIPIENTS = {"on_unhealthy_table": {"destination_ids": ["dest-1"], "destination_user_ids": [42]}}


def schema_monitor_with_recipients(fake_workspace, excluded=()) -> str:
    """A schema monitor whose alert has recipients, as set under Manage alerts in the UI."""
    schema = fake_workspace.add_schema(SCHEMA)
    fake_workspace.schema_monitors[SCHEMA] = {
        "object_type": "schema",
        "object_id": schema["schema_id"],
        "anomaly_detection_config": {
            "excluded_table_full_names": list(excluded),
            "notification_settings": RECIPIENTS,
        },
    }
    return str(schema["schema_id"])


def test_the_providers_update_of_the_schema_monitor_removes_the_recipients_set_in_the_ui(
    fake_workspace, workspace_client
):
    schema_id = schema_monitor_with_recipients(fake_workspace)
    provider = BridgedDataQualityMonitors(workspace_client)
    prior = provider.import_("schema", schema_id)
    inputs = {
        "objectType": "schema",
        "objectId": schema_id,
        "anomalyDetectionConfig": {"excludedTableFullNames": [TABLE]},
    }
    provider.update(prior, inputs)
    held = fake_workspace.schema_monitors[SCHEMA]["anomaly_detection_config"]
    assert held == {"excluded_table_full_names": [TABLE]}


def test_a_mask_naming_only_the_exclusions_leaves_the_schema_alert(
    fake_workspace, workspace_client
):
    schema_id = schema_monitor_with_recipients(fake_workspace)
    workspace_client.data_quality.update_monitor(
        "schema",
        schema_id,
        Monitor(
            object_type="schema",
            object_id=schema_id,
            anomaly_detection_config=AnomalyDetectionConfig(excluded_table_full_names=[TABLE]),
        ),
        "anomaly_detection_config.excluded_table_full_names",
    )
    held = fake_workspace.schema_monitors[SCHEMA]["anomaly_detection_config"]
    assert held == {"excluded_table_full_names": [TABLE], "notification_settings": RECIPIENTS}


def test_verify_warns_that_the_next_update_removes_the_schema_alerts_recipients(
    fake_workspace, workspace_client
):
    schema_monitor_with_recipients(fake_workspace)
    report = verify_monitor(workspace_client, _schema_expected())
    status = report.check("status")
    assert status.status is WARN and report.ok
    assert status.detail == (
        "no table excluded; its schema alert notifies 2 recipient(s): " + UPDATE_REMOVES_RECIPIENTS
    )


def test_verify_says_the_update_it_asks_for_removes_the_recipients(
    fake_workspace, workspace_client
):
    schema_monitor_with_recipients(fake_workspace, excluded=[TABLE])
    fake_workspace.add_table(TABLE)
    status = verify_monitor(workspace_client, _schema_expected()).check("status")
    assert status.status is WARN
    assert status.detail.startswith(f"the service excludes ['{TABLE}'], the stack declares []")
    assert status.detail.endswith(
        "; its schema alert notifies 2 recipient(s): " + UPDATE_REMOVES_RECIPIENTS
    )


def test_a_schema_alert_without_recipients_is_no_warning(fake_workspace, workspace_client):
    schema_monitor_with_recipients(fake_workspace)
    config = fake_workspace.schema_monitors[SCHEMA]["anomaly_detection_config"]
    config["notification_settings"] = {"on_unhealthy_table": {"destination_ids": []}}
    status = verify_monitor(workspace_client, _schema_expected()).check("status")
    assert (status.status, status.detail) == (PASS, "no table excluded")


def test_recipients_in_another_shape_fail_only_the_status_check(fake_workspace, workspace_client):
    schema_monitor_with_recipients(fake_workspace)
    config = fake_workspace.schema_monitors[SCHEMA]["anomaly_detection_config"]
    config["notification_settings"] = {"on_unhealthy_table": {"destination_ids": "dest-1"}}
    report = verify_monitor(workspace_client, _schema_expected())
    assert marks(report)["exists"] is PASS
    assert report.check("status").detail == (
        "could not check: the schema alert's recipients are not lists"
    )
