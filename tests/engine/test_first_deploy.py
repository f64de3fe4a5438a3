"""The first `pulumi up` of a stack, and the runs after it, under the real engine and provider."""

from __future__ import annotations

from tests.helpers.real_engine import TABLES, Project, full_name

MONITOR_PATH = "/api/2.1/unity-catalog/tables/{}/monitor"


def test_the_first_up_creates_every_enabled_monitor(project: Project) -> None:
    project.init_stack("dev")
    project.up("dev")
    assert sorted(project.writes()) == sorted(
        ("POST", MONITOR_PATH.format(full_name("dev", t))) for t in TABLES
    )


def test_the_workspace_holds_exactly_the_payloads_plan_prints(project: Project) -> None:
    project.init_stack("dev")
    planned = project.plan("dev")["monitors"]
    project.up("dev")
    sent = {c.path: c.body for c in project.workspace.calls if c.method == "POST"}
    for table, monitor in planned.items():
        assert sent[MONITOR_PATH.format(monitor["table_name"])] == monitor["request"], table


def test_a_second_preview_shows_no_changes(project: Project) -> None:
    project.init_stack("dev")
    project.up("dev")
    since = project.mark()
    run = project.preview("dev", "--expect-no-changes")
    assert "6 unchanged" in run.stdout
    assert project.writes(since) == []
