"""`pulumi state remove` and `pulumi import` applied to the engine model's checkpoint
(tests/fakes/engine.py), so a test can replay the state edits `migrate` ran and then ask the
model what the program's next preview and update do.

- `state_remove` follows pkg/cmd/pulumi/state/state_delete.go and pkg/resource/edit/operations.go
  `DeleteResource`: a protected resource needs `force`; the resources that depend on it (its
  `dependencies` or property dependencies, transitively: graph `OnlyDependsOn`, which on a
  topologically ordered checkpoint is reachability) need `target_dependents`, which removes them
  too, each checked for protection; nothing is removed when any check fails; the stack outputs
  stay as they are.
- `import_resources` follows pkg/resource/deploy/import.go `importResources` and step.go
  `ImportStep.Apply`: each resource is recorded with what the provider's Read gave back as its
  inputs, the `protect` of `--protect`, no dependencies and no replacement trigger (a null
  trigger: "An imported resource has a null trigger", docs/platform-facts.md); a URN already in
  the checkpoint is left alone.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from tests.fakes.engine import Checkpoint, ResourceState


class StateEditError(Exception):
    """The CLI's refusal of a state edit; nothing was changed."""


def _dependents(resources: Mapping[str, ResourceState], urn: str) -> list[ResourceState]:
    found: list[ResourceState] = []
    depending = {urn}
    changed = True
    while changed:
        changed = False
        for state in resources.values():
            if state.urn in depending:
                continue
            edges = set(state.dependencies)
            for urns in state.property_dependencies.values():
                edges |= set(urns)
            if edges & depending:
                found.append(state)
                depending.add(state.urn)
                changed = True
    return found


def state_remove(
    checkpoint: Checkpoint, urns: Iterable[str], *, force: bool, target_dependents: bool
) -> Checkpoint:
    """The checkpoint after `pulumi state remove [--force] [--target-dependents] -- URN...`."""
    resources = dict(checkpoint.resources)
    for urn in urns:
        if urn not in resources:
            raise StateEditError(f'No such resource "{urn}" exists in the current state')
        condemned = [resources[urn]]
        dependents = _dependents(resources, urn)
        if dependents and not target_dependents:
            raise StateEditError(f"{urn} can't be safely deleted because {dependents[0].urn} ...")
        for state in [*condemned, *dependents]:
            if state.protect and not force:
                raise StateEditError(f"{state.urn} can't be safely deleted because it is protected")
            del resources[state.urn]
    return replace(checkpoint, resources=resources)


@dataclass(frozen=True)
class Import:
    """One entry of an import file, with the inputs the provider's Read gives back for it."""

    urn: str
    type: str
    inputs: Mapping[str, Any]


def import_resources(
    checkpoint: Checkpoint, imports: Collection[Import], *, protect: bool
) -> Checkpoint:
    """The checkpoint after `pulumi import --file F --protect=<protect>`."""
    resources = dict(checkpoint.resources)
    for item in imports:
        if item.urn in resources:
            continue
        resources[item.urn] = ResourceState(
            item.urn, dict(item.inputs), None, protect, type=item.type
        )
    return replace(checkpoint, resources=resources)
