"""The anomaly detection change table (tests/anomaly_change_table.py) as the change report
classifies it: the schema monitor's outcome and reason, and exit code 10 (approval) whenever it
is replaced or deleted, in dev and in a protected stack (where the unprotect command is given);
an update in place warns that it removes the schema alert's recipients."""

from __future__ import annotations

import pytest

from monitors.desired.anomaly_alert import UPDATE_REMOVES_RECIPIENTS
from monitors.naming import anomaly_urn
from tests.anomaly_change_table import ANOMALY_ROW_IDS, ANOMALY_ROWS, AnomalyRow


@pytest.mark.parametrize("stack", ["dev", "prod"])
@pytest.mark.parametrize("api", ["legacy", "data_quality"])
@pytest.mark.parametrize("row", ANOMALY_ROWS, ids=ANOMALY_ROW_IDS)
def test_each_anomaly_detection_edit_is_reported_as_the_table_says(
    repo, row: AnomalyRow, api: str, stack: str
):
    repo.set_config(stack, api=api, **row.before)
    repo.commit("deployed side")
    repo.set_config(stack, **row.after, **dict.fromkeys(row.unset))
    report = repo.report(stack)
    assert report.code == (10 if row.approval_required else 0), report.err
    anomaly = report.doc["anomaly_detection"]
    assert anomaly["outcome"] == row.outcome
    assert anomaly["reasons"] == row.reasons(stack)
    protected = stack == "prod" and row.approval_required
    assert anomaly["needs_unprotect"] is protected
    if protected:
        assert anomaly["unprotect_command"] == (
            f"pulumi state unprotect --stack prod '{anomaly_urn('prod')}'"
        )
    assert report.doc["approval_required"] is row.approval_required
    removes = [UPDATE_REMOVES_RECIPIENTS] if row.removes_recipients else []
    assert anomaly["warnings"] == removes
