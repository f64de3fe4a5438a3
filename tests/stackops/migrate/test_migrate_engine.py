"""What the engine does after a migration: the state edits `migrate` ran against the fake CLI,
replayed on the engine model (tests/fakes/engine.py, tests/fakes/engine_state_edits.py) of the
same stack deployed by the real program, leave a stack whose preview and update change nothing
(no monitor, alert or anomaly detection monitor created, replaced, deleted or updated), in prod
under protection, and whose later runs are no-ops too."""

from __future__ import annotations

import json
from typing import Any

import pytest

from monitors.desired.record import STRUCTURE_OUTPUT
from monitors.naming import (
    ALERT_RESOURCE_TYPE,
    API_LEGACY,
    DQ_RESOURCE_TYPE,
    PROJECT_NAME,
    monitor_urn,
)
from monitors.stackops.migrate.command import migrate
from tests.fakes.engine import resource_urn
from tests.fakes.engine_state_edits import Import, StateEditError, import_resources, state_remove
from tests.helpers.alerts import SHIPPED_ALERTS, alerting
from tests.helpers.declarations import TABLES, shipped_declarations
from tests.helpers.migrate import DQ, Scene
from tests.helpers.program import Deployed, deployed, program_for

ANOMALY = {"enabled": True, "excludedTables": ["dim_user"]}


def config(stack: str, **extra: Any) -> dict[str, Any]:
    """The stack's config with alerts and schema anomaly detection on."""
    return alerting(stack, anomalyDetection=ANOMALY, **extra)


def run_migrate(scene: Scene, env) -> tuple[list[str], dict[str, Any]]:
    """Migrate the fake CLI's copy of the stack; return the `state remove` argv and the import."""
    scene.alerts = True
    scene.install()
    scene.add_anomaly_detection()
    migrate(scene.stack, DQ, assume_yes=True, env=env)
    argvs = scene.fake.argvs()
    remove = next(a for a in argvs if a[1:3] == ["state", "remove"])
    imported = next(a for a in argvs if a[1:2] == ["import"])
    return remove, {"spec": scene.fake.file_given(0), "argv": imported}


def replay(stack: Deployed, remove: list[str], imported: dict[str, Any]) -> None:
    """Apply the recorded commands to the engine model's checkpoint. What an import reads back
    is what the program declares for a monitor (tests/program/test_round_trip_dq.py: the state
    after an import round-trips) and what the alert had (test_an_imported_alert_plans_no_update)."""
    urns = remove[remove.index("--") + 1 :]
    before = stack.engine.checkpoint
    checkpoint = state_remove(
        before, urns, force="--force" in remove, target_dependents="--target-dependents" in remove
    )
    migrating = program_for(
        stack.declarations, stack.stack, config(stack.stack, api=DQ, migratingTo=DQ)
    )
    declared = {
        resource_urn(stack.stack, r): r.inputs
        for r in stack.engine.evaluate(migrating, preview=True).registrations
        if resource_urn(stack.stack, r) is not None
    }
    imports = []
    for spec in imported["spec"]["resources"]:
        urn = f"urn:pulumi:{stack.stack}::{PROJECT_NAME}::{spec['type']}::{spec['name']}"
        inputs = declared[urn] if spec["type"] == DQ_RESOURCE_TYPE else before.resources[urn].inputs
        imports.append(Import(urn, spec["type"], inputs))
    protect = "--protect=true" in imported["argv"]
    stack.engine.checkpoint = import_resources(checkpoint, imports, protect=protect)
    stack.engine.api = DQ


@pytest.mark.slow  # 1.9 s: the program deployed three times through the engine model
def test_after_the_state_edits_the_program_changes_nothing_now_or_later(scene: Scene, env):
    name = "prod"  # protected: the stricter stack (dev runs the same commands without --force)
    stack = deployed(shipped_declarations(), stack=name, config=config(name))
    scene.stack = name
    remove, imported = run_migrate(scene, env)
    if name == "prod":  # without either flag the CLI refuses (protected, alerts depend on them)
        urns = remove[remove.index("--") + 1 :]
        assert urns == [monitor_urn(name, t, API_LEGACY) for t in TABLES]
        for without in ("--force", "--target-dependents"):
            flags = set(remove) - {without}
            with pytest.raises(StateEditError):
                state_remove(
                    stack.engine.checkpoint,
                    urns,
                    force="--force" in flags,
                    target_dependents="--target-dependents" in flags,
                )
    replay(stack, remove, imported)
    migrating = config(name, api=DQ, migratingTo=DQ)
    preview = stack.preview(config=migrating)
    assert preview.ok and preview.changed == {}, (preview.errors, preview.changed)
    update = stack.up(config=migrating)
    assert update.ok and update.changed == {}, (update.errors, update.changed)
    record = stack.engine.checkpoint.outputs[STRUCTURE_OUTPUT]
    assert {t: json.loads(raw)["api"] for t, raw in record.items()} == dict.fromkeys(TABLES, DQ)
    for run in (config(name, api=DQ), config(name, api=DQ)):  # the marker removed, then again
        later = stack.up(config=run)
        assert later.ok and later.changed == {}, (later.errors, later.changed)
    resources = stack.engine.checkpoint.resources
    assert all(resources[monitor_urn(name, t, DQ)].protect is (name == "prod") for t in TABLES)
    assert all(stack.trigger(t) == 0 for t in TABLES)  # each monitor holds its trigger again
    alerts = {urn: s for urn, s in resources.items() if s.type == ALERT_RESOURCE_TYPE}
    assert sorted(u.split("::")[-1] for u in alerts) == sorted(SHIPPED_ALERTS)
    for urn, state in alerts.items():
        table = urn.split("::")[-1].split(".")[0]
        assert state.dependencies == (monitor_urn(name, table, DQ),)  # depends on the new type
