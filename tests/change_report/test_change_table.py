"""The change table (tests/change_table.py) as the change report classifies it.

Each row commits the deployed side to a throw-away copy of the project, writes the edited side
into the working tree, and checks every monitor's outcome, a replace's reasons and history
warning, the fields the report shows, and the exit code (10 when approval is needed), on both
backends: the report names fields as the declarations do, whichever API the stack uses.
"""

from __future__ import annotations

import pytest

from monitors.desired.replacement import HISTORY_WARNING
from tests.change_table import ROW_IDS, ROWS, TABLE, Row, Side

REPORTED = {"update": "updated", "replace": "replaced", "same": "unchanged"}


def write(repo, stack: str, side: Side) -> None:
    for table, data in side.declarations.items():
        repo.write_declaration(table, data)
    if side.settings:
        repo.set_config(stack, **side.settings)


@pytest.mark.parametrize("api", ["legacy", "data_quality"])
@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_each_edit_is_reported_as_the_change_table_says(repo, row: Row, api: str):
    before, after = row.sides()
    if api != "legacy":
        repo.set_config(row.stack, api=api)
    write(repo, row.stack, before)
    repo.commit("deployed side")
    write(repo, row.stack, after)
    report = repo.report(row.stack)
    replaced = row.outcome == "replace"
    assert report.code == (10 if replaced else 0), report.err
    assert report.doc["approval_required"] is replaced
    assert report.outcomes() == {t: REPORTED[row.expected(t)] for t in before.declarations}
    concerned = TABLE if row.table == "*" else row.table
    monitor = report.monitor(concerned)
    assert monitor["warning"] == (HISTORY_WARNING if replaced else None)
    if row.reasons:
        assert monitor["reasons"] == list(row.reasons)
    elif not replaced:
        assert monitor["reasons"] == []
    for key, value in row.report.items():
        assert monitor[key] == value, key
    if row.stack_changes:
        assert [c["field"] for c in report.doc["stack_changes"]] == list(row.stack_changes)
