"""What every command shares: `--version`, a description and exit codes in `--help` (rendered
from the command module's EXIT_CODES), `--json` with `schema_version` and a JSON error object on
failure, `-v`, and a one-line hint instead of a ModuleNotFoundError on a bare Python."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from monitors.cli.main import COMMANDS, build_parser, main
from monitors.errors import ExitCode
from monitors.version import VERSION

ROOT = Path(__file__).resolve().parents[2]
# Commands whose output is a result a script may read. `schema` prints a JSON document already
# (the JSON Schema itself), or one line saying where it wrote it.
PRINTS_RESULTS = ("plan", "verify", "reset", "adopt", "urns", "export", "migrate")


def commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    found = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(found.choices)


def test_version_prints_the_one_version_constant(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"monitors {VERSION}\n"


def test_pyproject_reads_the_version_from_the_same_constant():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'version = { attr = "monitors.version.VERSION" }' in text
    assert 'dynamic = ["version"]' in text


def test_every_registered_command_declares_exit_codes_and_a_description():
    parsers = commands()
    assert len(parsers) == len(COMMANDS)
    for module in COMMANDS:
        codes = module.EXIT_CODES
        assert codes, module.__name__
        assert all(isinstance(c, ExitCode) and isinstance(m, str) and m for c, m in codes)
        assert codes[0][0] is ExitCode.OK, module.__name__
        assert ExitCode.INVALID in {c for c, _ in codes}, f"{module.__name__}: usage errors exit 2"
    for name, parser in parsers.items():
        assert parser.description and parser.description.strip(), name


@pytest.mark.parametrize("command", [m.__name__.rsplit(".", 1)[1] for m in COMMANDS])
def test_every_commands_help_lists_its_exit_codes(capsys, command):
    module = next(m for m in COMMANDS if m.__name__.endswith(f".{command}"))
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    help_text = capsys.readouterr().out
    assert help_text.startswith(f"usage: monitors {command} ")
    codes = help_text[help_text.index("\nexit codes:\n") :]
    for code, meaning in module.EXIT_CODES:
        first_words = " ".join(meaning.split()[:3])
        assert f"\n  {int(code):<3} {first_words}" in codes, (code, codes)


def test_the_top_level_help_lists_every_exit_code(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert text.startswith("usage: monitors ")
    for code in ExitCode:
        assert f"\n  {int(code):<3} " in text


@pytest.mark.parametrize("command", PRINTS_RESULTS)
def test_every_command_that_prints_results_takes_json(command):
    options = {o for a in commands()[command]._actions for o in a.option_strings}
    assert "--json" in options


@pytest.mark.parametrize("command", [m.__name__.rsplit(".", 1)[1] for m in COMMANDS])
def test_every_command_accepts_v(command):
    options = {o for a in commands()[command]._actions for o in a.option_strings}
    assert {"-v", "--verbose"} <= options


def test_a_failure_with_json_is_a_json_error_object_on_stdout(capsys):
    assert main(["plan", "--stack", "nosuchstack", "--json"]) == 2
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["schema_version"] == 1
    error = document["error"]
    assert error["exit_code"] == 2
    assert error["kind"] == "StackConfigError"
    assert error["message"].startswith("Pulumi.nosuchstack.yaml: no such stack file")
    assert error["problems"][0]["file"] == "Pulumi.nosuchstack.yaml"
    assert captured.err.startswith("error: Pulumi.nosuchstack.yaml: no such stack file")


def test_a_usage_error_with_json_is_a_json_error_object_on_stdout(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["reset", "--stack", "dev", "--json"])
    assert exited.value.code == 2
    captured = capsys.readouterr()
    error = json.loads(captured.out)["error"]
    assert error["kind"] == "UsageError"
    assert error["exit_code"] == 2
    assert "one of the arguments --table --all is required" in error["message"]
    assert "one of the arguments --table --all is required" in captured.err


def test_a_failure_without_json_prints_nothing_on_stdout(capsys):
    assert main(["plan", "--stack", "nosuchstack"]) == 2
    assert capsys.readouterr().out == ""


def test_plan_json_carries_the_schema_version(capsys):
    assert main(["plan", "--stack", "dev", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["schema_version"] == 1


def bare_python(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -S -m monitors ARGS` in the checkout: no site-packages, so no dependency."""
    return subprocess.run(
        [sys.executable, "-S", "-m", "monitors", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_python_without_the_dependencies_gets_a_one_line_hint_not_a_traceback():
    run = bare_python("plan", "--stack", "dev")
    assert run.returncode == 2
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1, run.stderr
    assert "lacks the project's dependencies" in run.stderr
    assert "`.venv/bin/monitors plan --stack dev`" in run.stderr
    assert "bash bootstrap.sh" in run.stderr
    assert "Traceback" not in run.stderr
    assert "ModuleNotFoundError" not in run.stderr


def test_a_python_without_the_dependencies_still_shows_help_and_version():
    assert bare_python("--version").stdout == f"monitors {VERSION}\n"
    assert "exit codes:" in bare_python("plan", "--help").stdout


def test_the_monitors_console_command_runs_the_cli_as_pip_installs_it():
    """pip's console-script wrapper imports the entry point, then calls it."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    assert scripts == {"monitors": "monitors.__main__:console"}
    module, _, function = scripts["monitors"].partition(":")
    wrapper = (
        "import sys; sys.argv = ['monitors', '--version']; "
        f"from {module} import {function}; sys.exit({function}())"
    )
    run = subprocess.run(
        [sys.executable, "-c", wrapper],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (run.returncode, run.stdout) == (0, f"monitors {VERSION}\n")


def test_the_exit_code_reference_has_a_row_per_code_with_each_commands_meaning():
    from monitors.cli.reference_docs import exit_codes_page

    page = exit_codes_page()
    for code in ExitCode:
        assert f"\n| {int(code)} | `{code.name}` | {code.meaning} |" in page
    for module in COMMANDS:
        assert f"`{module.__name__.rsplit('.', 1)[1]}`: " in page
