"""The change report's alert section, as a reviewer reads it in a pull request."""

from __future__ import annotations

from tests.alert_change_table import with_shipped_alerts
from tests.change_report.test_change_table import write


def test_the_text_report_lists_each_changed_alert_with_its_rule_and_the_protect_path(repo):
    side = with_shipped_alerts()
    write(repo, "prod", side)
    repo.commit("alerts deployed in prod")
    spike = side.declarations["fact_booking_daily"]["alerts"][0]
    spike["threshold"] = 0.3
    side.declarations["dim_host"].pop("alerts")
    write(repo, "prod", side)
    report = repo.report("prod", as_json=False)
    assert report.code == 10, report.err
    lines = report.out.splitlines()
    assert "APPROVAL REQUIRED: alerts are replaced or deleted (exit code 10)" in lines
    start = lines.index("Alerts: 0 created, 1 updated in place, 0 replaced, 1 deleted, 2 unchanged")
    assert lines[start + 1 :] == [
        "- alert dim_host.missing_host_emails: DELETED",
        "   fires when: current_missing_email_count > 0.0 in the latest window",
        "   PROTECTED: Stack 'prod' protects its alerts like its monitors: to delete it on "
        "purpose, run `pulumi state unprotect --stack prod 'urn:pulumi:prod::lakehouse-monitors"
        "::databricks:index/alertV2:AlertV2::dim_host.missing_host_emails'` first.",
        "~ alert fact_booking_daily.cancellation_spike: UPDATED in place",
        "   fires when: cancellation_rate > 0.25 in at least 2 of the latest 3 windows (1 day) -> "
        "cancellation_rate > 0.3 in at least 2 of the latest 3 windows (1 day)",
        "   changed fields: query_text",
        "   query_text: changed (the rule above; `plan` prints the query)",
    ]
