"""`monitors plan` on the data quality backend: the new API's endpoint and body, with
named placeholders where the program looks UUIDs up, and exactly what the program registers."""

from __future__ import annotations

import json
import runpy
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitors.cli.main import main
from monitors.declared.settings import read_stack_config
from monitors.desired.anomaly_alert import UPDATE_REMOVES_RECIPIENTS
from monitors.desired.payload_dq import placeholder_name
from tests.cli.test_plan_command import snake
from tests.fakes.mock_runtime import mock_object_id, run_program

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def copy(tmp_path) -> Path:
    """A throw-away copy of the project's stack files and declarations."""
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "monitors" / "declarations", tmp_path / "monitors" / "declarations")
    return tmp_path


def use_data_quality(project: Path, stack: str, **more: Any) -> dict[str, Any]:
    """Switch a project copy's stack to the data quality API; its config as the engine has it."""
    path = project / f"Pulumi.{stack}.yaml"
    document = yaml.safe_load(path.read_text())
    document["config"]["lakehouse-monitors:api"] = "data_quality"
    document["config"].update({f"lakehouse-monitors:{k}": v for k, v in more.items()})
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return read_stack_config(stack, project)


def resolved(value: Any) -> Any:
    """A plan body with its placeholders replaced by the UUIDs the mocks' lookups answer."""
    if isinstance(value, dict):
        return {k: resolved(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolved(v) for v in value]
    found = placeholder_name(value)
    return mock_object_id(*found) if found else value


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_plan_prints_what_the_program_registers_on_the_data_quality_backend(capsys, copy, stack):
    config = use_data_quality(copy, stack)
    assert main(["plan", "--stack", stack, "--json", "--project-dir", str(copy)]) == 0
    document = json.loads(capsys.readouterr().out)
    run = run_program(lambda: runpy.run_path(str(ROOT / "__main__.py")), stack=stack, config=config)
    for table, monitor in document["monitors"].items():
        registration = run.monitor(table)
        assert registration.type == "databricks:index/dataQualityMonitor:DataQualityMonitor"
        assert snake(registration.inputs) == resolved(monitor["request"])
        assert monitor["protect"] == registration.protect


def test_plan_text_shows_the_new_endpoint_and_the_placeholders(capsys, copy):
    use_data_quality(copy, "dev")
    assert main(["plan", "--stack", "dev", "--project-dir", str(copy)]) == 0
    out = capsys.readouterr().out
    assert (
        "Stack dev: 5 monitors, 0 alerts (4 declared, not deployed: see the end), "
        "protection off, data_quality API"
    ) in out
    assert "   POST /api/data-quality/v1/monitors\n" in out
    assert '"object_id": "<table_id of wanderbricks_dev.wanderbricks_gold.dim_user>"' in out
    assert (
        '"output_schema_id": "<schema_id of wanderbricks_dev.wanderbricks_gold_monitoring>"' in out
    )
    assert "/api/2.1/unity-catalog" not in out


def test_plan_shows_anomaly_detection(capsys, copy):
    use_data_quality(copy, "prod", anomalyDetection={"enabled": True})
    assert main(["plan", "--stack", "prod", "--project-dir", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "== anomaly detection of schema wanderbricks.wanderbricks_gold" in out
    assert "schema-anomaly-detection" in out and '"object_type": "schema"' in out


def test_plan_says_an_update_of_anomaly_detection_removes_the_schema_alerts_recipients(
    capsys, copy
):
    use_data_quality(copy, "prod", anomalyDetection={"enabled": True})
    assert main(["plan", "--stack", "prod", "--project-dir", str(copy)]) == 0
    assert f"   on update: {UPDATE_REMOVES_RECIPIENTS}\n" in capsys.readouterr().out
    assert main(["plan", "--stack", "prod", "--json", "--project-dir", str(copy)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["anomaly_detection"]["on_update"] == UPDATE_REMOVES_RECIPIENTS


def test_plan_refuses_a_field_the_new_api_cannot_express(capsys, copy):
    use_data_quality(copy, "dev")
    path = copy / "monitors" / "declarations" / "dim_user.yaml"
    path.write_text(path.read_text() + "data_classification_config:\n  enabled: true\n")
    assert main(["plan", "--stack", "dev", "--project-dir", str(copy)]) == 2
    err = capsys.readouterr().err
    assert "dim_user.yaml: monitor dim_user: data_classification_config: the Data Quality" in err
