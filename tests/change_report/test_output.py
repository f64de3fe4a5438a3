"""The two forms of the report: readable text for a pull request, stable JSON for tools."""

from __future__ import annotations

from monitors.desired.anomaly_alert import UPDATE_REMOVES_RECIPIENTS
from monitors.desired.replacement import HISTORY_WARNING

TABLE = "fact_booking_daily"
MONITOR_KEYS = [
    "table_name",
    "outcome",
    "profile_type",
    "reasons",
    "warning",
    "reset_requested",
    "needs_reset",
    "reset_command",
    "needs_unprotect",
    "unprotect_command",
    "changed_fields",
    "changes",
    "metrics",
]


def rename_and_slice(repo) -> None:
    repo.edit_metric(TABLE, "total_guests", name="guest_count")
    repo.edit_metric(
        TABLE, "guests_per_booking", definition="guest_count / NULLIF(total_bookings, 0)"
    )
    data = repo.declaration("dim_host")
    data["slicing_exprs"] = ["country", "is_verified"]
    repo.write_declaration("dim_host", data)


def test_json_has_a_stable_documented_shape(repo):
    rename_and_slice(repo)
    doc = repo.report("prod").doc
    assert list(doc) == [
        "schema_version",
        "stack",
        "against",
        "protect",
        "summary",
        "approval_required",
        "approval_reasons",
        "protect_at_ref",
        "protection_removed",
        "exit_code",
        "stack_changes",
        "monitors",
        "alerts_summary",
        "alerts",
        "api",
        "api_at_ref",
        "backend_switched",
        "anomaly_detection",  # added within version 1: null when neither side turns it on
        "cost",  # added within version 1: null when the change replaces or grows no monitor
    ]
    assert doc["anomaly_detection"] is None
    assert doc["schema_version"] == 1
    assert (doc["stack"], doc["protect"], doc["exit_code"]) == ("prod", True, 10)
    assert doc["summary"] == {
        "created": 0,
        "updated": 1,
        "replaced": 1,
        "deleted": 0,
        "unchanged": 3,
    }
    assert list(doc["monitors"]) == sorted(doc["monitors"])
    for monitor in doc["monitors"].values():
        assert list(monitor) == MONITOR_KEYS
        assert list(monitor["metrics"]) == ["added", "removed", "changed"]
    replaced = doc["monitors"][TABLE]
    assert replaced["table_name"] == "wanderbricks.wanderbricks_gold.fact_booking_daily"
    assert replaced["warning"] == HISTORY_WARNING
    assert replaced["changed_fields"] == ["custom_metrics"]
    assert replaced["metrics"]["changed"] == [
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
    ]


def test_text_report_has_a_summary_a_section_per_change_and_unchanged_on_one_line(repo):
    rename_and_slice(repo)
    report = repo.report("prod", as_json=False)
    commit = repo.git("rev-parse", "HEAD").strip()[:12]
    assert report.code == 10
    assert report.out == (
        f"Change report for stack prod: working tree against HEAD ({commit})\n"
        "Summary: 0 created, 1 updated in place, 1 replaced, 0 deleted, 3 unchanged\n"
        "APPROVAL REQUIRED: monitors are replaced or deleted (exit code 10)\n"
        "\n"
        "== dim_host: UPDATED in place (history kept)\n"
        "   changed fields: slicing_exprs\n"
        '   slicing_exprs: ["country"] -> ["country", "is_verified"]\n'
        "\n"
        "== fact_booking_daily: REPLACED (deleted, then created again)\n"
        "   reason: metric 'total_guests' renamed to 'guest_count'\n"
        f"   WARNING: {HISTORY_WARNING}\n"
        "   PROTECTED: Stack 'prod' protects its monitors, so `pulumi preview` fails with "
        "Pulumi's protect error. If the replace is intended, request it with "
        "`monitors reset --stack prod --table fact_booking_daily` (or "
        "`pulumi config set --path 'lakehouse-monitors:resets.fact_booking_daily.token' "
        "<new token>`); otherwise undo the change.\n"
        "   changed fields: custom_metrics\n"
        "   custom_metrics:\n"
        "     + added guest_count\n"
        "     - removed total_guests\n"
        "     ~ changed guests_per_booking:\n"
        '         definition: "total_guests / NULLIF(total_bookings, 0)" -> '
        '"guest_count / NULLIF(total_bookings, 0)"\n'
        "\n"
        "Unchanged: dim_property, dim_user, fact_property_engagement\n"
        "\n"
        "Cost over the last 30 days of the monitors this change replaces or makes bigger "
        "(list prices):\n"
        "  not shown: no Databricks credentials found (no databricks:host in the stack file, no "
        "DATABRICKS_HOST, no host in the [DEFAULT] profile of ~/.databrickscfg)\n"
    )


def test_text_report_of_no_change_says_so(repo):
    report = repo.report(as_json=False)
    assert report.code == 0
    lines = report.out.splitlines()
    assert lines[1] == "Summary: 0 created, 0 updated in place, 0 replaced, 0 deleted, 5 unchanged"
    assert lines[-1] == (
        "Unchanged: dim_host, dim_property, dim_user, fact_booking_daily, fact_property_engagement"
    )
    assert "APPROVAL REQUIRED" not in report.out


def test_text_report_shows_output_types_by_name_and_stack_setting_changes(repo):
    repo.edit_metric(TABLE, "total_bookings", output_data_type="double")
    repo.set_config("dev", notificationEmails=["oncall@team.example"])
    out = repo.report(as_json=False).out
    assert "         output_data_type: long -> double\n" in out
    assert (
        "Stack settings changed (Pulumi.dev.yaml):\n"
        '   notificationEmails: [] -> ["oncall@team.example"]\n'
    ) in out


def test_deleted_and_created_monitors_get_their_own_sections(repo):
    repo.declaration_path("dim_user").rename(repo.declaration_path("dim_customer"))
    out = repo.report(as_json=False).out
    assert "== dim_customer: CREATED (snapshot monitor)\n" in out
    assert "== dim_user: DELETED (its metric tables and dashboard stay in the workspace)\n" in out


def test_an_update_of_anomaly_detection_warns_that_it_removes_the_schema_alerts_recipients(repo):
    repo.set_config("dev", anomalyDetection={"enabled": True})
    repo.commit("deployed side")
    repo.set_config("dev", anomalyDetection={"enabled": True, "excludedTables": ["dim_user"]})
    out = repo.report(as_json=False).out
    assert (
        "== schema anomaly detection of wanderbricks_dev.wanderbricks_gold: UPDATED in place\n"
    ) in out
    assert f"\n   WARNING: {UPDATE_REMOVES_RECIPIENTS}\n" in out
