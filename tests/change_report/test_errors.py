"""Invalid input at either side and unreadable refs: clear messages and exit codes of their own."""

from __future__ import annotations

import json
import subprocess

import yaml

from monitors.errors import ExitCode, GitRefError, SideInvalidError

TABLE = "dim_host"
UNKNOWN_KEY = (
    "monitors/declarations/dim_host.yaml: monitor dim_host: "
    "custom_metrics[0] (current_host_count).colour: unknown key"
)


def add_unknown_key(repo) -> None:
    repo.edit_metric(TABLE, "current_host_count", colour="blue")


def test_an_invalid_declaration_in_the_working_tree_names_the_side_file_monitor_and_field(repo):
    add_unknown_key(repo)
    report = repo.report()
    assert report.code == 2
    assert json.loads(report.out)["error"] == {
        "exit_code": 2,
        "kind": "SideInvalidError",
        "message": f"in the working tree: {UNKNOWN_KEY}",
    }
    assert report.err == f"error: in the working tree: {UNKNOWN_KEY}\n"


def test_an_invalid_declaration_at_the_ref_names_the_side(repo):
    add_unknown_key(repo)
    repo.commit("broken")
    repo.git("tag", "broken")
    metrics = repo.metrics(TABLE)
    metrics[0].pop("colour")
    repo.edit_metrics(TABLE, metrics)
    report = repo.report(ref="broken")
    assert report.code == 2
    assert report.err == f"error: at broken: {UNKNOWN_KEY}\n"


def test_problems_at_both_sides_are_reported_together(repo):
    add_unknown_key(repo)
    repo.commit("broken")
    data = repo.declaration("dim_user")
    data["slicing_exprs"] = "country"
    repo.write_declaration("dim_user", data)
    report = repo.report()
    assert report.code == 2
    lines = report.err.splitlines()
    assert lines[0] == f"error: at HEAD: {UNKNOWN_KEY}"
    assert f"error: in the working tree: {UNKNOWN_KEY}" in lines
    assert any(
        line.startswith(
            "error: in the working tree: monitors/declarations/dim_user.yaml: "
            "monitor dim_user: slicing_exprs:"
        )
        for line in lines
    )


def test_invalid_yaml_is_reported_with_its_side(repo):
    repo.declaration_path(TABLE).write_text("custom_metrics: [\n")
    report = repo.report()
    assert report.code == 2
    assert report.err.startswith(
        "error: in the working tree: monitors/declarations/dim_host.yaml: monitor dim_host: "
        "is not valid YAML"
    )


def test_an_invalid_stack_file_in_the_working_tree_names_the_side_and_key(repo):
    repo.set_config("prod", catalog="not a name")
    report = repo.report("prod")
    assert report.code == 2
    assert report.err == (
        "error: in the working tree: Pulumi.prod.yaml: lakehouse-monitors:catalog: "
        "'not a name' is not a plain catalog/schema name\n"
    )


def test_an_invalid_stack_file_at_the_ref_names_the_side(repo):
    repo.set_config("prod", enabled=["dim_hosts"])
    repo.commit("typo in enabled")
    repo.set_config("prod", enabled=["dim_host"])
    report = repo.report("prod")
    assert report.code == 2
    assert report.err == (
        "error: at HEAD: Pulumi.prod.yaml: enabled[0]: no declaration for table 'dim_hosts'\n"
    )


def test_a_plain_text_token_in_the_stack_file_is_refused(repo):
    document = yaml.safe_load(repo.stack_path("dev").read_text())
    document["config"]["databricks:token"] = "dapi-not-a-secret"
    repo.stack_path("dev").write_text(yaml.safe_dump(document))
    report = repo.report()
    assert report.code == 2
    assert report.err.startswith("error: in the working tree: Pulumi.dev.yaml: databricks:token:")


def test_a_stack_without_a_file_in_the_working_tree_is_invalid(repo):
    report = repo.report("staging")
    assert report.code == 2
    assert report.err == (
        "error: in the working tree: Pulumi.staging.yaml: no such stack file (stacks: dev, prod)\n"
    )


def test_a_ref_that_does_not_exist_exits_11(repo):
    report = repo.report(ref="origin/no-such-branch")
    assert report.code == 11
    assert json.loads(report.out)["error"]["kind"] == "GitRefError"
    assert report.err.startswith("error: no such git ref 'origin/no-such-branch'")


def test_a_ref_that_looks_like_an_option_exits_11(repo):
    assert repo.report(ref="--output=/tmp/x").code == 11


def test_a_directory_outside_git_exits_11(repo, tmp_path):
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    subprocess.run(["cp", "-r", f"{repo.path}/.", str(outside)], check=True)
    subprocess.run(["rm", "-rf", str(outside / ".git")], check=True)
    repo.path = outside
    report = repo.report()
    assert report.code == 11
    assert report.err == f"error: {outside} is not inside a git repository\n"


def test_a_tag_or_commit_works_as_the_ref(repo):
    repo.git("tag", "deployed")
    repo.edit_metric(TABLE, "current_avg_rating", definition="AVG(CAST(rating AS DOUBLE))")
    repo.commit("second change")
    commit = repo.git("rev-parse", "HEAD~1").strip()
    for ref in ("deployed", commit, "HEAD~1"):
        report = repo.report(ref=ref)
        assert report.code == 0
        assert report.outcome(TABLE) == "updated"
        assert report.doc["against"] == {
            "ref": ref,
            "commit": commit,
            "stack_file_present": True,
        }


def test_exit_codes_do_not_clash_with_the_cli_convention():
    assert SideInvalidError(("x",)).exit_code == ExitCode.INVALID == 2
    taken = {0, 1, 2, 3, 4}
    assert {ExitCode.REPLACEMENTS, GitRefError.exit_code}.isdisjoint(taken)
    assert len(set(ExitCode)) == len(ExitCode.__members__)
