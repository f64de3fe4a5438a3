"""Templates under the real engine and provider: a deployed table moved from its own file into a
template (a list or a pattern the provider's `get_tables` resolves against the workspace), or
back, is no change at all; a pattern table dropped from the workspace is a delete the preview
names."""

from __future__ import annotations

import copy

from tests.helpers.real_engine import TABLES, Project, full_name
from tests.templates import as_templates

LISTING = "/api/2.1/unity-catalog/tables"


def test_moving_deployed_tables_into_templates_and_back_is_no_change(project: Project) -> None:
    project.init_stack("dev")
    project.up("dev")
    own = {table: project.declaration(table) for table in TABLES}
    project.write_declarations(as_templates(own))
    since = project.mark()
    moved = project.preview("dev", "--expect-no-changes")
    assert "6 unchanged" in moved.stdout
    # The pattern was resolved through the provider's listing of the gold schema.
    assert any(c.method == "GET" and c.path == LISTING for c in project.workspace.calls[since:])
    project.up("dev")
    assert project.writes(since) == []
    project.write_declarations(own)
    back = project.preview("dev", "--expect-no-changes")
    assert "6 unchanged" in back.stdout


def test_a_pattern_table_dropped_from_the_workspace_is_a_delete_the_preview_names(
    project: Project,
) -> None:
    project.init_stack("dev")
    facts = copy.deepcopy(project.declaration("fact_booking_daily"))
    project.write_declarations({"facts": {"tables": {"like": "fact%"}, **facts}})
    project.up("dev")
    del project.workspace.tables[full_name("dev", "fact_property_engagement")]
    preview = project.preview("dev")
    assert "fact_property_engagement" in preview.stdout and "1 to delete" in preview.stdout
    assert "is no longer in the workspace (dropped or renamed?)" in preview.output
    assert "history is lost" in preview.output
