"""Helpers to deploy declarations under mocks and say what the engine would do.

`Deployed` drives a stack through `tests.fakes.engine` (the real program under Pulumi's mock
runtime, then a model of the engine's steps and checkpoint). A settled stack has been deployed
twice, so every monitor holds its replacement trigger, as any stack that has run before does.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitors.declared.loader import parse_declaration
from monitors.declared.project import Project, select_monitors
from monitors.declared.settings import read_stack_config, settings_from_config
from monitors.naming import ALERT_RESOURCE_TYPE, alert_urn
from monitors.program.register import Hooks, deploy
from tests.fakes.engine import Deployment, Engine, Failure
from tests.fakes.mock_runtime import ProgramRun, run_program

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def _stack_file_config(stack: str) -> dict[str, Any]:
    """A real stack file's config, read once per session; never handed out, only copied."""
    return read_stack_config(stack)


def stack_config(stack: str, **overrides: Any) -> dict[str, Any]:
    """A real stack file's config with `key=value` overrides in the project namespace."""
    config = copy.deepcopy(_stack_file_config(stack))
    for key, value in overrides.items():
        config[f"lakehouse-monitors:{key}"] = value
    return config


def make_project(declarations: dict[str, dict[str, Any]], stack: str, config: dict) -> Project:
    settings = settings_from_config(stack, config, f"Pulumi.{stack}.yaml")
    specs = {t: parse_declaration(t, d, f"{t}.yaml") for t, d in declarations.items()}
    return Project(settings, select_monitors(settings, specs, f"Pulumi.{stack}.yaml"))


def program_for(
    declarations: dict[str, dict[str, Any]],
    stack: str,
    config: dict | None = None,
    hooks: Hooks | None = None,
) -> Callable[[], Any]:
    """The program deploying `declarations` in `stack` (its real stack file unless `config`)."""
    project = make_project(declarations, stack, config or stack_config(stack))
    return lambda: deploy(project, hooks)


def deploy_once(
    declarations: dict[str, dict[str, Any]],
    *,
    stack: str = "dev",
    config: dict | None = None,
    last: ProgramRun | None = None,
) -> ProgramRun:
    """Evaluate the program once; `last` is the run whose recorded outputs the stack reads back."""
    last_outputs = last.stack_outputs if last else {}
    return run_program(
        program_for(declarations, stack, config), stack=stack, last_outputs=last_outputs
    )


@dataclass
class Deployed:
    """A stack in the engine model, with the declarations and config it was last deployed with."""

    engine: Engine
    declarations: dict[str, dict[str, Any]]
    config: dict[str, Any]
    history: list[Deployment] = field(default_factory=list)

    @property
    def stack(self) -> str:
        return self.engine.stack

    def urn(self, table: str) -> str:
        return self.engine.urn(table)

    def up(
        self,
        declarations: dict[str, dict[str, Any]] | None = None,
        config: dict[str, Any] | None = None,
        *,
        hooks: Hooks | None = None,
        replace: tuple[str, ...] = (),
        fail: Failure | None = None,
        continue_on_error: bool = False,
    ) -> Deployment:
        """`pulumi up` with these declarations and config (default: the last ones)."""
        self.declarations = declarations if declarations is not None else self.declarations
        self.config = config if config is not None else self.config
        result = self.engine.up(
            program_for(self.declarations, self.stack, self.config, hooks),
            replace=replace,
            fail=fail,
            continue_on_error=continue_on_error,
        )
        self.history.append(result)
        return result

    def preview(
        self,
        declarations: dict[str, dict[str, Any]] | None = None,
        config: dict[str, Any] | None = None,
        *,
        replace: tuple[str, ...] = (),
    ) -> Deployment:
        """`pulumi preview` with these declarations and config (nothing is kept)."""
        return self.engine.preview(
            program_for(
                self.declarations if declarations is None else declarations,
                self.stack,
                self.config if config is None else config,
            ),
            replace=replace,
        )

    def op(self, result: Deployment, table: str) -> str:
        """What `result` did to a table's monitor: same, update, replace, create or delete."""
        return result.op(self.urn(table))

    def trigger(self, table: str) -> Any:
        """The replacement trigger the engine holds for a table's monitor."""
        return self.engine.checkpoint.resources[self.urn(table)].trigger

    def protected(self, table: str) -> bool:
        """The `protect` flag the engine holds for a table's monitor."""
        return self.engine.checkpoint.resources[self.urn(table)].protect

    def alert_urn(self, key: str) -> str:
        """The URN of an alert, `table.alert`."""
        table, _, alert = key.partition(".")
        return alert_urn(self.stack, table, alert)

    def alert_op(self, result: Deployment, key: str) -> str:
        """What `result` did to an alert (`table.alert`)."""
        return result.op(self.alert_urn(key))

    def alerts(self) -> dict[str, Any]:
        """The alerts the engine holds, by `table.alert`: their recorded inputs."""
        found = {}
        for urn, state in self.engine.checkpoint.resources.items():
            if state.type == ALERT_RESOURCE_TYPE:
                found[urn.split("::")[-1]] = state.inputs
        return found


def deployed(
    declarations: dict[str, dict[str, Any]],
    *,
    stack: str = "dev",
    config: dict[str, Any] | None = None,
    settled: bool = True,
) -> Deployed:
    """A stack deployed with these declarations (settled: deployed twice, triggers held).

    The program and the engine model are deterministic, so a stack deployed from the same
    declarations, stack, config and `settled` is deployed once per session and handed out as a
    copy, holding the caller's `declarations` (and `config`) as a fresh deployment would."""
    config = config or stack_config(stack)
    key = (repr(declarations), stack, repr(config), settled)
    if key not in _DEPLOYED:
        _DEPLOYED[key] = _deploy(copy.deepcopy(declarations), stack, copy.deepcopy(config), settled)
    result = copy.deepcopy(_DEPLOYED[key])
    result.declarations, result.config = declarations, config
    return result


# Stacks `deployed` made, by what they were made from; never handed out, only copied.
_DEPLOYED: dict[tuple[str, str, str, bool], Deployed] = {}


def _deploy(
    declarations: dict[str, dict[str, Any]], stack: str, config: dict[str, Any], settled: bool
) -> Deployed:
    api = config.get("lakehouse-monitors:api", "legacy")
    result = Deployed(Engine(stack, api=api), declarations, config)
    first = result.up()
    assert first.ok, first.errors
    if settled:
        second = result.up()
        assert second.ok and not second.changed, (second.errors, second.changed)
    return result


@dataclass
class Transition:
    """A settled stack, one edit, and what the engine did to each monitor."""

    stack: Deployed
    result: Deployment

    @property
    def after(self) -> ProgramRun:
        return self.result.program

    def outcome(self, table: str) -> str:
        """'replace', 'update' or 'same', as the engine's step for that monitor."""
        return self.stack.op(self.result, table)

    def others_untouched(self, table: str) -> bool:
        return all(self.outcome(t) == "same" for t in self.stack.declarations if t != table)
