"""The change table (tests/change_table.py) as the engine plays it, on both backends.

Each row settles a stack with the deployed side, deploys the edited side, and checks the step the
engine model takes for every monitor, and that a replace's preview warning gives its reasons.
The same rows run on the `legacy` backend (`databricks.QualityMonitor`) and on the
`data_quality` backend (`databricks.DataQualityMonitor`): one replace rule decides for both.
Every row that replaces is also played in prod, where the replace needs a reset on both backends.
"""

from __future__ import annotations

import pytest

from tests.change_table import EVERY, ROW_IDS, ROWS, TABLES, Row
from tests.helpers.program import deployed, stack_config

BACKENDS = ("legacy", "data_quality")
RESET = "2026-12-01T09:00:00Z-prod"
# The edits that replace (a reset token is itself the way to ask, so it is not among them).
REPLACING = [
    row
    for row in ROWS
    if row.outcome == "replace" and not row.reasons[0].startswith("reset requested")
]


def backend(api: str) -> dict[str, str]:
    """The stack settings that choose `api` (none for the default, legacy)."""
    return {} if api == "legacy" else {"api": api}


@pytest.mark.parametrize("api", BACKENDS)
@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_each_edit_does_what_the_change_table_says(row: Row, api: str):
    before, after = row.sides()
    stack = deployed(
        before.declarations,
        stack=row.stack,
        config=stack_config(row.stack, **before.settings, **backend(api)),
    )
    result = stack.up(after.declarations, stack_config(row.stack, **after.settings, **backend(api)))
    assert result.ok, result.errors
    outcomes = {table: stack.op(result, table) for table in before.declarations}
    assert outcomes == {table: row.expected(table) for table in before.declarations}
    for reason in row.reasons:
        assert any(reason in warning for warning in result.program.warnings), reason


def _prod_settings(side_settings: dict) -> dict:
    """A row's settings moved to prod: paths and schedules of prod are prod's own."""
    return {k: v for k, v in side_settings.items() if k != "resets"}


@pytest.mark.parametrize("api", BACKENDS)
@pytest.mark.parametrize("row", REPLACING, ids=[row.name for row in REPLACING])
def test_each_replace_of_the_change_table_needs_a_reset_in_prod(row: Row, api: str):
    before, after = row.sides()
    concerned = list(TABLES) if row.table == EVERY else [row.table]
    stack = deployed(
        before.declarations,
        stack="prod",
        config=stack_config("prod", **_prod_settings(before.settings), **backend(api)),
    )
    unasked = stack.preview(
        after.declarations,
        stack_config("prod", **_prod_settings(after.settings), **backend(api)),
    )
    refused = {t for t in TABLES if any(stack.urn(t) + '"' in e for e in unasked.errors)}
    assert refused == set(concerned)
    resets = {table: RESET for table in concerned}
    result = stack.up(
        after.declarations,
        stack_config("prod", **_prod_settings(after.settings), resets=resets, **backend(api)),
    )
    assert result.ok, result.errors
    assert {t: stack.op(result, t) for t in TABLES} == {
        t: "replace" if t in concerned else "same" for t in TABLES
    }
