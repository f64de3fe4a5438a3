"""The alert change table (tests/alert_change_table.py) as the change report classifies it.

Each row commits the deployed side, writes the edited side into the working tree, and checks
every alert's outcome and changed fields, the edited monitor's outcome, and the exit code (10
when an alert or monitor is replaced or deleted).
"""

from __future__ import annotations

import pytest

from tests.alert_change_table import ALERT_ROW_IDS, ALERT_ROWS, AlertRow
from tests.change_report.test_change_table import REPORTED, write
from tests.change_table import TABLE


@pytest.mark.parametrize("row", ALERT_ROWS, ids=ALERT_ROW_IDS)
def test_each_alert_edit_is_reported_as_the_alert_change_table_says(repo, row: AlertRow):
    before, after = row.sides()
    write(repo, row.stack, before)
    repo.commit("deployed side")
    write(repo, row.stack, after)
    if "alerts" not in after.settings:
        repo.set_config(row.stack, alerts=None)
    report = repo.report(row.stack)
    assert report.code == (10 if row.approval_required else 0), report.err
    alerts = report.doc["alerts"]
    assert {k: a["outcome"] for k, a in alerts.items()} == {k: row.outcome(k) for k in alerts}
    assert set(row.alerts) <= set(alerts)
    for key, fields in row.fields.items():
        assert alerts[key]["changed_fields"] == fields, key
    assert report.outcome(TABLE) == REPORTED[row.monitor]
