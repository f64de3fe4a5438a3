"""A small model of the Pulumi engine for our monitors: steps, protect errors, the next checkpoint.

Tests evaluate the real program under Pulumi's mock runtime (`tests.fakes.mock_runtime`) and hand
its registrations and stack outputs to this model, which says what the engine would do with them
given the stack's previous checkpoint. Each rule follows the upstream engine (pulumi/pulumi,
`pkg/resource/deploy`, snapshot 3.260; the rules below are unchanged from 3.231 on) and names
the function it comes from. Only what our program uses is modelled: custom resources with no
parent (monitors and their alerts), the default provider, `delete_before_replace`,
`replacement_trigger`, `replace_on_changes` (top-level keys: the plugin-framework resources send
no detailed diff), `protect`, `ignore_changes`, `depends_on` and property dependencies (which
dependents a delete-before-replace takes with it), `--replace` targets, `pulumi state
unprotect`, a failure injected at one step, and `--continue-on-error`. The provider's diff is
modelled as "inputs differ"; neither monitor type asks for a replace itself; AlertV2 does for its
`providerConfig` (terraform-provider-databricks alert_v2 `ProviderConfigWorkspaceIDPlanModifier`,
the only RequiresReplace of the resource), which the program never sets, and the readers' Grant
and Permissions for their ForceNew keys (`PROVIDER_REPLACE_KEYS`).

Steps run in registration order. The real engine runs independent steps in parallel, so when a
step fails, which other monitors were already done is one of several possible interleavings;
tests should not depend on the others.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from pulumi.runtime import rpc

from monitors.naming import (
    ALERT_RESOURCE_TYPE,
    API_LEGACY,
    DQ_RESOURCE_TYPE,
    GRANT_RESOURCE_TYPE,
    PERMISSIONS_RESOURCE_TYPE,
    PROJECT_NAME,
    RESOURCE_TYPE,
    RESOURCE_TYPES,
    monitor_urn,
)
from tests.fakes.mock_runtime import ProgramRun, Registration, run_program

# What the checkpoint stores for an unknown value (pkg/resource/stack/deployment.go
# `computedValuePlaceholder`); the SDK reads the same string back as unknown (`rpc.UNKNOWN`).
COMPUTED = rpc.UNKNOWN

Op = Literal["same", "update", "replace", "create", "delete", "remove-pending-replace"]
# Per resource type, the input keys whose change the provider itself plans as a replace (what
# `calculateDependentReplacements` asks the provider's Diff with the dependent inputs unknown).
PROVIDER_REPLACE_KEYS: dict[str, frozenset[str]] = {
    RESOURCE_TYPE: frozenset(),
    DQ_RESOURCE_TYPE: frozenset(),
    ALERT_RESOURCE_TYPE: frozenset({"providerConfig"}),
    # terraform-provider-databricks catalog/resource_grant.go `ResourceGrant`: `principal` and
    # every securable field are ForceNew; permissions/resource_permissions.go
    # `ResourcePermissions`: every object id field is ForceNew (the two the program sets here).
    GRANT_RESOURCE_TYPE: frozenset({"principal", "schema", "catalog"}),
    PERMISSIONS_RESOURCE_TYPE: frozenset({"dashboardId"}),
}
# The types the model holds: monitors, alerts, and the readers' grants and dashboard access.
MODELLED_TYPES: tuple[str, ...] = (
    *RESOURCE_TYPES.values(),
    ALERT_RESOURCE_TYPE,
    GRANT_RESOURCE_TYPE,
    PERMISSIONS_RESOURCE_TYPE,
)
FailAt = Literal["delete", "create", "update"]


@dataclass(frozen=True)
class ResourceState:
    """One monitor in the checkpoint (`pkg/resource/state.go` `State`, the fields we use)."""

    urn: str
    inputs: Mapping[str, Any]
    trigger: Any  # None is a null trigger ("there is no replacement trigger")
    protect: bool
    pending_replacement: bool = False
    type: str = RESOURCE_TYPE
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Checkpoint:
    """A stack's state between deployments: its monitors and its stack outputs."""

    resources: Mapping[str, ResourceState] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)

    def unprotect(self, urn: str) -> Checkpoint:
        """`pulumi state unprotect <urn>` (pkg/cmd/pulumi/state/state_unprotect.go): the recorded
        `protect` flag is cleared, nothing else changes."""
        old = self.resources[urn]
        return replace(self, resources={**self.resources, urn: replace(old, protect=False)})


@dataclass(frozen=True)
class Step:
    """What the engine did (or, in a preview, would do) to one resource."""

    op: Op
    urn: str
    done: bool  # False for a step that failed or that a preview only planned


@dataclass(frozen=True)
class Failure:
    """A provider call made to fail: the delete, create or update of one resource."""

    urn: str
    at: FailAt


@dataclass
class Deployment:
    """One `pulumi preview` or `pulumi up`: its steps, errors, and the checkpoint after it."""

    steps: list[Step]
    errors: list[str]
    checkpoint: Checkpoint
    outputs_recorded: Literal["all", "merged", "none"]
    program: ProgramRun

    @property
    def ok(self) -> bool:
        """True when the deployment succeeded."""
        return not self.errors

    def op(self, urn: str) -> Op:
        """The step for `urn` ("same" when none was generated)."""
        ops = [s.op for s in self.steps if s.urn == urn]
        return ops[0] if ops else "same"

    @property
    def changed(self) -> dict[str, Op]:
        """Every resource with a step other than "same"."""
        return {s.urn: s.op for s in self.steps if s.op != "same"}


class ProtectError(Exception):
    """The engine's protect error for a replace (continueStepsFromDiff) or a delete
    (DeleteStep.Apply `deleteProtectedError`)."""


def should_trigger_replace(new: Any, old: Any) -> bool:
    """step_generator.go `shouldTriggerReplace`: unknowns always replace; a null on either side
    never does; otherwise replace when the values differ."""
    if new == COMPUTED or old == COMPUTED:
        return True
    if new is None or old is None:
        return False
    return bool(new != old)


def _trigger_value(trigger: Any) -> Any:
    """A trigger as the engine compares it: protobuf numbers are doubles, so 1 and 1.0 agree."""
    if isinstance(trigger, float) and trigger.is_integer():
        return int(trigger)
    return trigger


def process_ignore_changes(
    inputs: Mapping[str, Any], old: Mapping[str, Any], paths: Collection[str]
) -> dict[str, Any]:
    """step_generator.go `processIgnoreChanges` for top-level and dotted object paths
    (properties_path.go `PropertyPath.reset`): `*` makes the inputs exactly the old ones; the
    path's last key takes its old value, or is dropped when the old object lacks it; a path that
    neither side holds down to its last key changes nothing."""
    result = _copy(inputs)
    for path in paths:
        if path == "*":
            return dict(old)
        keys = path.split(".")
        if not all(key.replace("_", "").isalnum() for key in keys):
            raise NotImplementedError(f"ignore_changes path {path!r} is not modelled")
        old_node: Any = old
        new_node: Any = result
        for key in keys[:-1]:
            if not (isinstance(old_node, Mapping) and isinstance(new_node, dict)):
                break
            if key not in new_node:
                break  # `reset`: neither (or only the old side) holds it: nothing to reset
            old_node, new_node = old_node.get(key), new_node[key]
        else:
            last = keys[-1]
            if isinstance(new_node, dict):
                if isinstance(old_node, Mapping) and last in old_node:
                    new_node[last] = old_node[last]
                else:
                    new_node.pop(last, None)
    return result


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def resource_urn(stack: str, reg: Registration) -> str | None:
    """The URN of a registration of either monitor type, an alert or a reader's grant or
    dashboard access (no parent, default provider); None for the program's other resources (its
    StackReference)."""
    if reg.type not in MODELLED_TYPES:
        return None
    return f"urn:pulumi:{stack}::{PROJECT_NAME}::{reg.type}::{reg.name}"


@dataclass
class _Run:
    """Mutable bookkeeping of one deployment."""

    preview: bool
    fail: Failure | None
    continue_on_error: bool
    resources: dict[str, ResourceState]
    steps: list[Step] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stopped: bool = False
    failure_used: bool = False
    churned: set[str] = field(default_factory=set)  # created or replaced in this run
    condemned: set[str] = field(default_factory=set)  # deleted with a replaced dependency

    def fails(self, urn: str, at: FailAt) -> bool:
        if self.preview or self.fail is None or (self.fail.urn, self.fail.at) != (urn, at):
            return False
        self.failure_used = True
        self.errors.append(f"{at} of {urn} failed")
        if not self.continue_on_error:
            # step_executor.go `cancelDueToError`: without --continue-on-error, cancel.
            self.stopped = True
        return True


def _model_urn(urn: str) -> str:
    """A URN as `monitors.naming` writes it: the mock runtime names a dependency with its
    parent's type in front (`pulumi:pulumi:Stack$databricks:...`), the engine's state does not
    for resources under the stack."""
    parts = urn.split("::")
    if len(parts) == 4:
        parts[2] = parts[2].rsplit("$", 1)[-1]
    return "::".join(parts)


def _state(urn: str, reg: Registration, inputs: Mapping[str, Any], trigger: Any) -> ResourceState:
    """The new state of a registration (`resource.NewState`: inputs, options, dependencies)."""
    return ResourceState(
        urn,
        dict(inputs),
        trigger,
        reg.protect,
        type=reg.type,
        dependencies=tuple(_model_urn(u) for u in reg.dependencies),
        property_dependencies={
            key: tuple(_model_urn(u) for u in urns)
            for key, urns in reg.property_dependencies.items()
        },
    )


def _depends_on_unknown(run: _Run, reg: Registration) -> bool:
    """In a preview, an input computed from a resource created or replaced in this run is
    unknown, and the diff of an unknown input is a change (an update at least)."""
    return run.preview and any(
        _model_urn(u) in run.churned for urns in reg.property_dependencies.values() for u in urns
    )


def _steps_for(run: _Run, urn: str, reg: Registration, replace_targets: Collection[str]) -> None:
    """Generate and (unless previewing) apply the steps for one registration.

    step_generator.go `generateSteps` -> `continueStepsFromImport` (Case 3 / Case 4) ->
    `generateStepsFromDiff` (`applyReplaceOnChanges`: a changed key listed in
    `replace_on_changes` turns the diff into a replace) -> `continueStepsFromDiff`.
    """
    new_trigger = _trigger_value(reg.replacement_trigger)
    old = run.resources.get(urn)
    if old is None:
        # Case 4: not in the checkpoint: a create.
        if run.fails(urn, "create"):
            run.steps.append(Step("create", urn, False))
            return
        run.steps.append(Step("create", urn, not run.preview))
        run.churned.add(urn)
        if not run.preview:
            run.resources[urn] = _state(urn, reg, reg.inputs, new_trigger)
        return
    inputs = process_ignore_changes(reg.inputs, old.inputs, reg.ignore_changes)
    trigger_replace = should_trigger_replace(new_trigger, old.trigger)
    targeted = urn in replace_targets  # `isTargetedReplace`: diff blames "id"
    forced = (*reg.replace_on_changes, *PROVIDER_REPLACE_KEYS.get(reg.type, ()))
    replace_keys = [k for k in forced if inputs.get(k) != old.inputs.get(k)]
    condemned = urn in run.condemned  # deleted before a resource it depends on was replaced
    replacing = trigger_replace or targeted or bool(replace_keys) or condemned
    changed = replacing or dict(inputs) != dict(old.inputs) or _depends_on_unknown(run, reg)
    new_state = _state(urn, reg, inputs, new_trigger)
    if changed or old.pending_replacement:
        if replacing or old.pending_replacement:
            # `continueStepsFromDiff`: refused only when both the new and the recorded
            # protect are on; in `up` the deployment bails, in a preview it goes on.
            if reg.protect and old.protect and not condemned:
                run.errors.append(
                    f'unable to replace resource "{urn}"\nas it is currently marked for protection.'
                )
                run.steps.append(Step("replace", urn, False))
                if not run.preview:
                    run.stopped = True
                return
            _replace(run, urn, old, new_state, reg)
            return
        if run.fails(urn, "update"):
            run.steps.append(Step("update", urn, False))
            return
        run.steps.append(Step("update", urn, not run.preview))
    else:
        run.steps.append(Step("same", urn, not run.preview))
    if not run.preview:
        run.resources[urn] = new_state


def _dependents_replaced(run: _Run, urn: str) -> list[ResourceState]:
    """step_generator.go `calculateDependentReplacements`: of the resources depending on `urn`,
    those whose provider diff, with the inputs that depend on it made unknown, asks for a
    replace. A `dependsOn` edge alone never does (no input depends on it)."""
    found: list[ResourceState] = []
    for state in run.resources.values():
        keys = [k for k, urns in state.property_dependencies.items() if urn in urns]
        if keys and set(keys) & PROVIDER_REPLACE_KEYS.get(state.type, frozenset()):
            found.append(state)
    return found


def _replace(
    run: _Run, urn: str, old: ResourceState, new_state: ResourceState, reg: Registration
) -> None:
    """A replace with delete_before_replace: the dependents it condemns are deleted first (a
    protected one fails the deployment, "unable to replace resource ... as part of replacing"),
    then DeleteReplacement (skipped when the old state is already pending replacement), then
    CreateReplacement. DeleteStep.Apply marks the old state `PendingReplacement` only after the
    provider's delete succeeded; a failed create leaves it so.
    """
    if not reg.delete_before_replace:
        raise NotImplementedError("create-before-replace is not modelled")
    if not old.pending_replacement:
        for dependent in _dependents_replaced(run, urn):
            if dependent.protect:
                run.errors.append(
                    f'unable to replace resource "{dependent.urn}" as part of replacing "{urn}" '
                    "as it is currently marked for protection."
                )
                run.steps.append(Step("replace", urn, False))
                run.stopped = True
                return
            run.condemned.add(dependent.urn)
        if run.fails(urn, "delete"):
            if run.continue_on_error:
                raise NotImplementedError(
                    "a failed delete-before-replace under --continue-on-error leaves the "
                    "registration unanswered upstream (DeleteStep.Fail does nothing); not modelled"
                )
            run.steps.append(Step("replace", urn, False))
            return
        if not run.preview:
            run.resources[urn] = replace(old, pending_replacement=True)
    if run.fails(urn, "create"):
        run.steps.append(Step("replace", urn, False))
        return
    run.steps.append(Step("replace", urn, not run.preview))
    run.churned.add(urn)
    if not run.preview:
        run.resources[urn] = new_state


def _deletes(run: _Run, registered: Collection[str]) -> None:
    """step_generator.go `GenerateDeletes`: every checkpoint resource the program did not
    register is deleted (a pending replacement is only dropped from state). DeleteStep.Apply
    refuses a recorded `protect` (`deleteProtectedError`), and the engine goes on past it."""
    for urn, old in list(run.resources.items()):
        if urn in registered:
            continue
        if old.pending_replacement:
            run.steps.append(Step("remove-pending-replace", urn, not run.preview))
            if not run.preview:
                del run.resources[urn]
            continue
        if old.protect:
            run.errors.append(f'resource "{urn}" cannot be deleted\nbecause it is protected.')
            run.steps.append(Step("delete", urn, False))
            continue
        if run.fails(urn, "delete"):
            run.steps.append(Step("delete", urn, False))
            continue
        run.steps.append(Step("delete", urn, not run.preview))
        if not run.preview:
            del run.resources[urn]


def deploy(
    previous: Checkpoint,
    program: ProgramRun,
    *,
    stack: str,
    preview: bool = False,
    replace_targets: Collection[str] = (),
    fail: Failure | None = None,
    continue_on_error: bool = False,
) -> Deployment:
    """What the engine does with one evaluation of the program.

    Stack outputs (deployment_executor.go `Execute`, step_executor.go
    `executeRegisterResourceOutputs`): recorded in full when the deployment succeeds; when it
    fails, only if the program's outputs reached the engine, merged key by key over the old ones.
    They reach it when the program finished (its registrations were all answered): so after a
    failed delete of a removed monitor, a delete refused by protect, or under
    `--continue-on-error`; never after a protect error or a step failure during registration
    without it (the failed registration is never answered, and the stack outputs await every
    monitor's outputs).
    """
    run = _Run(preview, fail, continue_on_error, dict(previous.resources))
    registered: list[str] = []
    for reg in program.registrations:
        urn = resource_urn(stack, reg)
        if urn is None:
            continue
        registered.append(urn)
        if not run.stopped:
            _steps_for(run, urn, reg, replace_targets)
    program_finished = program.failure is None and not run.stopped
    if program.failure is not None:
        run.errors.append(f"program failed: {program.failure}")
    if program_finished:
        _deletes(run, registered)
    if fail is not None and not preview and not run.failure_used:
        raise AssertionError(f"the injected failure {fail} matched no step")
    if preview:
        recorded: Literal["all", "merged", "none"] = "none"
        outputs = previous.outputs
    elif not program_finished:
        recorded, outputs = "none", previous.outputs
    elif run.errors:
        recorded, outputs = "merged", {**previous.outputs, **program.stack_outputs}
    else:
        recorded, outputs = "all", dict(program.stack_outputs)
    checkpoint = previous if preview else Checkpoint(run.resources, outputs)
    return Deployment(run.steps, run.errors, checkpoint, recorded, program)


class Engine:
    """One stack across deployments: run the real program under mocks, then this model."""

    def __init__(
        self, stack: str, checkpoint: Checkpoint | None = None, api: str = API_LEGACY
    ) -> None:
        self.stack = stack
        self.checkpoint = checkpoint or Checkpoint()
        self.api = api  # the backend whose monitor URNs `urn` names
        self.tables: Collection[str] | None = None  # the gold schema's tables, for patterns

    def urn(self, table: str, api: str | None = None) -> str:
        """The URN of a table's monitor in this stack (on its backend, unless `api` says)."""
        return monitor_urn(self.stack, table, api or self.api)

    def evaluate(
        self,
        program: Callable[[], Any],
        *,
        config: Mapping[str, Any] | None = None,
        preview: bool = False,
        failed: Collection[str] = (),
        invokes: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> ProgramRun:
        """Evaluate the program with this stack's last outputs behind its StackReference."""
        return run_program(
            program,
            stack=self.stack,
            config=config,
            last_outputs=self.checkpoint.outputs,
            preview=preview,
            expect_failure=True,
            failed=failed,
            invokes=invokes,
            tables=self.tables,
        )

    def up(
        self,
        program: Callable[[], Any],
        *,
        config: Mapping[str, Any] | None = None,
        replace: Collection[str] = (),
        fail: Failure | None = None,
        continue_on_error: bool = False,
    ) -> Deployment:
        """`pulumi up [--replace urn] [--continue-on-error]`; the checkpoint moves on."""
        failed = (
            [fail.urn.split("::")[-1]]
            if continue_on_error and fail is not None and fail.at != "delete"
            else []
        )
        evaluation = self.evaluate(program, config=config, failed=failed)
        result = deploy(
            self.checkpoint,
            evaluation,
            stack=self.stack,
            replace_targets=replace,
            fail=fail,
            continue_on_error=continue_on_error,
        )
        self.checkpoint = result.checkpoint
        return result

    def preview(
        self,
        program: Callable[[], Any],
        *,
        config: Mapping[str, Any] | None = None,
        replace: Collection[str] = (),
    ) -> Deployment:
        """`pulumi preview [--replace urn]`; the checkpoint does not change."""
        evaluation = self.evaluate(program, config=config, preview=True)
        return deploy(
            self.checkpoint, evaluation, stack=self.stack, preview=True, replace_targets=replace
        )

    def state_unprotect(self, table: str) -> None:
        """`pulumi state unprotect <urn>` for a table's monitor."""
        self.checkpoint = self.checkpoint.unprotect(self.urn(table))
