"""Every row of the change table, as the report classifies it against the last commit.

Each test edits one thing in the working tree of a copy of the project and checks the monitor's
outcome, what the report says changed or why it is replaced, the others, and the exit code.
"""

from __future__ import annotations

from monitors.desired.replacement import HISTORY_WARNING

TABLE = "fact_booking_daily"
SNAPSHOT_TABLE = "dim_host"
NEW_AGGREGATE = {
    "name": "max_guests_in_a_day",
    "type": "aggregate",
    "input_columns": [":table"],
    "definition": "MAX(total_guests)",
    "output_data_type": "long",
}


def assert_updated_only(report, table: str = TABLE) -> None:
    assert report.code == 0, report.err
    assert report.outcome(table) == "updated"
    assert report.monitor(table)["reasons"] == []
    assert report.monitor(table)["warning"] is None
    assert report.others_unchanged(table)
    assert report.doc["approval_required"] is False


def assert_replaced_only(report, reasons: list[str], table: str = TABLE) -> None:
    assert report.code == 10, report.err
    assert report.outcome(table) == "replaced"
    assert report.monitor(table)["reasons"] == reasons
    assert report.monitor(table)["warning"] == HISTORY_WARNING
    assert report.others_unchanged(table)
    assert report.doc["approval_required"] is True


def test_adding_a_metric_at_the_end_updates_in_place(repo):
    repo.edit_metrics(TABLE, [*repo.metrics(TABLE), NEW_AGGREGATE])
    report = repo.report()
    assert_updated_only(report)
    assert report.monitor(TABLE)["metrics"] == {
        "added": ["max_guests_in_a_day"],
        "removed": [],
        "changed": [],
    }
    assert report.monitor(TABLE)["changed_fields"] == ["custom_metrics"]


def test_adding_a_metric_in_the_middle_updates_in_place(repo):
    metrics = repo.metrics(TABLE)
    metrics.insert(3, NEW_AGGREGATE)
    repo.edit_metrics(TABLE, metrics)
    report = repo.report()
    assert_updated_only(report)
    assert report.monitor(TABLE)["metrics"]["added"] == ["max_guests_in_a_day"]
    assert report.monitor(TABLE)["metrics"]["changed"] == []


def test_removing_a_metric_from_the_middle_updates_in_place(repo):
    repo.edit_metrics(TABLE, [m for m in repo.metrics(TABLE) if m["name"] != "guests_per_booking"])
    report = repo.report()
    assert_updated_only(report)
    assert report.monitor(TABLE)["metrics"] == {
        "added": [],
        "removed": ["guests_per_booking"],
        "changed": [],
    }


def test_removing_the_last_metric_updates_in_place(repo):
    repo.edit_metrics(TABLE, repo.metrics(TABLE)[:-1])
    report = repo.report()
    assert_updated_only(report)
    assert report.monitor(TABLE)["metrics"]["removed"] == ["booking_volume_drift"]


def test_changing_a_definition_updates_in_place(repo):
    new = "total_cancellations / NULLIF(total_confirmed_bookings, 0)"
    repo.edit_metric(TABLE, "cancellation_rate", definition=new)
    report = repo.report()
    assert_updated_only(report)
    assert report.monitor(TABLE)["metrics"]["changed"] == [
        {
            "name": "cancellation_rate",
            "changes": [
                {
                    "field": "definition",
                    "before": "total_cancellations / NULLIF(total_bookings, 0)",
                    "after": new,
                }
            ],
        }
    ]


def test_changing_slicing_updates_in_place(repo):
    data = repo.declaration(TABLE)
    data["slicing_exprs"] = ["destination_id", "property_id"]
    repo.write_declaration(TABLE, data)
    report = repo.report()
    assert_updated_only(report)
    assert report.monitor(TABLE)["changes"] == [
        {
            "field": "slicing_exprs",
            "before": ["destination_id"],
            "after": ["destination_id", "property_id"],
        }
    ]


def test_changing_granularities_updates_in_place(repo):
    data = repo.declaration(TABLE)
    data["time_series"]["granularities"] = ["1 day", "1 week", "1 month"]
    repo.write_declaration(TABLE, data)
    report = repo.report()
    assert_updated_only(report)
    assert report.monitor(TABLE)["changes"] == [
        {
            "field": "time_series.granularities",
            "before": ["1 day", "1 week"],
            "after": ["1 day", "1 week", "1 month"],
        }
    ]


def test_changing_a_monitors_schedule_updates_in_place(repo):
    data = repo.declaration(TABLE)
    data["schedule"] = {"quartz_cron_expression": "0 30 5 * * ?", "timezone_id": "UTC"}
    repo.write_declaration(TABLE, data)
    report = repo.report("prod")
    assert_updated_only(report)
    assert report.monitor(TABLE)["changes"] == [
        {
            "field": "schedule.quartz_cron_expression",
            "before": "0 0 6 * * ?",
            "after": "0 30 5 * * ?",
        }
    ]


def test_changing_the_stack_schedule_updates_every_monitor_in_place(repo):
    repo.set_config(
        "prod", schedule={"quartz_cron_expression": "0 0 7 * * ?", "timezone_id": "Europe/Paris"}
    )
    report = repo.report("prod")
    assert report.code == 0
    assert set(report.outcomes().values()) == {"updated"}
    assert [c["field"] for c in report.doc["stack_changes"]] == [
        "schedule.quartz_cron_expression",
        "schedule.timezone_id",
    ]


def test_changing_notifications_updates_in_place(repo):
    data = repo.declaration(TABLE)
    data["notifications"] = {"on_failure": {"email_addresses": ["bookings@team.example"]}}
    repo.write_declaration(TABLE, data)
    report = repo.report()
    assert_updated_only(report)
    assert report.monitor(TABLE)["changes"] == [
        {
            "field": "notifications.on_failure.email_addresses",
            "before": None,
            "after": ["bookings@team.example"],
        }
    ]


def test_changing_the_baseline_table_updates_in_place(repo):
    data = repo.declaration(TABLE)
    data["baseline_table_name"] = "fact_booking_daily_baseline_2025"
    repo.write_declaration(TABLE, data)
    repo.commit("baseline 2025")
    data["baseline_table_name"] = "fact_booking_daily_baseline_2026"
    repo.write_declaration(TABLE, data)
    report = repo.report()
    assert_updated_only(report)
    assert report.monitor(TABLE)["changes"] == [
        {
            "field": "baseline_table_name",
            "before": "wanderbricks_dev.wanderbricks_gold.fact_booking_daily_baseline_2025",
            "after": "wanderbricks_dev.wanderbricks_gold.fact_booking_daily_baseline_2026",
        }
    ]


def test_reordering_metrics_changes_nothing(repo):
    repo.edit_metrics(TABLE, list(reversed(repo.metrics(TABLE))))
    report = repo.report()
    assert report.code == 0
    assert set(report.outcomes().values()) == {"unchanged"}


def test_renaming_a_metric_replaces(repo):
    repo.edit_metric(TABLE, "total_guests", name="guest_count")
    repo.edit_metric(
        TABLE, "guests_per_booking", definition="guest_count / NULLIF(total_bookings, 0)"
    )
    report = repo.report()
    assert_replaced_only(report, ["metric 'total_guests' renamed to 'guest_count'"])
    metrics = report.monitor(TABLE)["metrics"]
    assert (metrics["added"], metrics["removed"]) == (["guest_count"], ["total_guests"])


def test_changing_a_metrics_input_columns_replaces(repo):
    repo.edit_metric(
        TABLE,
        "avg_nights_booked",
        input_columns=["avg_nights_booked"],
        definition="AVG(CAST(`{{input_column}}` AS DOUBLE))",
    )
    assert_replaced_only(
        repo.report(),
        [
            "metric 'avg_nights_booked' input_columns changed from [':table'] "
            "to ['avg_nights_booked']"
        ],
    )


def test_changing_a_metrics_type_replaces(repo):
    repo.edit_metric(
        TABLE, "booking_volume_drift", type="aggregate", definition="STDDEV(booking_count)"
    )
    assert_replaced_only(
        repo.report(),
        [
            "metric 'booking_volume_drift' type changed from CUSTOM_METRIC_TYPE_DRIFT "
            "to CUSTOM_METRIC_TYPE_AGGREGATE"
        ],
    )


def test_changing_a_metrics_output_data_type_replaces(repo):
    repo.edit_metric(TABLE, "total_bookings", output_data_type="double")
    assert_replaced_only(
        repo.report(), ["metric 'total_bookings' output_data_type changed from long to double"]
    )


def test_switching_profile_type_replaces(repo):
    data = repo.declaration(SNAPSHOT_TABLE)
    data.pop("snapshot")
    data["time_series"] = {"timestamp_col": "joined_at", "granularities": ["1 day"]}
    repo.write_declaration(SNAPSHOT_TABLE, data)
    report = repo.report()
    assert_replaced_only(
        report, ["profile type changed from snapshot to time_series"], SNAPSHOT_TABLE
    )
    assert report.monitor(SNAPSHOT_TABLE)["profile_type"] == "time_series"


def test_changing_assets_dir_replaces_every_monitor(repo):
    repo.set_config("dev", assetsRoot="/Workspace/Shared/monitoring_v2")
    report = repo.report()
    assert report.code == 10
    assert set(report.outcomes().values()) == {"replaced"}
    assert report.monitor(TABLE)["reasons"] == [
        "assets_dir changed from '/Workspace/Shared/lakehouse_monitoring/dev/fact_booking_daily' "
        "to '/Workspace/Shared/monitoring_v2/fact_booking_daily' (create-only)"
    ]


def test_changing_warehouse_id_replaces_every_monitor(repo):
    repo.set_config("dev", warehouseId="0123456789abcdef")
    report = repo.report()
    assert report.code == 10
    assert set(report.outcomes().values()) == {"replaced"}
    assert report.monitor(TABLE)["reasons"] == [
        "warehouse_id changed from None to '0123456789abcdef' (create-only)"
    ]


def test_changing_skip_builtin_dashboard_replaces(repo):
    data = repo.declaration(TABLE)
    data["skip_builtin_dashboard"] = True
    repo.write_declaration(TABLE, data)
    assert_replaced_only(
        repo.report(), ["skip_builtin_dashboard changed from False to True (create-only)"]
    )


def test_new_reset_token_replaces_that_monitor_only(repo):
    repo.set_config("dev", resets={TABLE: "2026-11-26T10:00:00Z-a1"})
    report = repo.report()
    assert_replaced_only(report, ["reset requested (token '2026-11-26T10:00:00Z-a1')"])
    assert report.monitor(TABLE)["reset_requested"] is True


def test_reset_token_left_in_config_changes_nothing(repo):
    repo.set_config("dev", resets={TABLE: "2026-11-26T10:00:00Z-a1"})
    repo.commit("reset fact_booking_daily")
    report = repo.report()
    assert report.code == 0
    assert set(report.outcomes().values()) == {"unchanged"}
