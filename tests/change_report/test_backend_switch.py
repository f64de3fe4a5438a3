"""A change of the monitor API between the ref and the working tree needs an approval: the program
refuses to switch deployed monitors, and the report names the command that moves them."""

from __future__ import annotations

SWITCHED = (
    "stack 'prod' deploys its monitors through the 'legacy' API at HEAD and through "
    "'data_quality' in the working tree (lakehouse-monitors:api): `pulumi up` refuses to switch "
    "the deployed monitors (they would be deleted and created again); they move with "
    "`monitors migrate --stack prod --to data_quality`"
)


def test_switching_the_api_requires_an_approval_naming_migrate(repo):
    repo.set_config("prod", api="data_quality")
    report = repo.report("prod")
    assert report.code == 10
    doc = report.doc
    assert (doc["api"], doc["api_at_ref"], doc["backend_switched"]) == (
        "data_quality",
        "legacy",
        True,
    )
    assert doc["approval_reasons"] == [SWITCHED]
    assert all(outcome == "unchanged" for outcome in report.outcomes().values())


def test_the_text_report_says_the_api_is_switched(repo):
    repo.set_config("prod", api="data_quality")
    lines = repo.report("prod", as_json=False).out.splitlines()
    assert lines[2] == "APPROVAL REQUIRED: the monitor API is switched (exit code 10)"
    assert lines[3] == f"MONITOR API SWITCHED: {SWITCHED}"


def test_a_stack_that_stays_on_data_quality_needs_no_approval(repo):
    repo.set_config("dev", api="data_quality")
    repo.commit("on the new API")
    report = repo.report("dev")
    assert report.code == 0 and report.doc["backend_switched"] is False


def test_a_deleted_monitor_is_unprotected_by_the_urn_of_the_type_in_the_state(repo):
    repo.set_config("prod", api="data_quality")
    repo.commit("on the new API")
    repo.set_config("prod", enabled=["dim_host", "dim_property", "dim_user", "fact_booking_daily"])
    monitor = repo.report("prod").doc["monitors"]["fact_property_engagement"]
    assert monitor["outcome"] == "deleted"
    assert (
        "dataQualityMonitor:DataQualityMonitor::fact_property_engagement"
        in (monitor["unprotect_command"])
    )
