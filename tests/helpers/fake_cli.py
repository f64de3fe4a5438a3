"""The recording fake `pulumi` (tests/fakes/pulumi_cli) as tests drive it: the scenario a test
writes, the call log it reads, and builders of the stacks and steps a scenario holds."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from monitors.declared.project import build_project
from monitors.declared.project_input import read_project_input
from monitors.desired.plan import make_plan
from monitors.desired.record import MONITORS_OUTPUT, STRUCTURE_OUTPUT, entry
from monitors.desired.replacement import Structure
from monitors.naming import RESOURCE_TYPE, monitor_urn
from tests.helpers.declarations import TABLES

FAKE_ROOT = Path(__file__).resolve().parent.parent / "fakes" / "pulumi_cli"
CATALOG = {"dev": "wanderbricks_dev", "prod": "wanderbricks"}


def full_name(stack: str, table: str) -> str:
    return f"{CATALOG[stack]}.wanderbricks_gold.{table}"


def monitor_resource(stack: str, table: str, **extra: Any) -> dict[str, Any]:
    """A monitor as `pulumi stack export` shows it."""
    return {
        "urn": monitor_urn(stack, table),
        "custom": True,
        "id": full_name(stack, table),
        "type": RESOURCE_TYPE,
        "inputs": {"tableName": full_name(stack, table)},
        "outputs": {"tableName": full_name(stack, table)},
        **extra,
    }


def deployed_outputs(
    project: Path, stack: str, **edits: Callable[[Structure], Structure]
) -> dict[str, Any]:
    """The stack outputs a completed deployment of the project copy recorded: its
    `monitor_structure`, each table's structure passed through `edits[table]` (what was deployed
    differently), and a `monitors` entry per table (its registration completed)."""
    plan = make_plan(build_project(read_project_input(stack, project)))
    record = {
        t: entry(edits.get(t, lambda s: s)(structure)) for t, structure in plan.structures.items()
    }
    monitors = {t: {"table_name": full_name(stack, t)} for t in plan.structures}
    return {STRUCTURE_OUTPUT: record, MONITORS_OUTPUT: monitors}


def step(op: str, stack: str, table: str, **extra: Any) -> dict[str, Any]:
    """A scenario step for one monitor."""
    return {"op": op, "urn": monitor_urn(stack, table), **extra}


def same_all(stack: str, *, but: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Every monitor `same`, except those in `but` ({table: op})."""
    but = but or {}
    return [step(but.get(t, "same"), stack, t) for t in TABLES]


@dataclass
class FakePulumi:
    """The fake CLI's scenario (written by the test) and its call log (read by the test)."""

    dir: Path
    root: Path = FAKE_ROOT
    scenario: dict[str, Any] = field(default_factory=dict)

    @property
    def scenario_path(self) -> Path:
        return self.dir / "scenario.json"

    def write(self, **scenario: Any) -> None:
        self.scenario = {"version": "3.272.0", "project": "lakehouse-monitors", **scenario}
        self.scenario_path.write_text(json.dumps(self.scenario, indent=2))

    def world(self) -> dict[str, Any]:
        return json.loads(self.scenario_path.read_text())

    def resources(self, stack: str) -> list[dict[str, Any]]:
        return self.world()["stacks"][stack].get("resources", [])

    def calls(self) -> list[dict[str, Any]]:
        log = self.dir / "calls.jsonl"
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text().splitlines()]

    def argvs(self) -> list[list[str]]:
        return [c["argv"] for c in self.calls()]

    def commands(self) -> list[str]:
        """Each call as a string, with the per-run parts (event-log address) masked."""
        masked = []
        for argv in self.argvs():
            out = []
            for i, arg in enumerate(argv):
                out.append("<event-log>" if i and argv[i - 1] == "--event-log" else arg)
            masked.append(" ".join(out))
        return masked

    def file_given(self, index: int) -> Any:
        """The JSON content of the `--file` handed to the index-th call that had one."""
        with_files = [c for c in self.calls() if c.get("files")]
        return json.loads(Path(with_files[index]["files"]["--file"]).read_text())


def fake_pulumi(directory: Path, monkeypatch: pytest.MonkeyPatch) -> FakePulumi:
    """The fake CLI keeping its scenario and call log in `directory` (made here), the
    environment pointing it there (no scenario written yet)."""
    directory.mkdir()
    monkeypatch.setenv("FAKE_PULUMI_SCENARIO", str(directory / "scenario.json"))
    monkeypatch.setenv("FAKE_PULUMI_PYTHON", sys.executable)
    monkeypatch.delenv("PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK", raising=False)
    return FakePulumi(directory)
