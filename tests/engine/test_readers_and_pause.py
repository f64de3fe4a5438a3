"""Readers and pause under the real engine and provider, against the fake workspace.

Pause: the provider really removes the schedule (legacy: its PUT carries the whole config,
terraform-provider-databricks pluginfw qualitymonitor `Update`; data quality: its PATCH masks the
whole `data_profiling_config`, data_quality_monitor `update`), as an update in place, and
restores it on resume. Readers: each principal's grant reaches the output schema as a PATCH for
that principal alone (catalog/resource_grant.go), and removing one revokes only its privileges.
Dashboards: each monitor's dashboard gets one ACL listing every reader
(permissions/resource_permissions.go), one run after the monitor reported it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from monitors.naming import GRANT_RESOURCE_TYPE
from tests.change_table import NEW_AGGREGATE, TABLE
from tests.helpers.real_engine import CATALOGS, OUTPUT, TABLES, Project, full_name

SCHEDULE = {"quartz_cron_expression": "0 0 6 * * ?", "timezone_id": "UTC"}
OTHER_TEAM = "finance-auditors"  # granted outside the stack: must never be touched


def _settle(project: Project, stack: str, **settings: Any) -> int:
    project.init_stack(stack, **settings)
    project.up(stack)
    project.up(stack)
    return project.mark()


@pytest.mark.parametrize("api", ["legacy", "data_quality"])
def test_pausing_removes_the_schedules_in_place_and_resuming_restores_them(
    project: Project, api: str
) -> None:
    settings: dict[str, Any] = {"schedule": SCHEDULE}
    if api != "legacy":
        settings["api"] = api
    since = _settle(project, "dev", **settings)
    names = [full_name("dev", t) for t in TABLES]
    assert all(project.workspace.monitors[n]["schedule"]["quartz_cron_expression"] for n in names)
    project.setting("dev", "paused", True)
    project.up("dev")
    assert project.outcomes(since) == {t: "update" for t in TABLES}
    assert [n for n in names if "schedule" in project.workspace.monitors[n]] == []
    since = project.mark()
    project.pulumi("config", "rm", "--stack", "dev", "lakehouse-monitors:paused")
    project.up("dev")
    assert project.outcomes(since) == {t: "update" for t in TABLES}
    for name in names:
        schedule = project.workspace.monitors[name]["schedule"]
        assert {k: schedule[k] for k in SCHEDULE} == SCHEDULE


def test_a_readers_grants_reach_the_schema_for_that_principal_alone(project: Project) -> None:
    # No dashboards (skipped): this test is about the schema grants alone.
    for table in TABLES:
        project.declare(table, {**project.declaration(table), "skip_builtin_dashboard": True})
    schema = f"{CATALOGS['dev']}.{OUTPUT}"
    project.workspace.grants[("schema", schema)] = {OTHER_TEAM: {"SELECT"}}
    readers = {"groups": ["data-analysts"], "users": ["ana@x.example"]}
    project.init_stack("dev", readers=readers)
    project.up("dev")
    assert project.workspace.grants_on("schema", schema) == {
        "ana@x.example": ["SELECT", "USE_SCHEMA"],
        "data-analysts": ["SELECT", "USE_SCHEMA"],
        OTHER_TEAM: ["SELECT"],
    }
    urns = {r["urn"] for r in project.resources("dev", GRANT_RESOURCE_TYPE)}
    assert {u.rsplit("::", 1)[1] for u in urns} == {
        "reader-schema:data-analysts",
        "reader-schema:ana@x.example",
    }
    project.pulumi("config", "rm", "--path", "--stack", "dev", "lakehouse-monitors:readers.users")
    since = project.mark()
    project.up("dev")
    assert project.workspace.grants_on("schema", schema) == {
        "data-analysts": ["SELECT", "USE_SCHEMA"],
        OTHER_TEAM: ["SELECT"],
    }
    assert project.outcomes(since) == {}, "no monitor was touched"
    kept = {r["urn"] for r in project.resources("dev", GRANT_RESOURCE_TYPE)}
    assert kept == {u for u in urns if u.endswith("::reader-schema:data-analysts")}


@pytest.mark.parametrize("api", ["legacy", "data_quality"])
def test_readers_can_read_each_dashboard_its_monitor_reported(project: Project, api: str) -> None:
    readers: dict[str, Any] = {"groups": ["data-analysts"], "users": ["ana@x.example"]}
    settings: dict[str, Any] = {"readers": readers}
    if api != "legacy":
        settings["api"] = api
    project.init_stack("dev", **settings)
    project.up("dev")
    dashboards = [project.workspace.monitors[full_name("dev", t)]["dashboard_id"] for t in TABLES]
    assert [project.workspace.dashboard_acl(d) for d in dashboards] == [{}] * len(TABLES)
    project.up("dev")
    both = {"data-analysts": "CAN_READ", "ana@x.example": "CAN_READ"}
    assert [project.workspace.dashboard_acl(d) for d in dashboards] == [both] * len(TABLES)
    # An ordinary monitor update previews no change to what its readers hold.
    declaration = project.declaration(TABLE)
    declaration["custom_metrics"].append(dict(NEW_AGGREGATE))
    project.declare(TABLE, declaration)
    preview = project.pulumi("preview", "--stack", "dev", "--json")
    readers_steps = {
        s["urn"].rsplit("::", 1)[1]: s["op"]
        for s in json.loads(preview.stdout).get("steps", [])
        if "Grant" in s["urn"] or "Permissions" in s["urn"]
    }
    assert {op for op in readers_steps.values()} <= {"same"}, readers_steps
    project.pulumi("config", "rm", "--path", "--stack", "dev", "lakehouse-monitors:readers.users")
    project.up("dev")
    only = {"data-analysts": "CAN_READ"}
    assert [project.workspace.dashboard_acl(d) for d in dashboards] == [only] * len(TABLES)
