"""`monitors plan`: validates, and prints exactly what the program sends."""

from __future__ import annotations

import io
import json
import re
import runpy
import shutil
from pathlib import Path

import pytest

from monitors.cli.main import main
from monitors.declared.settings import read_stack_config
from tests.fakes.mock_runtime import run_program

ROOT = Path(__file__).resolve().parents[2]
DOUBLE = '{"metadata":{},"name":"output","nullable":true,"type":"double"}'


def snake(value):
    """camelCase keys (as the engine sees inputs) back to the API's snake_case."""
    if isinstance(value, dict):
        return {re.sub(r"(?<!^)([A-Z])", r"_\1", k).lower(): snake(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snake(v) for v in value]
    return value


def plan_json(capsys, *argv: str) -> dict:
    assert main(["plan", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A throw-away copy of the project's stack files and declarations."""
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "monitors" / "declarations", tmp_path / "monitors" / "declarations")
    return tmp_path


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_plan_prints_what_the_program_registers(capsys, stack):
    document = plan_json(capsys, "--stack", stack)
    run = run_program(
        lambda: runpy.run_path(str(ROOT / "__main__.py")),
        stack=stack,
        config=read_stack_config(stack),
    )
    for table, monitor in document["monitors"].items():
        registered = snake(run.monitor(table).inputs)
        assert registered == {"table_name": monitor["table_name"], **monitor["request"]}
        assert monitor["protect"] == run.monitor(table).protect


def test_plan_text_shows_the_endpoint_and_the_exact_output_type(capsys):
    assert main(["plan", "--stack", "dev"]) == 0
    out = capsys.readouterr().out
    assert (
        "POST /api/2.1/unity-catalog/tables/wanderbricks_dev.wanderbricks_gold.fact_booking_daily/monitor"
        in out
    )
    assert json.dumps(DOUBLE) in out
    assert "protect: false   delete_before_replace: true   reset token: none" in out


def test_plan_shows_protection_and_a_pending_reset(capsys, project_copy):
    stack_file = project_copy / "Pulumi.prod.yaml"
    stack_file.write_text(
        stack_file.read_text()
        + "  lakehouse-monitors:resets:\n    dim_host:\n      token: t-1\n      purge: true\n"
    )
    document = plan_json(capsys, "--stack", "prod", "--project-dir", str(project_copy))
    assert document["protect"] is True
    assert document["monitors"]["dim_host"]["reset"] == {"token": "t-1", "purge": True}
    assert document["monitors"]["dim_user"]["reset"] is None


def test_plan_rejects_a_bad_declaration_naming_file_monitor_and_field(capsys, project_copy):
    path = project_copy / "monitors" / "declarations" / "dim_user.yaml"
    path.write_text(path.read_text().replace("type: derived", "type: ratio"))
    assert main(["plan", "--stack", "dev", "--project-dir", str(project_copy)]) == 2
    err = capsys.readouterr().err
    assert re.search(
        r"error: .*dim_user\.yaml: monitor dim_user: custom_metrics\[4\] \(business_user_rate\)"
        r"\.type: unknown value 'ratio'",
        err,
    )


def test_plan_of_an_unknown_stack_names_the_known_ones(capsys):
    assert main(["plan", "--stack", "staging"]) == 2
    assert "Pulumi.staging.yaml: no such stack file (stacks: dev, prod)" in capsys.readouterr().err


def test_python_dash_m_monitors_runs_the_cli():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "monitors", "plan", "--stack", "dev", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert sorted(json.loads(result.stdout)["monitors"]) == [
        "dim_host",
        "dim_property",
        "dim_user",
        "fact_booking_daily",
        "fact_property_engagement",
    ]


def test_output_is_plain_text_without_a_terminal():
    out = io.StringIO()
    from monitors.cli.plan import render_plan
    from monitors.declared.project import build_project
    from monitors.declared.project_input import read_project_input
    from monitors.desired.plan import make_plan, plan_document

    render_plan(plan_document(make_plan(build_project(read_project_input("dev")))), out)
    assert "\x1b[" not in out.getvalue()


def test_plan_refuses_a_plain_text_token_in_the_stack_file(capsys, project_copy):
    stack_file = project_copy / "Pulumi.dev.yaml"
    stack_file.write_text(stack_file.read_text() + "  databricks:token: not-a-secret\n")
    assert main(["plan", "--stack", "dev", "--project-dir", str(project_copy)]) == 2
    err = capsys.readouterr().err
    assert "Pulumi.dev.yaml: databricks:token: is in plain text" in err
    assert "not-a-secret" not in err
