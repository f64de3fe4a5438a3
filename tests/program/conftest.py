"""Helpers to deploy declarations twice under mocks and say what the engine would do."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitors.desired.record import STRUCTURE_OUTPUT
from monitors.naming import DECLARATIONS_DIR
from monitors.program.register import deploy
from monitors.program.testing import ProgramRun, run_program
from monitors.spec.loader import parse_declaration
from monitors.spec.project import Project, select_monitors
from monitors.spec.settings import read_stack_config, settings_from_config


def real_declarations() -> dict[str, dict[str, Any]]:
    """The shipped declarations as raw YAML data, to edit in a test."""
    return {p.stem: yaml.safe_load(p.read_text()) for p in sorted(DECLARATIONS_DIR.glob("*.yaml"))}


def stack_config(stack: str, **overrides: Any) -> dict[str, Any]:
    """A real stack file's config with `key=value` overrides in the project namespace."""
    config = dict(read_stack_config(stack))
    for key, value in overrides.items():
        config[f"lakehouse-monitors:{key}"] = value
    return config


def make_project(declarations: dict[str, dict[str, Any]], stack: str, config: dict) -> Project:
    settings = settings_from_config(stack, config, f"Pulumi.{stack}.yaml")
    specs = {t: parse_declaration(t, d, f"{t}.yaml") for t, d in declarations.items()}
    return Project(settings, select_monitors(settings, specs, f"Pulumi.{stack}.yaml"))


def deploy_once(
    declarations: dict[str, dict[str, Any]],
    *,
    stack: str = "dev",
    config: dict | None = None,
    last: ProgramRun | None = None,
) -> ProgramRun:
    """Evaluate the program; `last` is the previous run whose outputs the stack reads back."""
    project = make_project(declarations, stack, config or stack_config(stack))
    last_outputs = {STRUCTURE_OUTPUT: last.outputs[STRUCTURE_OUTPUT]} if last else {}
    return run_program(lambda: deploy(project), stack=stack, last_outputs=last_outputs)


@dataclass
class Transition:
    """Two successive deployments and what the engine does to each monitor between them."""

    before: ProgramRun
    after: ProgramRun

    def outcome(self, table: str) -> str:
        """'replace' (trigger changed), 'update' (inputs changed) or 'same'."""
        old, new = self.before.monitor(table), self.after.monitor(table)
        if old.replacement_trigger != new.replacement_trigger:
            return "replace"
        return "update" if old.inputs != new.inputs else "same"

    def others_untouched(self, table: str) -> bool:
        return all(
            self.outcome(r.name) == "same" for r in self.after.registrations if r.name != table
        )


@pytest.fixture
def declarations() -> dict[str, dict[str, Any]]:
    return copy.deepcopy(real_declarations())


@pytest.fixture
def transition():
    """transition(before, after, stack=..., config_before=..., config_after=...) -> Transition."""

    def run(
        before: dict,
        after: dict,
        *,
        stack: str = "dev",
        config_before: dict | None = None,
        config_after: dict | None = None,
    ) -> Transition:
        first = deploy_once(before, stack=stack, config=config_before)
        second = deploy_once(after, stack=stack, config=config_after, last=first)
        return Transition(first, second)

    return run


ROOT = Path(__file__).resolve().parents[2]
