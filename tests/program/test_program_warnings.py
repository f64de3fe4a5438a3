"""The program logs validation warnings (pulumi.log.warn) and deploys all the same."""

from __future__ import annotations

import runpy
from pathlib import Path

from monitors.declared.settings import read_stack_config
from tests.fakes.mock_runtime import run_program
from tests.helpers.declarations import copy_shipped_declarations

ROOT = Path(__file__).resolve().parents[2]


def test_a_warning_is_logged_naming_the_monitor_and_the_monitor_is_still_registered(
    tmp_path, monkeypatch
):
    from monitors.program import entrypoint

    copy = copy_shipped_declarations(tmp_path / "monitors" / "declarations")
    doubtful = copy / "dim_host.yaml"
    doubtful.write_text(
        doubtful.read_text().replace("COUNT_IF(is_current)", "COUNT_IF(is_current) -- now")
    )
    monkeypatch.setattr(entrypoint, "PROJECT_ROOT", tmp_path)
    run = run_program(
        lambda: runpy.run_path(str(ROOT / "__main__.py")),
        stack="dev",
        config=read_stack_config("dev"),
    )
    assert any(
        "dim_host.yaml: monitor dim_host: custom_metrics[0] (current_host_count).definition: "
        "has a '--' comment" in warning
        for warning in run.warnings
    )
    assert run.monitor("dim_host")
