"""The shipped stack files show the alert settings as a commented YAML block: uncommented as it
stands, it parses, validates, and makes the stack deploy every declared alert; and it sets the
same keys as the `pulumi config set --path` commands `plan` prints."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from monitors.cli.main import main
from monitors.declared.project import build_project
from monitors.declared.project_input import read_project_input
from monitors.desired.alerts import ALERT_SETTING_EXAMPLE, alert_requests
from tests.helpers.alerts import SHIPPED_ALERTS

ROOT = Path(__file__).resolve().parents[2]
BLOCK_START = re.compile(r"^(?P<indent> *)# (?P<key>lakehouse-monitors:alerts:)$")


def uncommented(text: str) -> str:
    """The stack file with its commented `lakehouse-monitors:alerts:` block uncommented."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if BLOCK_START.match(line))
    indent = BLOCK_START.match(lines[start]).group("indent")  # type: ignore[union-attr]
    lines[start] = indent + "lakehouse-monitors:alerts:"
    for i in range(start + 1, len(lines)):
        if not lines[i].startswith(f"{indent}#   "):
            break
        lines[i] = indent + lines[i][len(indent) + 2 :]
    return "\n".join(lines) + "\n"


def leaf_paths(value: object, prefix: str = "") -> set[str]:
    """`schedule.timezone_id`, `notify.emails[0]`: the `--path` of every leaf."""
    if isinstance(value, dict):
        return {p for k, v in value.items() for p in leaf_paths(v, f"{prefix}{k}.")}
    if isinstance(value, list):
        return {p for i, v in enumerate(value) for p in leaf_paths(v, f"{prefix[:-1]}[{i}].")}
    return {prefix[:-1]}


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "monitors" / "declarations", tmp_path / "monitors" / "declarations")
    return tmp_path


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_stack_files_commented_alert_block_once_uncommented_deploys_every_alert(
    project_copy: Path, stack: str
):
    path = project_copy / f"Pulumi.{stack}.yaml"
    assert build_project(read_project_input(stack, project_copy)).settings.alerts is None
    path.write_text(uncommented(path.read_text(encoding="utf-8")), encoding="utf-8")
    project = build_project(read_project_input(stack, project_copy))
    assert project.settings.alerts is not None
    assert sorted(alert_requests(project)) == sorted(SHIPPED_ALERTS)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_commented_block_sets_the_keys_plan_tells_to_set(stack: str):
    text = uncommented((ROOT / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))
    block = yaml.safe_load(text)["config"]["lakehouse-monitors:alerts"]
    assert leaf_paths(block) == {path for path, _ in ALERT_SETTING_EXAMPLE}


def test_plan_shows_undeployed_alerts_with_their_query_and_the_commands_to_deploy_them(capsys):
    assert main(["plan", "--stack", "dev"]) == 0
    out = capsys.readouterr().out
    assert "0 alerts (4 declared, not deployed: see the end)" in out.splitlines()[0]
    for key in SHIPPED_ALERTS:
        assert f"== alert {key} (on monitor {key.split('.')[0]}): NOT DEPLOYED" in out
    assert "fires when: click_through_rate < 0.01 in each of the latest 3 windows (1 day)" in out
    assert (
        "FROM `wanderbricks_dev`.`wanderbricks_gold_monitoring`.`dim_host_profile_metrics`" in out
    )
    assert (
        "  pulumi config set --stack dev --path "
        "'lakehouse-monitors:alerts.warehouse_id' <sql-warehouse-id>\n"
    ) in out
    assert "or uncomment the lakehouse-monitors:alerts block in Pulumi.dev.yaml." in out


def test_a_stack_that_deploys_its_alerts_shows_no_undeployed_ones(capsys, project_copy: Path):
    path = project_copy / "Pulumi.prod.yaml"
    path.write_text(uncommented(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["plan", "--stack", "prod", "--project-dir", str(project_copy)]) == 0
    out = capsys.readouterr().out
    assert "NOT DEPLOYED" not in out
    assert "pulumi config set" not in out
