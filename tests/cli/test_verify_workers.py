"""`verify --workers N`: a bounded pool, its number checked like every numeric option, one
progress line per monitor on a terminal only, and a time budget that grows with the work."""

from __future__ import annotations

import json

import pytest

from monitors.cli.output import ScrubbedStream
from monitors.cli.verify import PER_MONITOR_S, time_budget
from tests.cli.test_verify_command import deploy_dev, isolated, verify, workspace

__all__ = ["isolated", "workspace"]  # fixtures, shared with test_verify_command

DEV_MONITORS = 5


@pytest.mark.parametrize("given", ["0", "33", "2.5", "nan", "eight"])
def test_a_worker_count_out_of_range_is_a_usage_error(project, given, capsys):
    with pytest.raises(SystemExit) as exit_:
        verify(project, "--workers", given)
    assert exit_.value.code == 2
    assert "--workers: must be a whole number of workers from 1 to 32" in capsys.readouterr().err


@pytest.mark.parametrize("workers", ["1", "8"])
def test_every_worker_count_gives_the_same_report(workspace, project, monkeypatch, capsys, workers):
    deploy_dev(workspace)
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    assert verify(project, "--host", workspace.host, "--json", "--workers", workers) == 0
    report = json.loads(capsys.readouterr().out)
    assert [m["table"] for m in report["monitors"]] == sorted(
        m["table"] for m in report["monitors"]
    )
    assert len(report["monitors"]) == DEV_MONITORS


def test_a_terminal_gets_one_progress_line_per_monitor(workspace, project, monkeypatch, capsys):
    deploy_dev(workspace)
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    monkeypatch.setattr(ScrubbedStream, "isatty", lambda self: True)
    assert verify(project, "--host", workspace.host) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if "] " in line]
    assert len(lines) == DEV_MONITORS
    assert all(line.startswith("verify: [") and line.endswith(": ok") for line in lines)
    assert sorted(line.split("] ")[0] for line in lines) == [
        f"verify: [{i}/{DEV_MONITORS}" for i in range(1, DEV_MONITORS + 1)
    ]


@pytest.mark.parametrize(("tty", "extra"), [(True, ("--json",)), (False, ())])
def test_no_progress_lines_with_json_or_off_a_terminal(
    workspace, project, monkeypatch, capsys, tty, extra
):
    deploy_dev(workspace)
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    monkeypatch.setattr(ScrubbedStream, "isatty", lambda self: tty)
    assert verify(project, "--host", workspace.host, *extra) == 0
    assert "verify: [" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("monitors", "workers", "extra_s"),
    [(5, 8, PER_MONITOR_S), (500, 8, 63 * PER_MONITOR_S), (500, 1, 500 * PER_MONITOR_S)],
)
def test_the_time_budget_grows_with_the_monitors_each_worker_checks(monitors, workers, extra_s):
    assert time_budget(120, monitors, workers) == 120 + extra_s
