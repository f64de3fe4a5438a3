"""The alert change table (tests/alert_change_table.py) as the engine plays it.

Each row settles a stack with the deployed side, deploys the edited side, and checks the
engine's step for every alert and monitor: only the alerts a row names change, and only the
monitor it names.
"""

from __future__ import annotations

import pytest

from tests.alert_change_table import ALERT_ROW_IDS, ALERT_ROWS, ENGINE_OPS, AlertRow
from tests.change_table import TABLE
from tests.helpers.program import deployed, stack_config


@pytest.mark.parametrize("row", ALERT_ROWS, ids=ALERT_ROW_IDS)
def test_each_alert_edit_does_what_the_alert_change_table_says(row: AlertRow):
    before, after = row.sides()
    stack = deployed(
        before.declarations, stack=row.stack, config=stack_config(row.stack, **before.settings)
    )
    result = stack.up(after.declarations, stack_config(row.stack, **after.settings))
    assert result.ok, result.errors
    expected = {stack.alert_urn(k): ENGINE_OPS[o] for k, o in row.alerts.items()}
    if row.monitor != "same":
        expected[stack.urn(TABLE)] = row.monitor
    assert result.changed == expected
