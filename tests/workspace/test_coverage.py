"""coverage: every table of the gold schema gets the state the workspace shows, on both monitor
APIs, with counts true of what was read; faults end in a sentence, never a traceback."""

from __future__ import annotations

import pytest

from monitors.declared.settings import StackSettings, settings_from_config
from monitors.errors import ListingError, WorkspaceUnreachableError
from monitors.workspace.client import Deadline
from monitors.workspace.coverage import TableState
from monitors.workspace.coverage_report import read_coverage
from monitors.workspace.schema_listing import TABLES_PATH

CATALOG = "main"
GOLD = "gold"
SCHEMA = f"{CATALOG}.{GOLD}"
APIS = ("legacy", "data_quality")
DECLARED = ("deployed_a", "deployed_b", "waiting", "missing")


def settings(
    api: str, output_schema: str = "gold_monitoring", anomaly: bool | None = None
) -> StackSettings:
    config: dict[str, object] = {
        "lakehouse-monitors:catalog": CATALOG,
        "lakehouse-monitors:goldSchema": GOLD,
        "lakehouse-monitors:outputSchema": output_schema,
        "lakehouse-monitors:assetsRoot": "/Workspace/Shared/monitors",
        "lakehouse-monitors:api": api,
    }
    if anomaly is not None:
        config["lakehouse-monitors:anomalyDetection"] = {"enabled": anomaly}
    return settings_from_config("dev", config, "Pulumi.dev.yaml")


def seed(fake) -> None:
    """Two declared tables monitored, one declared without a monitor, one declared and not in
    the workspace at all; one monitor made by a script; two tables nobody monitors."""
    for table in ("deployed_a", "deployed_b", "scripted"):
        fake.add_monitor(f"{SCHEMA}.{table}", output_schema_name=f"{CATALOG}.gold_monitoring")
    for table in ("waiting", "plain_1", "plain_2"):
        fake.add_table(f"{SCHEMA}.{table}")


# What `seed` gives, table by table, on either API.
SEEDED = {
    "deployed_a": TableState.DEPLOYED,
    "deployed_b": TableState.DEPLOYED,
    "waiting": TableState.NOT_DEPLOYED,
    "missing": TableState.NOT_DEPLOYED,
    "scripted": TableState.UNDECLARED,
    "plain_1": TableState.UNMONITORED,
    "plain_2": TableState.UNMONITORED,
}


def coverage(client, api: str, workers: int = 4, **kwargs):
    return read_coverage(client, settings(api, **kwargs), DECLARED, Deadline(60), workers)


def coverage_with(client, stack: StackSettings):
    return read_coverage(client, stack, DECLARED, Deadline(60), 4)


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize("workers", (1, 4))
def test_every_table_gets_the_state_the_workspace_shows(
    fake_workspace, workspace_client, api, workers
):
    seed(fake_workspace)
    report = coverage(workspace_client, api, workers)
    assert {t.table: t.state for t in report.tables} == SEEDED
    assert [t.table for t in report.tables] == sorted(SEEDED)


@pytest.mark.parametrize("api", APIS)
def test_the_counts_are_those_of_the_tables_read(fake_workspace, workspace_client, api):
    seed(fake_workspace)
    counts = coverage(workspace_client, api).document()["counts"]
    assert counts == {
        "listed": 6,
        "declared": 4,
        "deployed": 2,
        "not_deployed": 2,
        "undeclared": 1,
        "unmonitored": 2,
        "metric_table": 0,
        "unread": 0,
    }


@pytest.mark.parametrize("api", APIS)
def test_a_monitor_made_outside_the_stack_is_offered_to_export(
    fake_workspace, workspace_client, api
):
    seed(fake_workspace)
    report = coverage(workspace_client, api)
    scripted = next(t for t in report.tables if t.table == "scripted")
    assert scripted.suggestion == "monitors export --stack dev --table scripted"


@pytest.mark.parametrize("api", APIS)
def test_metric_tables_in_the_gold_schema_are_no_unmonitored_tables(
    fake_workspace, workspace_client, api
):
    fake_workspace.add_monitor(f"{SCHEMA}.deployed_a", output_schema_name=SCHEMA)
    fake_workspace.initialise_monitor(f"{SCHEMA}.deployed_a", with_drift_table=True)
    report = coverage(workspace_client, api, output_schema=GOLD)
    states = {t.table: t.state for t in report.tables}
    assert states["deployed_a_profile_metrics"] is TableState.METRIC_TABLE
    assert states["deployed_a_drift_metrics"] is TableState.METRIC_TABLE


def test_every_page_of_the_listing_is_read(fake_workspace, workspace_client):
    fake_workspace.tables_page_size = 2
    seed(fake_workspace)
    assert coverage(workspace_client, "legacy").listed == 6


# ---------------------------------------------------------------------------- the schema monitor

SCHEMA_MONITOR_CASES = [
    # (anomalyDetection.enabled or no setting, a schema monitor deployed, state, JSON deployed)
    (True, True, TableState.DEPLOYED, True),
    (True, False, TableState.NOT_DEPLOYED, False),
    (False, True, TableState.UNDECLARED, True),
    (None, True, TableState.UNDECLARED, True),
    (None, False, TableState.UNMONITORED, False),
]


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize(("anomaly", "deployed", "state", "said"), SCHEMA_MONITOR_CASES)
def test_the_schema_anomaly_detection_monitor_gets_the_state_the_workspace_shows(
    fake_workspace, workspace_client, api, anomaly, deployed, state, said
):
    seed(fake_workspace)
    if deployed:
        fake_workspace.add_schema_monitor(SCHEMA)
    stack = settings(api, anomaly=anomaly)
    report = coverage_with(workspace_client, stack)
    assert report.anomaly_detection.state is state
    assert report.document()["anomaly_detection"] == {
        "declared": bool(anomaly),
        "deployed": said,
        "state": state.value,
        "detail": report.anomaly_detection.detail,
    }
    assert (
        report.render(stack).splitlines()[1].startswith(f"schema anomaly detection: {state.words}")
    )
    assert int(report.exit_code) == 0


def test_a_declared_schema_monitor_not_deployed_says_pulumi_up_creates_it(
    fake_workspace, workspace_client
):
    seed(fake_workspace)
    stack = settings("data_quality", anomaly=True)
    text = coverage_with(workspace_client, stack).render(stack)
    assert text.splitlines()[1] == (
        "schema anomaly detection: declared but not deployed; no anomaly detection monitor on "
        "the schema yet: `pulumi up` creates it"
    )


@pytest.mark.parametrize(("anomaly", "exit_code"), [(True, 1), (None, 0)])
def test_a_schema_monitor_that_cannot_be_read_says_why_and_fails_only_when_declared(
    fake_workspace, workspace_client, anomaly, exit_code
):
    seed(fake_workspace)
    schema_id = fake_workspace.add_schema_monitor(SCHEMA)["object_id"]
    path = f"/api/data-quality/v1/monitors/schema/{schema_id}"
    fake_workspace.fail_next("GET", path, status=403)
    report = coverage_with(workspace_client, settings("legacy", anomaly=anomaly))
    assert report.anomaly_detection.state is TableState.UNREAD
    assert report.anomaly_detection.detail == "could not read it: injected PERMISSION_DENIED"
    assert report.document()["anomaly_detection"]["deployed"] is None
    assert report.complete  # the tables' counts stand
    assert int(report.exit_code) == exit_code


def test_a_declared_table_the_workspace_does_not_list_says_so(fake_workspace, workspace_client):
    seed(fake_workspace)
    missing = next(t for t in coverage(workspace_client, "legacy").tables if t.table == "missing")
    assert "does not list this table" in missing.detail


# ---------------------------------------------------------------------------- faults


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (403, "cannot list the tables of main.gold: injected PERMISSION_DENIED"),
        (500, "cannot list the tables of main.gold: injected INTERNAL_ERROR"),
        (429, "cannot list the tables of main.gold: gave up retrying after injected"),
    ],
)
def test_a_listing_answered_with_an_error_ends_in_a_sentence(
    fake_workspace, workspace_client, status, said
):
    seed(fake_workspace)
    fake_workspace.fail_next("GET", TABLES_PATH, status=status, times=1000)
    with pytest.raises(ListingError) as raised:
        coverage(workspace_client, "legacy")
    assert str(raised.value).startswith(said)


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        (b"[]", "is malformed"),
        (b'{"tables": "dim_user"}', "is malformed (tables:"),
        (b'{"tables": [{"table_id": "x"}]}', "is malformed (tables.0.name:"),
        (b"<html>gateway</html>", "malformed JSON"),
    ],
)
def test_a_malformed_listing_ends_in_a_sentence(fake_workspace, workspace_client, raw, said):
    seed(fake_workspace)
    fake_workspace.answer_next("GET", TABLES_PATH, raw)
    with pytest.raises(ListingError, match=r"main\.gold") as raised:
        coverage(workspace_client, "legacy")
    assert said in str(raised.value)


def test_a_listing_that_repeats_a_page_ends(fake_workspace, workspace_client):
    seed(fake_workspace)
    page = b'{"tables": [{"name": "plain_1"}], "next_page_token": "again"}'
    fake_workspace.answer_next("GET", TABLES_PATH, page, times=3)
    with pytest.raises(ListingError, match="repeats a page"):
        coverage(workspace_client, "legacy")


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize("status", (403, 500))
def test_a_table_that_cannot_be_read_is_counted_nowhere_else(
    fake_workspace, workspace_client, api, status
):
    seed(fake_workspace)
    if api == "legacy":
        path = f"/api/2.1/unity-catalog/tables/{SCHEMA}.scripted/monitor"
    else:
        table_id = fake_workspace.tables[f"{SCHEMA}.scripted"]["table_id"]
        path = f"/api/data-quality/v1/monitors/table/{table_id}"
    fake_workspace.fail_next("GET", path, status=status)
    report = coverage(workspace_client, api)
    scripted = next(t for t in report.tables if t.table == "scripted")
    assert scripted.state is TableState.UNREAD
    assert scripted.detail.startswith("could not read its monitor: injected")
    assert report.count(TableState.UNDECLARED) == 0
    assert not report.complete
    assert int(report.exit_code) == 1


def test_a_workspace_that_stops_answering_leaves_every_table_unread(
    fake_workspace, workspace_client
):
    seed(fake_workspace)
    from monitors.workspace import coverage_report

    listed = coverage_report.list_tables(workspace_client, CATALOG, GOLD)
    fake_workspace.stop()
    seen = coverage_report.read_monitors(
        workspace_client, settings("legacy"), listed, Deadline(60), 4
    )
    assert all(s.error.startswith("not read: the workspace stopped answering") for s in seen)


def test_a_listing_the_workspace_does_not_answer_is_unreachable(fake_workspace, workspace_client):
    fake_workspace.stop()
    with pytest.raises(WorkspaceUnreachableError, match=r"list the tables of main\.gold"):
        coverage(workspace_client, "legacy")


def test_a_spent_time_budget_reads_no_table(fake_workspace, workspace_client):
    seed(fake_workspace)
    with pytest.raises(WorkspaceUnreachableError, match="time budget of 0 s ran out"):
        read_coverage(workspace_client, settings("legacy"), DECLARED, Deadline(0), 4)
