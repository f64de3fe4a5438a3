"""`monitors refresh`: queue, follow, cancel and list refreshes on either monitor API,
through the real SDK against the fake workspace; every fault ends in a clear message per monitor
and the documented exit code (monitors.cli.refresh.EXIT_CODES)."""

from __future__ import annotations

import io
import json

import pytest

from monitors.cli import refresh as refresh_command
from monitors.cli.main import build_parser, main
from monitors.errors import ExitCode
from monitors.workspace import refreshes


@pytest.fixture(autouse=True)
def fast_polls(monkeypatch):
    monkeypatch.setattr(refreshes, "DEFAULT_POLL_S", 0.01)


def refresh(scene, *extra: str) -> int:
    return main(["refresh", "--stack", "dev", "--project-dir", str(scene.root), *extra])


def answer(scene, capsys, *extra: str) -> tuple[int, dict]:
    code = refresh(scene, "--json", *extra)
    return code, json.loads(capsys.readouterr().out)


def by_table(document: dict) -> dict[str, dict]:
    return {m["table"]: m for m in document["monitors"]}


def test_refresh_queues_one_refresh_per_monitor_of_the_stack(scene, capsys):
    code, document = answer(scene, capsys)
    assert code == ExitCode.OK
    assert document["schema_version"] == 1
    assert set(by_table(document)) == set(scene.tables)
    for monitor in document["monitors"]:
        assert monitor["outcome"] == "queued"
        assert monitor["refreshes"][0]["state"] == "PENDING"
        assert monitor["refreshes"][0]["trigger"] == "MANUAL"
    queued = [r for rs in scene.fake.refreshes.values() for r in rs]
    assert len(queued) == len(scene.tables)


def test_refresh_of_named_tables_queues_only_those(scene, capsys):
    table = scene.tables[0]
    code, document = answer(scene, capsys, "--table", table)
    assert code == ExitCode.OK
    assert list(by_table(document)) == [table]
    assert list(scene.fake.refreshes) == [scene.full_name(table)]


def test_a_pattern_templates_tables_are_refreshed_named_or_not(scene, capsys):
    (scene.root / "monitors/declarations/facts.yaml").write_text(
        "tables: {like: 'fact\\_new%'}\nsnapshot: {}\n"
    )
    scene.fake.add_monitor(scene.full_name("fact_new"))
    scene.fake.initialise_monitor(scene.full_name("fact_new"))
    assert "fact_new" in by_table(answer(scene, capsys)[1])
    code, document = answer(scene, capsys, "--table", "fact_new")
    assert code == ExitCode.OK and list(by_table(document)) == ["fact_new"]


def test_a_table_the_stack_does_not_monitor_is_refused_before_any_call(scene, capsys):
    code = refresh(scene, "--table", "not_a_monitor")
    assert code == ExitCode.INVALID
    err = capsys.readouterr().err
    assert "not_a_monitor: not a monitor of stack 'dev'" in err
    assert "Traceback" not in err
    assert scene.fake.api_calls() == []


def test_wait_follows_each_refresh_to_its_end(scene, capsys):
    scene.fake.script_refreshes("RUNNING", "SUCCESS")
    code, document = answer(scene, capsys, "--wait", "--timeout", "30")
    assert code == ExitCode.OK
    for monitor in document["monitors"]:
        latest = monitor["refreshes"][0]
        assert (latest["state"], latest["duration_s"]) == ("SUCCESS", 42.0)


def test_a_refresh_that_fails_exits_1_with_the_workspace_message(scene, capsys):
    scene.fake.script_refreshes("RUNNING", "FAILED", message="Table has no rows in the window")
    code = refresh(scene, "--wait", "--table", scene.tables[0])
    assert code == ExitCode.FAILED
    out = capsys.readouterr().out
    assert "the refresh ended FAILED: Table has no rows in the window" in out
    assert f"refresh --stack dev --table {scene.tables[0]} --wait" in out


def test_a_wait_that_runs_out_exits_5_and_says_the_refreshes_go_on(scene, capsys):
    scene.fake.script_refreshes(*["RUNNING"] * 1000)
    code = refresh(scene, "--wait", "--timeout", "0.2", "--table", scene.tables[0])
    assert code == ExitCode.TIMED_OUT
    out = capsys.readouterr().out
    assert f"still running after 0.2 s: {scene.tables[0]}" in out
    assert "--list" in out


def test_progress_lines_go_to_a_terminal_only(scene, capsys):
    scene.fake.script_refreshes("RUNNING", "SUCCESS")
    code = refresh(scene, "--wait", "--table", scene.tables[0])
    assert code == ExitCode.OK
    assert "ended (" not in capsys.readouterr().err  # stderr is not a terminal here

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, out = Terminal(), io.StringIO()
    argv = ["refresh", "--stack", "dev", "--project-dir", str(scene.root), "--wait"]
    args = build_parser().parse_args([*argv, "--table", scene.tables[0]])
    assert refresh_command.run(args, out=out, err=terminal) == ExitCode.OK
    assert "refresh: 1 of 1 ended (" in terminal.getvalue()


def test_cancel_cancels_the_queued_and_running_refreshes_only(scene, capsys):
    name = scene.full_name(scene.tables[0])
    running = scene.fake.add_refresh(name, "RUNNING", trigger="SCHEDULE")
    done = scene.fake.add_refresh(name, "SUCCESS")
    code, document = answer(scene, capsys, "--cancel", "--table", scene.tables[0])
    assert code == ExitCode.OK
    assert by_table(document)[scene.tables[0]]["outcome"] == "cancel requested"
    assert (running["state"], done["state"]) == ("CANCELED", "SUCCESS")


def test_cancel_with_nothing_running_says_so(scene, capsys):
    code, document = answer(scene, capsys, "--cancel", "--table", scene.tables[0])
    assert code == ExitCode.OK
    assert by_table(document)[scene.tables[0]]["outcome"] == "nothing to cancel"


def test_list_shows_each_refresh_with_state_trigger_and_duration(scene, capsys):
    name = scene.full_name(scene.tables[0])
    scene.fake.add_refresh(name, "SUCCESS", trigger="SCHEDULE")
    scene.fake.add_refresh(name, "FAILED", trigger="MANUAL", message="boom")
    code = refresh(scene, "--list", "--table", scene.tables[0])
    assert code == ExitCode.OK
    out = capsys.readouterr().out
    lines = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert [(row[2], row[3], row[-1]) for row in lines] == [
        ("FAILED", "MANUAL", "1s"),
        ("SUCCESS", "SCHEDULE", "1s"),
    ]


# ---------------------------------------------------------------------------- faults


@pytest.mark.slow  # retries until it gives up (3.4 s, --durations)
def test_throttled_queue_is_not_queued_and_says_how_to_resume(scene, capsys):
    first, second = scene.tables[0], scene.tables[1]
    scene.fake.fail_next("POST", scene.refreshes_path(first), status=429, times=100)
    code, document = answer(scene, capsys, "--table", first, "--table", second)
    assert code == ExitCode.FAILED
    monitors = by_table(document)
    assert monitors[first]["outcome"] == "not queued"
    assert monitors[first]["detail"].startswith("not queued: gave up retrying after ")
    assert monitors[first]["resume"] == f"monitors refresh --stack dev --table {first}"
    assert monitors[second]["outcome"] == "queued"  # one monitor's fault stops no other


def test_server_error_on_queue_is_unknown_and_says_to_look_before_queuing_again(scene, capsys):
    table = scene.tables[0]
    scene.fake.fail_next("POST", scene.refreshes_path(table), status=500)
    code, document = answer(scene, capsys, "--table", table)
    assert code == ExitCode.FAILED
    monitor = by_table(document)[table]
    assert monitor["outcome"] == "unknown"
    assert monitor["detail"].startswith("it is not known whether it was queued: ")
    assert f"--table {table} --list" in monitor["resume"]


def test_malformed_answer_to_queue_is_unknown_not_a_traceback(scene, capsys):
    table = scene.tables[0]
    scene.fake.answer_next("POST", scene.refreshes_path(table), b"<html>gateway</html>")
    code = refresh(scene, "--table", table)
    captured = capsys.readouterr()
    assert code == ExitCode.FAILED
    assert "it is not known whether it was queued" in captured.out
    assert "Traceback" not in captured.out + captured.err


@pytest.mark.parametrize("fault", ["500", "malformed"])
def test_a_refresh_unreadable_while_waiting_is_read_again_not_taken_for_an_end(
    scene, capsys, fault
):
    table = scene.tables[0]
    scene.fake.script_refreshes("RUNNING", "SUCCESS")
    first_poll = scene.refreshes_path(table) + "/1"  # the fake numbers refreshes from 1
    if fault == "500":
        scene.fake.fail_next("GET", first_poll, status=500)
    else:
        scene.fake.answer_next("GET", first_poll, b'{"refresh_id": ')
    code, document = answer(scene, capsys, "--table", table, "--wait")
    assert code == ExitCode.OK
    assert document["monitors"][0]["refreshes"][0]["state"] == "SUCCESS"


@pytest.mark.slow  # retries until it gives up (3.4 s, --durations)
def test_throttled_list_is_not_read_and_says_how_to_resume(scene, capsys):
    table = scene.tables[0]
    scene.fake.fail_next("GET", scene.refreshes_path(table), status=503, times=100)
    code, document = answer(scene, capsys, "--list", "--table", table)
    assert code == ExitCode.FAILED
    monitor = by_table(document)[table]
    assert monitor["outcome"] == "not read"
    assert monitor["resume"].endswith(f"--table {table} --list")


def test_every_exit_code_the_command_ends_with_is_documented():
    documented = {code for code, _ in refresh_command.EXIT_CODES}
    assert documented == {
        ExitCode.OK,
        ExitCode.FAILED,
        ExitCode.INVALID,
        ExitCode.ABORTED,
        ExitCode.TIMED_OUT,
    }


def test_a_workspace_that_does_not_answer_is_told_before_anything_is_asked(scene, capsys):
    from tests.fakes.workspace import refused_host

    path = scene.root / "Pulumi.dev.yaml"
    path.write_text(path.read_text().replace(scene.fake.host, refused_host()))
    code = refresh(scene)
    err = capsys.readouterr().err
    assert code == ExitCode.FAILED
    assert "Nothing was asked of it: no refresh was queued, cancelled or read." in err
    assert scene.fake.api_calls() == []


def test_once_the_workspace_stops_answering_the_rest_are_told_not_asked(scene, monkeypatch):
    import requests
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.config import Config

    from monitors.declared.project import build_project
    from monitors.declared.project_input import read_project_input
    from monitors.workspace.client import Deadline
    from monitors.workspace.refresh_run import RefreshRun, targets_for

    calls: list[str] = []

    def queue(client, target):
        calls.append(target.table)
        raise requests.ConnectionError("Connection reset by peer")

    monkeypatch.setattr(refreshes, "queue", queue)
    monkeypatch.setattr(refreshes, "resolve", lambda client, target: target)
    client = WorkspaceClient(
        config=Config(host=scene.fake.host, token=scene.fake.token, auth_type="pat")
    )
    targets = targets_for(build_project(read_project_input("dev", scene.root)), None)
    report = RefreshRun(client, stack="dev", deadline=Deadline(60)).run("queue", targets)
    assert calls == [targets[0].table]  # nothing more is asked of a workspace that is gone
    first, *rest = report.monitors
    assert first.outcome == "unknown"  # the request may have been sent
    assert all(m.outcome == "not queued" for m in rest)
    assert all(m.detail.startswith("not asked: the workspace stopped answering") for m in rest)
    assert [m.resume for m in rest] == [
        f"monitors refresh --stack dev --table {m.table}" for m in rest
    ]
    assert report.exit_code == ExitCode.FAILED
