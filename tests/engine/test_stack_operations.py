"""`python -m monitors` commands that drive the Pulumi CLI, run against the real CLI, language
host and provider: adopt, migrate both ways, export, verify, and the refresh-after-update hook."""

from __future__ import annotations

from monitors.naming import DQ_RESOURCE_TYPE, RESOURCE_TYPE
from tests.engine.test_operations import TABLE, settled
from tests.helpers.real_engine import TABLES, TOKEN, Project


def test_adopt_imports_monitors_made_outside_and_the_next_up_creates_and_deletes_nothing(
    project: Project,
) -> None:
    project.init_stack("dev")
    for monitor in project.plan("dev")["monitors"].values():
        project.workspace.add_monitor(monitor["table_name"], **monitor["request"])
        project.workspace.initialise_monitor(monitor["table_name"])
    since = project.mark()
    adopt = project.monitors("adopt", "--stack", "dev")
    assert "No monitor would be recreated." in adopt.output
    assert {r["urn"].rsplit("::", 1)[1] for r in project.resources("dev", RESOURCE_TYPE)} == set(
        TABLES
    )
    project.up("dev")
    project.up("dev")
    writes = project.outcomes(since)
    assert set(writes.values()) <= {"update"}, writes
    project.preview("dev", "--expect-no-changes")


def test_migrate_moves_a_stack_to_data_quality_and_back_without_recreating_a_monitor(
    project: Project,
) -> None:
    since = settled(project, "dev")
    project.monitors("migrate", "--stack", "dev", "--to", "data_quality", "--yes")
    assert {r["type"] for r in project.resources("dev") if "QualityMonitor" in r["type"]} == {
        DQ_RESOURCE_TYPE
    }
    # What the fake CLI must record too (tests/fakes/pulumi_cli `recorded_id`).
    assert {r["id"] for r in project.resources("dev", DQ_RESOURCE_TYPE)} == {"missing ID"}
    project.preview("dev", "--expect-no-changes")
    project.monitors("migrate", "--stack", "dev", "--to", "legacy", "--yes")
    assert {r["type"] for r in project.resources("dev") if "QualityMonitor" in r["type"]} == {
        RESOURCE_TYPE
    }
    project.preview("dev", "--expect-no-changes")
    writes = project.outcomes(since)
    assert not any(set(w.split("+")) & {"create", "delete", "replace"} for w in writes.values()), (
        writes
    )


def test_exported_declarations_deploy_with_no_change(project: Project) -> None:
    settled(project, "dev")
    project.monitors("export", "--stack", "dev", "--force")
    project.preview("dev", "--expect-no-changes")


def test_verify_passes_on_a_deployed_stack_with_credentials_from_the_stack(
    project: Project,
) -> None:
    settled(project, "dev")
    run = project.monitors("verify", "--stack", "dev")
    assert "5 of 5 monitors pass." in run.output
    assert "databricks:token (secret) from `pulumi config` (decrypted by the Pulumi CLI)" in (
        run.output
    )
    assert TOKEN not in run.output


def test_an_update_in_place_is_followed_by_a_refresh(project: Project) -> None:
    since = settled(project, "dev")
    declaration = project.declaration(TABLE)
    declaration["slicing_exprs"] = ["destination_id", "property_id"]
    project.declare(TABLE, declaration)
    project.up("dev")
    refreshes = [p for m, p in project.writes(since) if p.endswith("/monitor/refreshes")]
    assert len(refreshes) == 1 and TABLE in refreshes[0]
