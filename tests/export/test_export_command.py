"""`monitors export`: which tables, never overwriting without --force, clear failures.

Run through `monitors.cli.main.main` against the fake workspace, with credentials from the
environment (no Pulumi CLI on PATH), into a copy of the project.
"""

from __future__ import annotations

import json

import pytest

from monitors.cli import export as export_command
from monitors.cli.main import COMMANDS, main
from monitors.declared.loader import load_declarations
from monitors.errors import WorkspaceUnreachableError
from monitors.naming import DECLARATIONS_PATH
from monitors.workspace import export as export_module
from monitors.workspace.export import export_monitors
from monitors.workspace.export_report import Outcome
from tests.fakes.terminal import Terminal
from tests.fakes.workspace import refused_host
from tests.helpers.shipped_monitors import SHIPPED, create_through_program, registered, settings_of

DEV = "wanderbricks_dev.wanderbricks_gold"
MONITOR = "/api/2.1/unity-catalog/tables/{}/monitor"


@pytest.fixture
def deployed(workspace, provider, monkeypatch):
    """Every shipped monitor deployed in dev, plus two gold tables without a monitor."""
    for table in SHIPPED:
        create_through_program(workspace, provider, registered("dev", table))
    workspace.add_table(f"{DEV}.fact_booking_detail")
    workspace.add_table(f"{DEV}.dim_date")
    workspace.add_table("wanderbricks_dev.elsewhere.dim_host")
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    return workspace


def export(project, workspace, *extra: str) -> int:
    return main(
        [
            "export",
            "--stack",
            "dev",
            "--project-dir",
            str(project),
            "--host",
            workspace.host,
            *extra,
        ]
    )


def declarations(project):
    return project / DECLARATIONS_PATH


def test_export_is_a_command():
    assert export_command in COMMANDS


def test_without_tables_every_monitored_table_of_the_gold_schema_is_exported(
    deployed, project, capsys
):
    deployed.tables_page_size = 2  # several pages of the table list
    assert export(project, deployed) == 0
    out = capsys.readouterr().out
    assert sorted(load_declarations(declarations(project))) == sorted(SHIPPED)
    for table in SHIPPED:
        assert f"{table}" in out and f"{DECLARATIONS_PATH}/{table}.yaml" in out
    assert "(2 other table(s) of the gold schema have no monitor)" in out
    assert "Next: review the files, then `monitors adopt --stack dev`" in out


def test_only_the_tables_asked_for_are_exported(deployed, project):
    assert export(project, deployed, "--table", "dim_user", "--table", f"{DEV}.dim_host") == 0
    assert sorted(p.name for p in declarations(project).iterdir()) == [
        "dim_host.yaml",
        "dim_user.yaml",
    ]


def test_an_existing_declaration_is_never_overwritten_without_force(deployed, project, capsys):
    path = declarations(project) / "dim_user.yaml"
    path.write_text("# mine\nsnapshot: {}\n")
    before = len(deployed.api_calls())
    assert export(project, deployed, "--table", "dim_user", "--table", "dim_host") == 0
    assert path.read_text() == "# mine\nsnapshot: {}\n"
    out = capsys.readouterr().out
    assert f"dim_user  skipped  {DECLARATIONS_PATH}/dim_user.yaml exists (--force overwrites" in out
    assert (declarations(project) / "dim_host.yaml").exists()
    # Read first: whether there is a monitor to skip is the workspace's to say, not the file's.
    monitor_reads = [c.path for c in deployed.api_calls()[before:] if c.path.endswith("/monitor")]
    assert MONITOR.format(f"{DEV}.dim_user") in monitor_reads


def test_force_overwrites_an_existing_declaration(deployed, project):
    path = declarations(project) / "dim_user.yaml"
    path.write_text("# mine\nsnapshot: {}\n")
    assert export(project, deployed, "--table", "dim_user", "--force") == 0
    assert path.read_text().startswith("# yaml-language-server:")
    assert [p.name for p in declarations(project).iterdir()] == ["dim_user.yaml"]


def test_a_link_planted_at_a_temporary_name_is_never_written_through(deployed, project, tmp_path):
    """The temporary file export wrote through had a fixed name (`.<table>.yaml.export-tmp`)."""
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    (declarations(project) / ".dim_user.yaml.export-tmp").symlink_to(victim)
    assert export(project, deployed, "--table", "dim_user", "--force") == 0
    assert victim.read_text() == "keep me"
    written = declarations(project) / "dim_user.yaml"
    assert not written.is_symlink()
    assert written.read_text().startswith("# yaml-language-server:")


@pytest.mark.parametrize("name", ["dim_user.yml", "Dim_User.yaml"])
def test_force_never_overwrites_a_file_that_is_not_the_plain_declaration(
    deployed, project, capsys, name
):
    (declarations(project) / name).write_text("snapshot: {}\n")
    assert export(project, deployed, "--table", "dim_user", "--force") == 0
    assert f"{DECLARATIONS_PATH}/{name} already declares it" in capsys.readouterr().out
    assert [p.name for p in declarations(project).iterdir()] == [name]


def test_a_table_outside_the_gold_schema_is_refused_before_asking_the_workspace(
    deployed, project, capsys
):
    before = len(deployed.api_calls())
    assert export(project, deployed, "--table", "wanderbricks_dev.elsewhere.dim_host") == 2
    err = capsys.readouterr().err
    assert "not in stack dev's gold schema wanderbricks_dev.wanderbricks_gold" in err
    assert deployed.api_calls()[before:] == []
    assert list(declarations(project).iterdir()) == []


def test_a_table_name_no_declaration_can_have_is_refused(deployed, project, capsys):
    assert export(project, deployed, "--table", "Dim_User") == 2
    assert "has capital letters" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("table", "reason"),
    [
        ("fact_booking_detail", f"no monitor on {DEV}.fact_booking_detail"),
        ("no_such_table", f"no table {DEV}.no_such_table"),
    ],
)
def test_a_table_without_a_monitor_fails_with_a_sentence_and_exit_1(
    deployed, project, capsys, table, reason
):
    assert export(project, deployed, "--table", table, "--table", "dim_host") == 1
    out = capsys.readouterr().out
    assert f"{table}  failed   {reason}" in out
    assert [p.name for p in declarations(project).iterdir()] == ["dim_host.yaml"]


def test_an_error_answer_fails_that_table_only(deployed, project, capsys):
    deployed.fail_next(
        "GET", MONITOR.format(f"{DEV}.dim_user"), status=403, message="User lacks MANAGE"
    )
    assert export(project, deployed) == 1
    out = capsys.readouterr().out
    assert "dim_user                  failed   could not read its monitor: User lacks MANAGE" in out
    assert len(list(declarations(project).iterdir())) == 4


def test_an_unreachable_workspace_is_exit_1_with_a_sentence(project, monkeypatch, capsys):
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-x")
    host = refused_host()
    assert main(["export", "--stack", "dev", "--project-dir", str(project), "--host", host]) == 1
    err = capsys.readouterr().err
    assert f"error: cannot reach the workspace at {host}: Connection refused" in err
    assert "Traceback" not in err


def test_a_workspace_that_stops_answering_midway_leaves_no_file(
    deployed, client, project, monkeypatch
):
    read = export_module.read_legacy_monitor

    def read_then_stop(*args):
        answer = read(*args)
        deployed.stop()
        return answer

    monkeypatch.setattr(export_module, "read_legacy_monitor", read_then_stop)
    with pytest.raises(
        WorkspaceUnreachableError, match="stopped answering when asked to read the monitor of"
    ):
        export_monitors(client, settings_of("dev"), project, ["dim_host", "dim_user"])
    assert list(declarations(project).iterdir()) == []


def test_missing_credentials_are_exit_2_naming_what_was_tried(project, workspace, capsys):
    assert export(project, workspace) == 2
    assert "error: no usable Databricks credentials" in capsys.readouterr().err


def test_the_json_report_says_per_table_what_happened(deployed, project, capsys):
    (declarations(project) / "dim_user.yaml").write_text("snapshot: {}\n")
    assert export(project, deployed, "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert document["stack"] == "dev" and document["api"] == "legacy"
    assert document["tables"]["dim_user"]["outcome"] == "skipped"
    assert document["tables"]["dim_host"] == {
        "outcome": "written",
        "detail": f"{DECLARATIONS_PATH}/dim_host.yaml",
        "exact": True,
        "differences": [],
        "notes": [],
    }
    assert document["unmonitored_tables"] == 2
    assert document["exit_code"] == 0


def test_a_table_the_stack_does_not_enable_is_noted(workspace, provider, project):
    create_through_program(workspace, provider, registered("prod", "dim_user"))
    workspace.add_table("wanderbricks.wanderbricks_gold.dim_guest")
    workspace.add_monitor(
        "wanderbricks.wanderbricks_gold.dim_guest",
        output_schema_name="wanderbricks.wanderbricks_gold_monitoring",
        assets_dir="/Workspace/Shared/lakehouse_monitoring/prod/dim_guest",
        schedule={"quartz_cron_expression": "0 0 6 * * ?", "timezone_id": "UTC"},
        notifications={
            "on_failure": {"email_addresses": ["data-platform-oncall@wanderbricks.example"]}
        },
    )
    workspace.initialise_monitor("wanderbricks.wanderbricks_gold.dim_guest")
    report = export_monitors(
        provider.client, settings_of("prod"), project, ["dim_guest", "dim_user"]
    )
    notes = {r.table: [g.field for g in r.all_notes] for r in report.results}
    assert notes == {"dim_guest": ["enabled"], "dim_user": []}
    assert all(r.outcome is Outcome.WRITTEN for r in report.results)


def test_verbose_lists_the_files_the_loader_skips(deployed, project, capsys):
    (declarations(project) / "notes.txt").write_text("x")
    assert export(project, deployed, "--table", "dim_host", "--verbose") == 0
    assert f"{DECLARATIONS_PATH}/notes.txt: skipped, not a declaration" in capsys.readouterr().err


def test_force_never_overwrites_a_linked_declaration(deployed, project, tmp_path, capsys):
    target = tmp_path / "elsewhere.yaml"
    target.write_text("snapshot: {}\n")
    (declarations(project) / "dim_user.yaml").symlink_to(target)
    assert export(project, deployed, "--table", "dim_user", "--force") == 0
    assert "exists and is not a regular file: not overwritten" in capsys.readouterr().out
    assert target.read_text() == "snapshot: {}\n"
    assert (declarations(project) / "dim_user.yaml").is_symlink()


def test_a_linked_declarations_directory_is_refused_before_asking_the_workspace(
    deployed, project, tmp_path, capsys
):
    declarations(project).rmdir()
    (tmp_path / "real").mkdir()
    declarations(project).symlink_to(tmp_path / "real")
    before = len(deployed.api_calls())
    assert export(project, deployed) == 2
    assert f"error: {DECLARATIONS_PATH}: is a symbolic link" in capsys.readouterr().err
    assert deployed.api_calls()[before:] == []


def test_an_interrupt_is_a_sentence_and_exit_4(deployed, project, monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(export_module, "export_monitors", interrupted)
    assert export(project, deployed) == 4
    err = capsys.readouterr().err
    assert "interrupted. export changes nothing in Databricks" in err
    assert "Traceback" not in err


ALERT = """alerts:
  # a comment export cannot keep
  - name: no_users
    metric: current_user_count
    op: "<"
    threshold: 1
"""


def test_force_keeps_the_alerts_of_the_declaration_it_replaces(deployed, project, capsys):
    path = declarations(project) / "dim_user.yaml"
    path.write_text("snapshot: {}\n" + ALERT)
    assert export(project, deployed, "--table", "dim_user", "--force") == 0
    (alert,) = load_declarations(declarations(project))["dim_user"].alerts
    assert (alert.name, alert.metric, alert.op, alert.threshold) == (
        "no_users",
        "current_user_count",
        "<",
        1,
    )
    assert "dim_user / alerts: 1 kept from the declaration this file replaces" in (
        capsys.readouterr().out
    )


def test_an_alert_on_a_metric_no_longer_declared_is_left_out_and_reported(
    deployed, project, capsys
):
    path = declarations(project) / "dim_user.yaml"
    path.write_text("snapshot: {}\n" + ALERT.replace("current_user_count", "gone_metric"))
    assert export(project, deployed, "--table", "dim_user", "--force") == 1
    assert load_declarations(declarations(project))["dim_user"].alerts == []
    assert 'dim_user / alerts: left out alert "no_users": ' in capsys.readouterr().out


def test_a_declaration_that_cannot_be_read_is_not_overwritten_even_with_force(
    deployed, project, capsys
):
    path = declarations(project) / "dim_user.yaml"
    path.write_text("snapshot: {\n")
    assert export(project, deployed, "--table", "dim_user", "--force") == 1
    assert "not written: cannot read dim_user.yaml to keep its alerts" in capsys.readouterr().out
    assert path.read_text() == "snapshot: {\n"


def test_a_table_list_the_workspace_refuses_stops_the_export_with_a_sentence(
    deployed, project, capsys
):
    deployed.fail_next(
        "GET", "/api/2.1/unity-catalog/tables", status=403, message="User lacks USE SCHEMA"
    )
    assert export(project, deployed) == 1
    err = capsys.readouterr().err
    assert (
        "error: cannot list the tables of wanderbricks_dev.wanderbricks_gold: User lacks USE "
        "SCHEMA; nothing was written" in err
    )
    assert list(declarations(project).iterdir()) == []


def test_a_monitored_table_no_declaration_can_name_is_reported_never_counted_as_unmonitored(
    deployed, project, capsys
):
    """Unity Catalog takes `fact-bookings` (quoted in SQL); a declaration cannot name it."""
    deployed.add_monitor(f"{DEV}.fact-bookings")
    deployed.add_table(f"{DEV}.dim-empty")
    assert export(project, deployed) == 1
    out = capsys.readouterr().out
    assert (
        "fact-bookings             failed   has a monitor, but no declaration can name this "
        "table: 'fact-bookings' is not a plain table name\n"
    ) in out
    assert "dim-empty" not in out
    assert "(3 other table(s) of the gold schema have no monitor)" in out


def test_a_listed_table_no_url_may_carry_is_reported_as_not_read(deployed, project, capsys):
    deployed.add_table(f"{DEV}.odd name?x")
    before = len(deployed.api_calls())
    assert export(project, deployed) == 0
    out = capsys.readouterr().out
    assert (
        "odd name?x                skipped  not read: 'odd name?x' is not a plain table name, "
        "and no URL may carry it; a monitor on it is not exported\n"
    ) in out
    assert not any("odd name" in call.path for call in deployed.api_calls()[before:])


def test_a_table_argument_with_a_line_break_is_shown_escaped(deployed, project, capsys):
    assert export(project, deployed, "--table", "dim_user\nrm") == 2
    assert "error:   dim_user\\nrm: 'dim_user\\nrm' is not a plain table name\n" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"[]", "the workspace's answer is not a JSON object"),
        (
            b'"monitor"',  # databricks-sdk's ApiClient.do merges it into a dict: TypeError
            "the workspace's answer is not in the shape databricks-sdk reads (a field holds "
            "another type than the API documents)",
        ),
    ],
)
def test_a_monitor_answer_that_is_no_json_object_fails_that_table_only(
    deployed, project, capsys, raw, why
):
    deployed.answer_next("GET", MONITOR.format(f"{DEV}.dim_user"), raw)
    assert export(project, deployed) == 1
    out = capsys.readouterr().out
    assert f"dim_user                  failed   could not read its monitor: {why}\n" in out
    assert len(list(declarations(project).iterdir())) == 4


# ---- every status line and count is true of the workspace read ---------------------------------

MONITORED = ("dim_host", "fact_booking_daily")


@pytest.fixture
def partly_monitored(workspace, provider, project, monkeypatch):
    """A dev gold schema of six tables, two with a monitor, and a declaration file for each of
    the five shipped tables (a checkout that declares more than the workspace holds)."""
    for table in MONITORED:
        create_through_program(workspace, provider, registered("dev", table))
    for table in sorted(set(SHIPPED) - set(MONITORED)):
        workspace.add_table(f"{DEV}.{table}")
    workspace.add_table(f"{DEV}.fact_booking_detail")
    for table in SHIPPED:
        (declarations(project) / f"{table}.yaml").write_text("snapshot: {}\n")
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    return workspace


def test_a_declaration_file_of_a_table_without_a_monitor_is_not_reported_as_skipped(
    partly_monitored, project, capsys
):
    assert export(project, partly_monitored) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [
        f"dim_host            skipped  {DECLARATIONS_PATH}/dim_host.yaml exists (--force "
        "overwrites it)",
        f"fact_booking_daily  skipped  {DECLARATIONS_PATH}/fact_booking_daily.yaml exists "
        "(--force overwrites it)",
        "(4 other table(s) of the gold schema have no monitor)",
    ]


def test_the_json_counts_every_listed_table_without_a_monitor(partly_monitored, project, capsys):
    assert export(project, partly_monitored, "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert sorted(document["tables"]) == list(MONITORED)
    assert {t["outcome"] for t in document["tables"].values()} == {"skipped"}
    assert document["unmonitored_tables"] == 4


def test_with_force_only_the_monitored_tables_are_written(partly_monitored, project, capsys):
    assert export(project, partly_monitored, "--force") == 0
    assert "(4 other table(s) of the gold schema have no monitor)" in capsys.readouterr().out
    for table in SHIPPED:
        text = (declarations(project) / f"{table}.yaml").read_text()
        assert text.startswith("# yaml-language-server:") == (table in MONITORED)


def test_a_table_asked_for_with_a_declaration_but_no_monitor_fails_as_having_none(
    partly_monitored, project, capsys
):
    assert export(project, partly_monitored, "--table", "dim_user") == 1
    out = capsys.readouterr().out
    assert f"dim_user  failed   no monitor on {DEV}.dim_user" in out
    assert (declarations(project) / "dim_user.yaml").read_text() == "snapshot: {}\n"


def test_export_prints_a_progress_line_per_table_on_a_terminal(deployed, project, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert export(project, deployed, "--table", "dim_host", "--table", "dim_user") == 0
    progress = [line for line in terminal.getvalue().splitlines() if line.startswith("export: ")]
    assert progress[-2:] == [
        "export: dim_host: reading its monitor (1/2)",
        "export: dim_user: reading its monitor (2/2)",
    ]


@pytest.mark.parametrize("json_flag", [True, False])
def test_export_prints_no_progress_with_json_or_without_a_terminal(
    deployed, project, monkeypatch, capsys, json_flag
):
    if json_flag:
        terminal = Terminal()
        monkeypatch.setattr("sys.stderr", terminal)
        assert export(project, deployed, "--table", "dim_host", "--json") == 0
        assert json.loads(capsys.readouterr().out)["schema_version"] == 1
        err = terminal.getvalue()
    else:
        assert export(project, deployed, "--table", "dim_host") == 0
        err = capsys.readouterr().err
    assert "reading its monitor" not in err
