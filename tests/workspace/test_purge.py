"""reset --purge drops the metric tables and trashes the dashboard between delete and create,
and only ever the ones this monitor reported, in the stack's output schema."""

import pytest
from databricks.sdk.service.catalog import MonitorSnapshot

from monitors.workspace.purge import ReportedAssets, purge_monitor_assets
from tests.helpers.workspace_monitors import SCHEMA

SHORT = "dim_host"
TABLE = f"{SCHEMA}.{SHORT}"
TABLES = "/api/2.1/unity-catalog/tables"
PROFILE = f"{TABLE}_profile_metrics"
DRIFT = f"{TABLE}_drift_metrics"


def assets_of(monitor):
    return ReportedAssets(
        profile_metrics_table_name=monitor.profile_metrics_table_name,
        drift_metrics_table_name=monitor.drift_metrics_table_name,
        dashboard_id=monitor.dashboard_id,
    )


def purge(client, reported, table=SHORT, output_schema=SCHEMA):
    return purge_monitor_assets(client, table=table, output_schema=output_schema, reported=reported)


def deletes(fake):
    return [(c.method, c.path) for c in fake.api_calls() if c.method == "DELETE"]


def test_purge_between_delete_and_create_runs_in_that_order(
    fake_workspace, workspace_client, deploy_monitor
):
    deploy_monitor(SHORT, time_series=False, drift_metrics=("rating_drift",))
    old = workspace_client.quality_monitors.get(table_name=TABLE)
    start = len(fake_workspace.api_calls())

    workspace_client.quality_monitors.delete(table_name=TABLE)
    result = purge(workspace_client, assets_of(old))
    new = workspace_client.quality_monitors.create(
        table_name=TABLE,
        output_schema_name=SCHEMA,
        assets_dir="/Workspace/Shared/monitors",
        snapshot=MonitorSnapshot(),
    )

    writes = [
        (c.method, c.path)
        for c in fake_workspace.api_calls()[start:]
        if c.method in ("POST", "DELETE")
    ]
    assert writes == [
        ("DELETE", f"{TABLES}/{TABLE}/monitor"),
        ("DELETE", f"{TABLES}/{PROFILE}"),
        ("DELETE", f"{TABLES}/{DRIFT}"),
        ("DELETE", f"/api/2.0/lakeview/dashboards/{old.dashboard_id}"),
        ("POST", f"{TABLES}/{TABLE}/monitor"),
    ]
    assert result.complete
    assert result.done == [
        f"dropped table {PROFILE}",
        f"dropped table {DRIFT}",
        f"trashed dashboard {old.dashboard_id}",
    ]
    assert PROFILE not in fake_workspace.tables
    assert fake_workspace.dashboards[old.dashboard_id]["lifecycle_state"] == "TRASHED"
    assert new.dashboard_id != old.dashboard_id


def test_purge_is_fine_when_assets_already_gone(fake_workspace, workspace_client):
    result = purge(workspace_client, ReportedAssets(PROFILE, DRIFT, "0123456789abcdef"))
    assert result.complete
    assert result.done == [
        f"{PROFILE} already gone",
        f"{DRIFT} already gone",
        "dashboard 0123456789abcdef already gone",
    ]


def test_purge_skips_assets_it_has_no_name_for(fake_workspace, workspace_client):
    fake_workspace.add_table(PROFILE)
    result = purge(workspace_client, ReportedAssets(PROFILE, None, None))
    assert result.done == [f"dropped table {PROFILE}"]
    assert len(fake_workspace.api_calls()) == 1


def test_metric_table_names_compare_without_case(fake_workspace, workspace_client):
    fake_workspace.add_table(PROFILE)
    result = purge(workspace_client, ReportedAssets(PROFILE), output_schema=SCHEMA.upper())
    assert result.done == [f"dropped table {PROFILE}"]


VICTIM = "victimdashboard0123456789abcdef0"
HOSTILE = [
    ("profile", TABLE),  # the monitored source table itself
    ("profile", f"{TABLE}?x=_profile_metrics"),  # the example: a query in the name
    ("profile", f"{TABLE}#_profile_metrics"),  # a fragment
    ("profile", f"{TABLE}%3F_profile_metrics"),  # percent-encoding
    ("profile", f"{TABLE}/../{TABLE}_profile_metrics"),  # dot segments
    ("profile", f"`{SCHEMA}`.`{SHORT}_profile_metrics`"),  # backticks
    ("profile", f"{SCHEMA}.{SHORT} _profile_metrics"),  # a space
    ("profile", f"{SCHEMA}.extra.{SHORT}_profile_metrics"),  # four parts
    ("profile", f"{SCHEMA}.d\u0456m_host_profile_metrics"),  # Cyrillic i: unicode lookalike
    ("profile", f"{PROFILE}\n"),  # trailing newline
    ("profile", f"main.other_schema.{SHORT}_profile_metrics"),  # another schema
    ("profile", f"other.wanderbricks_gold.{SHORT}_profile_metrics"),  # another catalog
    ("profile", f"{SCHEMA}.dim_user_profile_metrics"),  # another monitor's table
    ("profile", DRIFT),  # the drift table in the profile slot
    ("drift", f"{SCHEMA}.fact_booking_daily"),  # a source table in the drift slot
    ("drift", f"{SCHEMA}.{SHORT}_profile_metrics_drift_metrics"),  # suffix games
    ("dashboard", f"../{VICTIM}"),  # climbs to another dashboard
    ("dashboard", f"x/../{VICTIM}"),
    ("dashboard", "../../2.1/unity-catalog/tables/main.wanderbricks_gold.dim_host"),
    ("dashboard", f"{VICTIM}?x=1"),
    ("dashboard", "a%2Fb"),
    ("dashboard", "a.b"),
]


@pytest.mark.parametrize(("slot", "name"), HOSTILE)
def test_purge_refuses_any_name_but_the_monitors_own_metric_tables_and_touches_nothing(
    fake_workspace, workspace_client, slot, name
):
    for table in (TABLE, PROFILE, DRIFT, f"{SCHEMA}.fact_booking_daily"):
        fake_workspace.add_table(table)
    fake_workspace.add_dashboard(VICTIM)
    reported = {
        "profile": ReportedAssets(name, DRIFT, "0123456789abcdef"),
        "drift": ReportedAssets(PROFILE, name, "0123456789abcdef"),
        "dashboard": ReportedAssets(PROFILE, DRIFT, name),
    }[slot]
    result = purge(workspace_client, reported)
    assert not result.complete
    assert result.done == []
    assert len(result.refused) == 1 and "refusing" in result.refused[0]
    assert fake_workspace.api_calls() == []
    assert {TABLE, PROFILE, DRIFT} <= set(fake_workspace.tables)
    assert fake_workspace.dashboards[VICTIM]["lifecycle_state"] == "ACTIVE"


def test_a_refused_name_is_quoted_in_the_summary(workspace_client):
    result = purge(workspace_client, ReportedAssets(f"{TABLE}?x=_profile_metrics"))
    assert result.summary().startswith("refused (nothing was touched): refusing metric table")
    assert repr(f"{TABLE}?x=_profile_metrics") in result.summary()


def test_purge_retries_throttled_table_drop(fake_workspace, workspace_client):
    fake_workspace.add_table(PROFILE)
    fake_workspace.fail_next("DELETE", f"{TABLES}/{PROFILE}", status=429)
    result = purge(workspace_client, ReportedAssets(PROFILE))
    assert result.done == [f"dropped table {PROFILE}"]


def test_a_partial_purge_says_what_was_dropped_what_failed_and_what_was_left(
    fake_workspace, workspace_client
):
    fake_workspace.add_table(PROFILE)
    fake_workspace.add_table(DRIFT)
    dashboard = fake_workspace.add_dashboard()
    fake_workspace.fail_next("DELETE", f"{TABLES}/{DRIFT}", status=403, message="no MANAGE")
    result = purge(workspace_client, ReportedAssets(PROFILE, DRIFT, dashboard))
    assert not result.complete
    assert result.done == [f"dropped table {PROFILE}"]
    assert result.failed == f"table {DRIFT}: no MANAGE"
    assert result.not_attempted == [f"dashboard {dashboard}"]
    assert result.summary() == (
        f"done: dropped table {PROFILE}. failed: table {DRIFT}: no MANAGE. "
        f"not attempted: dashboard {dashboard}"
    )
    assert deletes(fake_workspace)[-1] == ("DELETE", f"{TABLES}/{DRIFT}")
