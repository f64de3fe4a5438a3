"""A stack that was protected cannot become unprotected without the report saying so and
requiring an approval; a typo that would have done it silently is an error instead."""

from __future__ import annotations

PROTECTION_LINE = (
    "PROTECTION SWITCHED OFF: stack 'prod' protects its monitors at HEAD "
    "(lakehouse-monitors:protect: true) and not in the working tree: after this change nothing "
    "stops a replace or delete of its monitors"
)


def test_switching_protection_off_requires_an_approval(repo):
    repo.set_config("prod", protect=False)
    report = repo.report("prod")
    assert report.code == 10
    doc = report.doc
    assert (doc["approval_required"], doc["protection_removed"]) == (True, True)
    assert (doc["protect_at_ref"], doc["protect"]) == (True, False)
    assert doc["approval_reasons"] == [PROTECTION_LINE.removeprefix("PROTECTION SWITCHED OFF: ")]
    assert doc["stack_changes"] == [{"field": "protect", "before": True, "after": False}]
    assert all(outcome == "unchanged" for outcome in report.outcomes().values())


def test_the_text_report_says_protection_is_switched_off(repo):
    repo.set_config("prod", protect=False)
    lines = repo.report("prod", as_json=False).out.splitlines()
    assert lines[2] == "APPROVAL REQUIRED: protection is switched off (exit code 10)"
    assert lines[3] == PROTECTION_LINE


def test_removing_the_protect_line_requires_an_approval(repo):
    repo.set_config("prod", protect=None)
    report = repo.report("prod")
    assert report.code == 10
    assert report.doc["protection_removed"] is True


def test_a_namespace_typo_on_protect_is_an_error_not_an_unprotected_stack(repo):
    text = repo.stack_path("prod").read_text()
    repo.stack_path("prod").write_text(
        text.replace("lakehouse-monitors:protect: true", "lakehouse-monitor:protect: true")
    )
    report = repo.report("prod")
    assert report.code == 2
    assert report.err == (
        "error: in the working tree: Pulumi.prod.yaml: lakehouse-monitor:protect: namespace "
        "'lakehouse-monitor' is not 'lakehouse-monitors', so the program would ignore this "
        "setting: write `lakehouse-monitors:protect`\n"
    )


def test_a_repeated_protect_key_is_an_error_not_the_last_value(repo):
    path = repo.stack_path("prod")
    path.write_text(path.read_text() + "  lakehouse-monitors:protect: false\n")
    report = repo.report("prod")
    assert report.code == 2
    assert "key 'lakehouse-monitors:protect' is repeated" in report.err


def test_a_bare_protect_key_is_an_error_not_false(repo):
    path = repo.stack_path("prod")
    path.write_text(
        path.read_text().replace("lakehouse-monitors:protect: true", "lakehouse-monitors:protect:")
    )
    report = repo.report("prod")
    assert report.code == 2
    assert "lakehouse-monitors:protect: has no value" in report.err


def test_switching_protection_on_needs_no_approval(repo):
    repo.set_config("dev", protect=True)
    report = repo.report("dev")
    assert report.code == 0
    assert (report.doc["protection_removed"], report.doc["approval_reasons"]) == (False, [])


def test_a_new_stack_has_no_protection_to_lose(repo):
    repo.stack_path("staging").write_text(repo.stack_path("dev").read_text())
    report = repo.report("staging")
    assert report.code == 0
    assert (report.doc["protect_at_ref"], report.doc["protection_removed"]) == (None, False)


def test_protection_switched_off_and_a_replace_give_both_reasons(repo):
    repo.set_config("prod", protect=False)
    repo.edit_metric("dim_host", "current_host_count", output_data_type="double")
    report = repo.report("prod")
    assert report.code == 10
    reasons = report.doc["approval_reasons"]
    assert reasons[0].startswith("monitors replaced or deleted (dim_host)")
    assert reasons[1].startswith("stack 'prod' protects its monitors at HEAD")
    text = repo.report("prod", as_json=False).out.splitlines()
    assert text[2] == (
        "APPROVAL REQUIRED: monitors are replaced or deleted and protection is switched off "
        "(exit code 10)"
    )
