"""Every registration of the shipped declarations, pinned byte for byte: a speed-up of the
program (reading, validation, SQL parsing, payload and output building) changes none of them.

The pinned file (data/registered_inputs.json) was written by the program before it was made
faster; `LHM_WRITE_PINNED=1` rewrites it, for a change that means to alter what is sent (the diff
then shows every registration it alters).
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.mock_runtime import ProgramRun, run_program
from tests.helpers.declarations import shipped_declarations
from tests.helpers.program import program_for, stack_config

PINNED = Path(__file__).parent / "data" / "registered_inputs.json"
ALERTS = {
    "warehouse_id": "0123456789abcdef",
    "schedule": {"quartz_cron_expression": "0 30 6 * * ?", "timezone_id": "UTC"},
    "notify": {"emails": ["data-platform-oncall@wanderbricks.example"]},
}
# stack, api, with the schema's anomaly detection: each backend, each stack's safety settings.
CASES = [
    ("dev", "legacy", False),
    ("prod", "legacy", False),
    ("dev", "data_quality", True),
    ("prod", "data_quality", True),
]


def _recorded(run: ProgramRun) -> dict[str, Any]:
    """What the engine saw: each registration by type and name (the engine receives them as
    their inputs resolve, in no fixed order), and the stack outputs."""
    registrations = {f"{r.type}::{r.name}": dataclasses.asdict(r) for r in run.registrations}
    assert len(registrations) == len(run.registrations)
    return json.loads(
        json.dumps(
            {"registrations": registrations, "stack_outputs": run.stack_outputs},
            sort_keys=True,
            default=list,
        )
    )


def _runs(stack: str, api: str, anomaly: bool) -> dict[str, Any]:
    """A first deployment and the next run on its outputs (a settled stack)."""
    extra: dict[str, Any] = {"api": api, "alerts": ALERTS}
    if anomaly:
        extra["anomalyDetection"] = {"enabled": True}
    config = stack_config(stack, **extra)
    program = program_for(shipped_declarations(), stack, config)
    first = run_program(program, stack=stack, config=config)
    settled = run_program(program, stack=stack, config=config, last_outputs=first.outputs)
    return {"first": _recorded(first), "settled": _recorded(settled)}


def _key(stack: str, api: str, anomaly: bool) -> str:
    return f"{stack}/{api}" + ("/anomaly_detection" if anomaly else "")


@pytest.mark.parametrize(("stack", "api", "anomaly"), CASES, ids=[_key(*c) for c in CASES])
def test_registrations_of_the_shipped_declarations_are_unchanged(
    stack: str, api: str, anomaly: bool
) -> None:
    found = _runs(stack, api, anomaly)
    if os.environ.get("LHM_WRITE_PINNED") == "1":
        pinned = json.loads(PINNED.read_text()) if PINNED.exists() else {}
        pinned[_key(stack, api, anomaly)] = found
        PINNED.write_text(json.dumps(pinned, indent=1, sort_keys=True) + "\n")
    assert found == json.loads(PINNED.read_text())[_key(stack, api, anomaly)]
