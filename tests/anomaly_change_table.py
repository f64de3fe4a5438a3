"""The schema anomaly detection change table, once: each edit of its settings and what it does
to the schema monitor.

The same rows drive the program tests (tests/program/test_anomaly_change_table.py: the engine's
step for the schema monitor, and the preview warning) and the change report tests
(tests/change_report/test_anomaly_change_table.py: its outcome, and exit code 10 when it is
replaced or deleted), on both monitor APIs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ON = {"enabled": True}
ENGINE_OPS = {
    "created": "create",
    "updated": "update",
    "replaced": "replace",
    "deleted": "delete",
    "unchanged": "same",
}


@dataclass(frozen=True)
class AnomalyRow:
    """Stack settings before and after (None: the key absent) and the report's outcome."""

    name: str
    before: dict[str, Any]
    after: dict[str, Any]
    outcome: str
    reason: str | None = None
    unset: tuple[str, ...] = field(default=())  # settings the edited side removes

    def reasons(self, stack: str) -> list[str]:
        """The reasons the report gives in `stack` (the rows are written for dev's catalog)."""
        if self.reason is None:
            return []
        return [self.reason if stack == "dev" else self.reason.replace("_dev.", ".")]

    @property
    def approval_required(self) -> bool:
        return self.outcome in ("replaced", "deleted")

    @property
    def removes_recipients(self) -> bool:
        """An update in place: it removes the schema alert's recipients set outside Pulumi."""
        return self.outcome == "updated"


ANOMALY_ROWS: tuple[AnomalyRow, ...] = (
    AnomalyRow("turning anomaly detection on creates it", {}, {"anomalyDetection": ON}, "created"),
    AnomalyRow(
        "the same settings change nothing",
        {"anomalyDetection": ON},
        {"anomalyDetection": ON},
        "unchanged",
    ),
    AnomalyRow(
        "listing the excluded tables in another order updates it in place",
        {"anomalyDetection": {"enabled": True, "excludedTables": ["dim_user", "dim_host"]}},
        {"anomalyDetection": {"enabled": True, "excludedTables": ["dim_host", "dim_user"]}},
        "updated",
    ),
    AnomalyRow(
        "excluding a table updates it in place",
        {"anomalyDetection": ON},
        {"anomalyDetection": {"enabled": True, "excludedTables": ["dim_user"]}},
        "updated",
    ),
    AnomalyRow(
        "turning anomaly detection off deletes it",
        {"anomalyDetection": ON},
        {"anomalyDetection": {"enabled": False}},
        "deleted",
        "anomaly detection is turned off (or its setting removed)",
    ),
    AnomalyRow(
        "removing the anomalyDetection setting deletes it",
        {"anomalyDetection": ON},
        {},
        "deleted",
        "anomaly detection is turned off (or its setting removed)",
        unset=("anomalyDetection",),
    ),
    AnomalyRow(
        "another gold schema replaces it",
        {"anomalyDetection": ON},
        {"anomalyDetection": ON, "goldSchema": "wanderbricks_gold_v2"},
        "replaced",
        "the gold schema changed from wanderbricks_dev.wanderbricks_gold to "
        "wanderbricks_dev.wanderbricks_gold_v2",
    ),
    AnomalyRow(
        "another catalog replaces it",
        {"anomalyDetection": ON},
        {"anomalyDetection": ON, "catalog": "wanderbricks_v2"},
        "replaced",
        "the gold schema changed from wanderbricks_dev.wanderbricks_gold to "
        "wanderbricks_v2.wanderbricks_gold",
    ),
)
ANOMALY_ROW_IDS = [row.name for row in ANOMALY_ROWS]
