"""The change table (tests/change_table.py) as the engine plays it.

Each row settles a stack with the deployed side, deploys the edited side, and checks the step the
engine model takes for every monitor, and that a replace's preview warning gives its reasons.
"""

from __future__ import annotations

import pytest

from tests.change_table import ROW_IDS, ROWS, Row
from tests.program.conftest import deployed, stack_config


@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_each_edit_does_what_the_change_table_says(row: Row):
    before, after = row.sides()
    stack = deployed(
        before.declarations, stack=row.stack, config=stack_config(row.stack, **before.settings)
    )
    result = stack.up(after.declarations, stack_config(row.stack, **after.settings))
    assert result.ok, result.errors
    outcomes = {table: stack.op(result, table) for table in before.declarations}
    assert outcomes == {table: row.expected(table) for table in before.declarations}
    for reason in row.reasons:
        assert any(reason in warning for warning in result.program.warnings), reason
