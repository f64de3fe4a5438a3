"""`plan` prints validation warnings on stderr and still succeeds; its JSON stays clean."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from monitors.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def test_plan_prints_a_warning_naming_file_monitor_and_field_and_exits_zero(capsys, tmp_path):
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    declarations = tmp_path / "monitors" / "declarations"
    shutil.copytree(ROOT / "monitors" / "declarations", declarations)
    path = declarations / "dim_host.yaml"
    path.write_text(path.read_text().replace("COUNT_IF(is_current)", "COUNT_IF(is_current) -- now"))
    assert main(["plan", "--stack", "dev", "--project-dir", str(tmp_path), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["monitors"]["dim_host"]
    assert (
        "warning: monitors/declarations/dim_host.yaml: monitor dim_host: "
        "custom_metrics[0] (current_host_count).definition: has a '--' comment"
    ) in captured.err
