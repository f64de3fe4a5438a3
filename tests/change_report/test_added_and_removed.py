"""Monitors that appear or disappear between the ref and the working tree."""

from __future__ import annotations

import copy

PROD_TABLES = [
    "fact_booking_daily",
    "fact_property_engagement",
    "dim_property",
    "dim_host",
    "dim_user",
]


def test_a_new_declaration_file_creates_a_monitor(repo):
    data = copy.deepcopy(repo.declaration("dim_user"))
    repo.write_declaration("dim_destination", {**data, "custom_metrics": []})
    report = repo.report()
    assert report.code == 0
    assert report.outcome("dim_destination") == "created"
    assert report.monitor("dim_destination")["profile_type"] == "snapshot"
    assert report.others_unchanged("dim_destination")


def test_deleting_a_declaration_file_deletes_the_monitor(repo):
    repo.declaration_path("dim_user").unlink()
    report = repo.report()
    assert report.code == 10
    assert report.outcome("dim_user") == "deleted"
    assert report.monitor("dim_user")["needs_unprotect"] is False
    assert report.others_unchanged("dim_user")
    assert report.doc["approval_required"] is True


def test_disabling_a_monitor_deletes_it_and_a_protected_one_needs_unprotect(repo):
    repo.set_config("prod", enabled=[t for t in PROD_TABLES if t != "dim_user"])
    report = repo.report("prod")
    assert report.code == 10
    assert report.outcome("dim_user") == "deleted"
    assert report.monitor("dim_user")["unprotect_command"] == (
        "pulumi state unprotect --stack prod "
        "'urn:pulumi:prod::lakehouse-monitors::databricks:index/qualityMonitor:QualityMonitor"
        "::dim_user'"
    )
    assert report.others_unchanged("dim_user")


def test_enabling_a_monitor_creates_it(repo):
    repo.set_config("prod", enabled=PROD_TABLES[:4])
    repo.commit("prod without dim_user")
    repo.set_config("prod", enabled=PROD_TABLES)
    report = repo.report("prod")
    assert report.code == 0
    assert report.outcome("dim_user") == "created"
    assert report.others_unchanged("dim_user")


def test_a_stack_added_since_the_ref_creates_every_monitor(repo):
    repo.stack_path("dev").rename(repo.path / "dev.yaml.off")
    repo.commit("no dev stack yet")
    (repo.path / "dev.yaml.off").rename(repo.stack_path("dev"))
    report = repo.report()
    assert report.code == 0
    assert set(report.outcomes().values()) == {"created"}
    assert report.doc["against"]["stack_file_present"] is False


def test_untracked_declaration_files_count_as_the_working_tree(repo):
    repo.write_declaration("dim_destination", {"snapshot": {}})
    assert repo.git("status", "--porcelain").strip().startswith("??")
    assert repo.report().outcome("dim_destination") == "created"
