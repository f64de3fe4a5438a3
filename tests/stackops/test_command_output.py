"""What `reset` and `adopt` print besides their messages: one progress line per step or monitor
on a terminal's stderr (none with --json or without a terminal), and with --json one document on
stdout carrying `schema_version`, the messages moved to stderr."""

from __future__ import annotations

import json

import pytest

from monitors.cli.main import main
from tests.fakes.terminal import Terminal
from tests.helpers.declarations import TABLES
from tests.helpers.fake_cli import full_name, same_all


def run(argv, project, fake):
    return main([*argv, "--project-dir", str(project), "--pulumi-root", str(fake.root)])


def resettable(fake):
    steps = same_all("dev", but={"dim_host": "replace"})
    fake.write(stacks=fake.scenario["stacks"], preview={"steps": steps}, up={"steps": steps})


def adoptable(fake):
    stacks = fake.scenario["stacks"]
    stacks["dev"] = {"resources": []}
    fake.write(
        stacks=stacks,
        cloud={full_name("dev", t): {"tableName": full_name("dev", t)} for t in TABLES},
        preview={"steps": same_all("dev")},
    )


def progress_of(command: str, text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(f"{command}: ")]


RESET = ["reset", "--stack", "dev", "--table", "dim_host", "--yes"]
ADOPT = ["adopt", "--stack", "dev"]


def test_reset_prints_a_progress_line_per_step_on_a_terminal(project, fake, monkeypatch):
    resettable(fake)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert run(RESET, project, fake) == 0
    lines = progress_of("reset", terminal.getvalue())
    assert lines[:3] == [
        "reset: dim_host: writing a fresh reset token",
        "reset: pulumi preview: checking the reset replaces only dim_host",
        "reset: pulumi up: recreating dim_host",
    ]
    assert "reset: monitor dim_host: delete-replaced done" in lines
    assert "reset: monitor dim_host: create-replacement done" in lines


def test_adopt_prints_a_progress_line_per_step_on_a_terminal(project, fake, monkeypatch):
    adoptable(fake)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert run(ADOPT, project, fake) == 0
    assert progress_of("adopt", terminal.getvalue()) == [
        "adopt: reading the state of stack 'dev'",
        f"adopt: pulumi import: {', '.join(TABLES)}",
        "adopt: pulumi preview: what `pulumi up` would now do to each monitor",
    ]


@pytest.mark.parametrize(("argv", "ready"), [(RESET, resettable), (ADOPT, adoptable)])
def test_no_progress_lines_without_a_terminal(project, fake, capsys, argv, ready):
    ready(fake)
    assert run(argv, project, fake) == 0
    assert progress_of(argv[0], capsys.readouterr().err) == []


def test_reset_json_is_one_document_on_stdout_and_no_progress(project, fake, monkeypatch, capsys):
    resettable(fake)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert run([*RESET, "--json"], project, fake) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["schema_version"] == 1
    assert document["stack"] == "dev"
    assert list(document["monitors"]) == ["dim_host"]
    assert document["monitors"]["dim_host"]["reused"] is False
    assert document["monitors"]["dim_host"]["token"]
    assert progress_of("reset", terminal.getvalue()) == []
    assert "--yes given: not asking for confirmation." in terminal.getvalue()


def test_adopt_json_says_what_was_imported(project, fake, capsys):
    adoptable(fake)
    assert run([*ADOPT, "--json"], project, fake) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["schema_version"] == 1
    assert document["imported"] == list(TABLES)
    assert document["skipped"] == []
    assert {t: p["change"] for t, p in document["plan"].items()} == dict.fromkeys(TABLES, "same")
