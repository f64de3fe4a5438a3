"""The change table, once: every kind of edit and what it does to the monitors.

One row per edit: how to make it (on the declarations and stack settings of one side), which
monitor it concerns, whether that monitor is updated in place, replaced or left alone (every
other monitor is left alone), and for a replace the exact reasons. The same rows drive the
program tests (tests/program/test_change_table.py: the engine's step for each monitor) and the
change report tests (tests/change_report/test_change_table.py: the report's outcome, reasons and
fields), so the README's table is pinned in one place.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.helpers.declarations import shipped_declarations

TABLE = "fact_booking_daily"
SNAPSHOT_TABLE = "dim_host"
TABLES = ("dim_host", "dim_property", "dim_user", "fact_booking_daily", "fact_property_engagement")
EVERY = "*"  # a row whose edit concerns every monitor of the stack
NEW_AGGREGATE = {
    "name": "max_guests_in_a_day",
    "type": "aggregate",
    "input_columns": [":table"],
    "definition": "MAX(total_guests)",
    "output_data_type": "long",
}


@dataclass
class Side:
    """One side of a change: raw declaration data by table, and stack settings to override."""

    declarations: dict[str, dict[str, Any]]
    settings: dict[str, Any] = field(default_factory=dict)

    def metrics(self, table: str = TABLE) -> list[dict[str, Any]]:
        return self.declarations[table]["custom_metrics"]  # type: ignore[no-any-return]

    def metric(self, name: str, table: str = TABLE) -> dict[str, Any]:
        return next(m for m in self.metrics(table) if m["name"] == name)


def shipped() -> Side:
    """The shipped declarations, as raw YAML data to edit, without their alerts: these rows are
    monitor edits, and removing a metric an alert watches is refused until the alert follows it
    (alert edits have their own table, tests/alert_change_table.py)."""
    return Side(shipped_declarations(alerts=False))


@dataclass(frozen=True)
class Row:
    """One edit and its expected outcome (`update`, `replace` or `same`) for `table`."""

    name: str
    change: Callable[[Side], None]
    outcome: str
    table: str = TABLE
    stack: str = "dev"
    setup: Callable[[Side], None] | None = None  # applied to both sides before the change
    # A replace's reasons for `table` (for TABLE when the row concerns every monitor), as the
    # preview and the change report give them.
    reasons: tuple[str, ...] = ()
    report: dict[str, Any] = field(default_factory=dict)  # fields of the report's monitor entry
    stack_changes: tuple[str, ...] = ()  # stack settings the report lists as changed

    def sides(self) -> tuple[Side, Side]:
        """The deployed side and the edited side."""
        before = shipped()
        if self.setup is not None:
            self.setup(before)
        after = copy.deepcopy(before)
        self.change(after)
        return before, after

    def expected(self, table: str) -> str:
        """The outcome for one monitor of the stack."""
        return self.outcome if self.table in (EVERY, table) else "same"


def _set(table: str, key: str, value: Any) -> Callable[[Side], None]:
    return lambda side: side.declarations[table].__setitem__(key, value)


def _setting(**values: Any) -> Callable[[Side], None]:
    return lambda side: side.settings.update(values)


def _append_metric(side: Side) -> None:
    side.metrics().append(dict(NEW_AGGREGATE))


def _insert_metric(side: Side) -> None:
    side.metrics().insert(3, dict(NEW_AGGREGATE))


def _remove(name: str) -> Callable[[Side], None]:
    return lambda side: side.metrics().remove(side.metric(name))


def _edit_metric(name: str, **fields: Any) -> Callable[[Side], None]:
    return lambda side: side.metric(name).update(fields)


def _granularities(side: Side) -> None:
    side.declarations[TABLE]["time_series"]["granularities"] = ["1 day", "1 week", "1 month"]


def _reverse_metrics(side: Side) -> None:
    side.declarations[TABLE]["custom_metrics"] = list(reversed(side.metrics()))


def _rename(side: Side) -> None:
    side.metric("total_guests")["name"] = "guest_count"
    side.metric("guests_per_booking")["definition"] = "guest_count / NULLIF(total_bookings, 0)"


def _to_time_series(side: Side) -> None:
    data = side.declarations[SNAPSHOT_TABLE]
    data.pop("snapshot")
    data["time_series"] = {"timestamp_col": "joined_at", "granularities": ["1 day"]}


RESET = "2026-11-26T10:00:00Z-a1"
ROWS: tuple[Row, ...] = (
    Row(
        "adding a metric at the end updates in place",
        _append_metric,
        "update",
        report={
            "metrics": {"added": ["max_guests_in_a_day"], "removed": [], "changed": []},
            "changed_fields": ["custom_metrics"],
        },
    ),
    Row(
        "adding a metric in the middle updates in place",
        _insert_metric,
        "update",
        report={"metrics": {"added": ["max_guests_in_a_day"], "removed": [], "changed": []}},
    ),
    Row(
        "removing a metric from the middle updates in place",
        _remove("guests_per_booking"),
        "update",
        report={"metrics": {"added": [], "removed": ["guests_per_booking"], "changed": []}},
    ),
    Row(
        "removing the first metric updates in place",
        _remove("booking_volume_drift"),
        "update",
        report={"metrics": {"added": [], "removed": ["booking_volume_drift"], "changed": []}},
    ),
    Row(
        "changing a definition updates in place",
        _edit_metric(
            "cancellation_rate",
            definition="total_cancellations / NULLIF(total_confirmed_bookings, 0)",
        ),
        "update",
        report={
            "metrics": {
                "added": [],
                "removed": [],
                "changed": [
                    {
                        "name": "cancellation_rate",
                        "changes": [
                            {
                                "field": "definition",
                                "before": "total_cancellations / NULLIF(total_bookings, 0)",
                                "after": "total_cancellations / "
                                "NULLIF(total_confirmed_bookings, 0)",
                            }
                        ],
                    }
                ],
            }
        },
    ),
    Row(
        "changing slicing updates in place",
        _set(TABLE, "slicing_exprs", ["destination_id", "property_id"]),
        "update",
        report={
            "changes": [
                {
                    "field": "slicing_exprs",
                    "before": ["destination_id"],
                    "after": ["destination_id", "property_id"],
                }
            ]
        },
    ),
    Row(
        "changing granularities updates in place",
        _granularities,
        "update",
        report={
            "changes": [
                {
                    "field": "time_series.granularities",
                    "before": ["1 day", "1 week"],
                    "after": ["1 day", "1 week", "1 month"],
                }
            ]
        },
    ),
    Row(
        "changing a monitor's schedule updates in place",
        _set(TABLE, "schedule", {"quartz_cron_expression": "0 30 5 * * ?", "timezone_id": "UTC"}),
        "update",
        stack="prod",
        report={
            "changes": [
                {
                    "field": "schedule.quartz_cron_expression",
                    "before": "0 0 6 * * ?",
                    "after": "0 30 5 * * ?",
                }
            ]
        },
    ),
    Row(
        "changing the stack schedule updates every monitor in place",
        _setting(schedule={"quartz_cron_expression": "0 0 7 * * ?", "timezone_id": "Europe/Paris"}),
        "update",
        table=EVERY,
        stack="prod",
        stack_changes=("schedule.quartz_cron_expression", "schedule.timezone_id"),
    ),
    Row(
        "pausing the stack updates every monitor in place",
        _setting(paused=True),
        "update",
        table=EVERY,
        stack="prod",
        stack_changes=("paused",),
    ),
    Row(
        "un-pausing the stack restores the schedules in place",
        _setting(paused=False),
        "update",
        table=EVERY,
        stack="prod",
        setup=_setting(paused=True),
        stack_changes=("paused",),
    ),
    Row(
        "changing notifications updates in place",
        _set(TABLE, "notifications", {"on_failure": {"email_addresses": ["bookings@x.example"]}}),
        "update",
        report={
            "changes": [
                {
                    "field": "notifications.on_failure.email_addresses",
                    "before": None,
                    "after": ["bookings@x.example"],
                }
            ]
        },
    ),
    Row(
        "changing the baseline table updates in place",
        _set(TABLE, "baseline_table_name", "fact_booking_daily_baseline_2026"),
        "update",
        setup=_set(TABLE, "baseline_table_name", "fact_booking_daily_baseline_2025"),
        report={
            "changes": [
                {
                    "field": "baseline_table_name",
                    "before": "wanderbricks_dev.wanderbricks_gold.fact_booking_daily_baseline_2025",
                    "after": "wanderbricks_dev.wanderbricks_gold.fact_booking_daily_baseline_2026",
                }
            ]
        },
    ),
    Row("reordering metrics changes nothing", _reverse_metrics, "same"),
    Row(
        "renaming a metric replaces",
        _rename,
        "replace",
        reasons=("metric 'total_guests' renamed to 'guest_count'",),
        report={
            "metrics": {
                "added": ["guest_count"],
                "removed": ["total_guests"],
                "changed": [
                    {
                        "name": "guests_per_booking",
                        "changes": [
                            {
                                "field": "definition",
                                "before": "total_guests / NULLIF(total_bookings, 0)",
                                "after": "guest_count / NULLIF(total_bookings, 0)",
                            }
                        ],
                    }
                ],
            }
        },
    ),
    Row(
        "changing a metric's input_columns replaces",
        _edit_metric(
            "avg_nights_booked",
            input_columns=["avg_nights_booked"],
            definition="AVG(CAST(`{{input_column}}` AS DOUBLE))",
        ),
        "replace",
        reasons=(
            "metric 'avg_nights_booked' input_columns changed from [':table'] "
            "to ['avg_nights_booked']",
        ),
    ),
    Row(
        "changing a metric's type replaces",
        _edit_metric("booking_volume_drift", type="aggregate", definition="STDDEV(booking_count)"),
        "replace",
        reasons=(
            "metric 'booking_volume_drift' type changed from CUSTOM_METRIC_TYPE_DRIFT "
            "to CUSTOM_METRIC_TYPE_AGGREGATE",
        ),
    ),
    Row(
        "changing a metric's output_data_type replaces",
        _edit_metric("total_bookings", output_data_type="double"),
        "replace",
        reasons=("metric 'total_bookings' output_data_type changed from long to double",),
    ),
    Row(
        "switching profile type replaces",
        _to_time_series,
        "replace",
        table=SNAPSHOT_TABLE,
        reasons=("profile type changed from snapshot to time_series",),
        report={"profile_type": "time_series"},
    ),
    Row(
        "changing assets_dir replaces every monitor",
        _setting(assetsRoot="/Workspace/Shared/monitoring_v2"),
        "replace",
        table=EVERY,
        reasons=(
            "assets_dir changed from "
            "'/Workspace/Shared/lakehouse_monitoring/dev/fact_booking_daily' "
            "to '/Workspace/Shared/monitoring_v2/fact_booking_daily' (create-only)",
        ),
    ),
    Row(
        "changing the catalog replaces every monitor",
        _setting(catalog="wanderbricks_v2"),
        "replace",
        table=EVERY,
        reasons=(
            "monitored table changed from 'wanderbricks_dev.wanderbricks_gold.fact_booking_daily' "
            "to 'wanderbricks_v2.wanderbricks_gold.fact_booking_daily' (a monitor belongs to one "
            "table)",
        ),
        stack_changes=("catalog",),
    ),
    Row(
        "changing the gold schema replaces every monitor",
        _setting(goldSchema="wanderbricks_gold_v2"),
        "replace",
        table=EVERY,
        reasons=(
            "monitored table changed from 'wanderbricks_dev.wanderbricks_gold.fact_booking_daily' "
            "to 'wanderbricks_dev.wanderbricks_gold_v2.fact_booking_daily' (a monitor belongs to "
            "one table)",
        ),
        stack_changes=("goldSchema",),
    ),
    Row(
        "changing the output schema updates every monitor in place",
        _setting(outputSchema="wanderbricks_gold_monitoring_v2"),
        "update",
        table=EVERY,
        stack_changes=("outputSchema",),
    ),
    Row(
        "changing warehouse_id replaces every monitor",
        _setting(warehouseId="0123456789abcdef"),
        "replace",
        table=EVERY,
        reasons=("warehouse_id changed from None to '0123456789abcdef' (create-only)",),
    ),
    Row(
        "changing skip_builtin_dashboard replaces",
        _set(TABLE, "skip_builtin_dashboard", True),
        "replace",
        reasons=("skip_builtin_dashboard changed from False to True (create-only)",),
    ),
    Row(
        "a new reset token replaces that monitor only",
        _setting(resets={TABLE: RESET}),
        "replace",
        reasons=(f"reset requested (token '{RESET}')",),
        report={"reset_requested": True},
    ),
    Row(
        "a reset token left in the config changes nothing on the next run",
        lambda side: None,
        "same",
        setup=_setting(resets={TABLE: RESET}),
    ),
)
ROW_IDS = [row.name for row in ROWS]
