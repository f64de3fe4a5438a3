"""The anomaly detection change table (tests/anomaly_change_table.py) as the engine plays it:
the schema monitor's step, and a preview warning naming it whenever it is replaced or deleted,
or updated in place (which removes its schema alert's recipients)."""

from __future__ import annotations

import pytest

from monitors.desired.anomaly_alert import UPDATE_REMOVES_RECIPIENTS
from monitors.naming import anomaly_urn
from tests.anomaly_change_table import ANOMALY_ROW_IDS, ANOMALY_ROWS, ENGINE_OPS, AnomalyRow
from tests.helpers.program import deployed, stack_config


@pytest.mark.parametrize("api", ["legacy", "data_quality"])
@pytest.mark.parametrize("row", ANOMALY_ROWS, ids=ANOMALY_ROW_IDS)
def test_each_anomaly_detection_edit_does_what_the_table_says(declarations, row: AnomalyRow, api):
    stack = deployed(declarations, config=stack_config("dev", api=api, **row.before))
    result = stack.up(config=stack_config("dev", api=api, **row.after))
    assert result.ok, result.errors
    assert result.op(anomaly_urn("dev")) == ENGINE_OPS[row.outcome]
    warned = [w for w in result.program.warnings if w.startswith("schema anomaly detection of")]
    if row.approval_required or row.removes_recipients:
        (warning,) = warned
        assert warning.startswith(
            f"schema anomaly detection of wanderbricks_dev.wanderbricks_gold will be "
            f"{row.outcome.upper()}"
        )
        assert (UPDATE_REMOVES_RECIPIENTS in warning) is row.removes_recipients
    else:
        assert warned == []
