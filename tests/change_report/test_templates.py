"""Templates in the change report: a list template's tables are reported like own files (moving
them in is no change); a pattern template's own change is reported, with approval where its
tables would be replaced or dropped."""

from __future__ import annotations

import copy

from tests.templates import DIMS, as_templates
from tests.templates import FACTS as FACT_TABLES

FACTS = "monitors/declarations/facts.yaml"


def test_moving_tables_into_a_list_template_is_no_change(repo):
    own = {t: repo.declaration(t) for t in (*DIMS, *FACT_TABLES)}
    for table in DIMS:
        repo.declaration_path(table).unlink()
    repo.write_declaration("dimensions", as_templates(own)["dimensions"])
    report = repo.report()
    assert report.code == 0
    assert set(report.outcomes().values()) == {"unchanged"}
    assert "templates" not in report.doc


def settled_pattern(repo) -> dict:
    facts = copy.deepcopy(repo.declaration("fact_booking_daily"))
    template = {"tables": {"like": "fact\\_%"}, **facts}
    repo.write_declaration("facts", template)
    repo.commit("facts as a pattern")
    return template


def test_a_pattern_template_change_is_reported_with_its_fields(repo):
    template = settled_pattern(repo)
    repo.write_declaration("facts", {**template, "slicing_exprs": ["destination_id", "country"]})
    report = repo.report()
    change = report.doc["templates"][FACTS]
    assert change["outcome"] == "updated"
    assert change["changes"] == [
        {
            "field": "slicing_exprs",
            "before": ["destination_id"],
            "after": ["destination_id", "country"],
        }
    ]
    assert change["approval_reasons"] == [] and report.code == 0


def test_a_structural_change_of_a_pattern_template_needs_an_approval(repo):
    template = settled_pattern(repo)
    metrics = copy.deepcopy(template["custom_metrics"])
    metrics[0]["output_data_type"] = "double"  # total_bookings: long -> double
    repo.write_declaration("facts", {**template, "custom_metrics": metrics})
    report = repo.report()
    assert report.code == 10
    (reason,) = report.doc["templates"][FACTS]["approval_reasons"]
    assert "every table it covers without an override is REPLACED" in reason


def test_narrowing_a_pattern_needs_an_approval(repo):
    template = settled_pattern(repo)
    repo.write_declaration("facts", {**template, "tables": {"like": "fact\\_booking%"}})
    report = repo.report()
    assert report.code == 10
    (reason,) = report.doc["templates"][FACTS]["approval_reasons"]
    assert "tables it no longer covers lose their monitors" in reason


def test_removing_a_pattern_template_needs_an_approval(repo):
    settled_pattern(repo)
    repo.path.joinpath(FACTS).unlink()
    report = repo.report()
    assert report.code == 10 and report.doc["templates"][FACTS]["outcome"] == "deleted"
