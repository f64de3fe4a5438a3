"""What users run besides an ordinary edit, under the real engine and provider: a refreshing
preview, production's protection, a reset, `pulumi up --replace`, alerts, and a failed `up`."""

from __future__ import annotations

import json
from typing import Any

import pytest

from monitors.naming import alert_urn, monitor_urn
from tests.helpers.real_engine import TABLES, Project, full_name

WAREHOUSE = "0123456789abcdef"
ALERTING: dict[str, Any] = {
    "warehouse_id": WAREHOUSE,
    "schedule": {"quartz_cron_expression": "0 30 6 * * ?", "timezone_id": "UTC"},
    "notify": {"emails": ["data-quality@wanderbricks.example"]},
}
TABLE = "fact_booking_daily"


def settled(project: Project, stack: str, **settings: Any) -> int:
    """The stack deployed and settled (two runs: the second gives each monitor its trigger);
    returns the mark of the workspace log after it."""
    project.init_stack(stack, **settings)
    project.up(stack)
    project.up(stack)
    return project.mark()


def alert_steps(run_stdout: str) -> dict[str, str]:
    return {
        s["urn"].rsplit("::", 1)[1]: s["op"]
        for s in json.loads(run_stdout).get("steps", [])
        if "AlertV2" in s["urn"]
    }


@pytest.mark.parametrize("api", ["legacy", "data_quality"])
@pytest.mark.parametrize("alerts", [False, True], ids=["no-alerts", "alerts"])
def test_a_refreshing_preview_after_up_expects_no_changes(
    project: Project, api: str, alerts: bool
) -> None:
    project.workspace.add_warehouse(WAREHOUSE)
    settings: dict[str, Any] = {} if api == "legacy" else {"api": api}
    if alerts:
        settings["alerts"] = ALERTING
    settled(project, "dev", **settings)
    run = project.preview("dev", "--refresh", "--expect-no-changes")
    assert "to update" not in run.stdout and "to replace" not in run.stdout, run.stdout


def test_prod_refuses_a_replacing_change_and_nothing_reaches_the_workspace(
    project: Project,
) -> None:
    since = settled(project, "prod")
    declaration = project.declaration(TABLE)
    metric = next(m for m in declaration["custom_metrics"] if m["name"] == "total_bookings")
    metric["output_data_type"] = "double"
    project.declare(TABLE, declaration)
    preview = project.preview("prod", ok=False)
    assert TABLE in preview.output and "output_data_type changed from long to double" in (
        preview.output
    )
    up = project.pulumi("up", "--stack", "prod", "--yes", ok=False)
    assert monitor_urn("prod", TABLE) in up.output
    assert project.writes(since) == []


def test_a_reset_recreates_a_corrupted_prod_monitor_and_only_it(project: Project) -> None:
    since = settled(project, "prod")
    project.monitors("reset", "--stack", "prod", "--table", TABLE, "--yes")
    assert project.outcomes(since) == {TABLE: "replace"}
    after = project.mark()
    project.preview("prod", "--expect-no-changes")
    project.up("prod")
    assert project.outcomes(after) == {}


def test_the_documented_prod_replace_recreates_one_monitor(project: Project) -> None:
    since = settled(project, "prod")
    urn = monitor_urn("prod", TABLE)
    project.pulumi("state", "unprotect", "--stack", "prod", "--yes", urn)
    project.pulumi("up", "--stack", "prod", "--yes", "--skip-preview", "--replace", urn)
    assert project.outcomes(since) == {TABLE: "replace"}
    protected = {r["urn"]: r.get("protect", False) for r in project.resources("prod")}
    assert protected[urn] is True
    after = project.mark()
    project.up("prod")
    assert project.outcomes(after) == {}


def test_up_replace_in_dev_deletes_then_creates_that_monitor(project: Project) -> None:
    since = settled(project, "dev")
    project.up("dev", "--replace", monitor_urn("dev", TABLE))
    assert project.outcomes(since) == {TABLE: "replace"}


def test_alerts_are_created_edited_in_place_and_removed(project: Project) -> None:
    project.workspace.add_warehouse(WAREHOUSE)
    settled(project, "dev", alerts=ALERTING)
    alive = [a for a in project.workspace.alerts.values() if a.get("lifecycle_state") != "TRASHED"]
    assert len(alive) == 4
    declaration = project.declaration(TABLE)
    declaration["alerts"][0]["threshold"] = 0.5
    project.declare(TABLE, declaration)
    name = declaration["alerts"][0]["name"]
    preview = project.pulumi("preview", "--stack", "dev", "--json")
    assert alert_steps(preview.stdout) == {
        alert_urn("dev", TABLE, name).rsplit("::", 1)[1]: "update"
    }
    since = project.mark()
    project.up("dev")
    assert [m for m, p in project.writes(since) if p.startswith("/api/2.0/alerts")] == ["PATCH"]
    declaration.pop("alerts")
    project.declare(TABLE, declaration)
    since = project.mark()
    project.up("dev")
    removed = [m for m, p in project.writes(since) if p.startswith("/api/2.0/alerts")]
    assert removed == ["DELETE", "DELETE"]


def test_an_up_that_fails_half_way_converges_on_the_next_run(project: Project) -> None:
    project.init_stack("dev")
    failing = f"/api/2.1/unity-catalog/tables/{full_name('dev', TABLE)}/monitor"
    project.workspace.fail_next("POST", failing, status=400, message="injected failure")
    run = project.up("dev", ok=False)
    assert "injected failure" in run.output
    created = {c.path for c in project.workspace.calls if c.method == "POST" and c.status == 200}
    assert len(created) == len(TABLES) - 1 and failing not in created
    since = project.mark()
    project.up("dev")
    assert project.outcomes(since) == {TABLE: "create"}
    project.up("dev")
    project.preview("dev", "--expect-no-changes")
