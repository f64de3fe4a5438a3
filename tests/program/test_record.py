"""The record of the last deployment: read strictly, refused when malformed, old records as before."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path

import pulumi
import pytest

from monitors.desired.record import (
    MONITORS_OUTPUT,
    STRUCTURE_OUTPUT,
    entry,
    parse_entry,
    read_last_structures,
)
from monitors.errors import RecordError
from tests.fakes.engine import Checkpoint, Engine, ResourceState
from tests.helpers.declarations import shipped_declarations
from tests.helpers.program import deployed, program_for, stack_config

TABLE = "fact_booking_daily"
LEGACY = Path(__file__).parent / "data" / "legacy_prod_stack.json"


@pytest.fixture(scope="module")
def settled() -> dict:
    """A settled prod stack's record entry for TABLE (deployed once per module: it is slow)."""
    stack = deployed(shipped_declarations(), stack="prod")
    return json.loads(stack.engine.checkpoint.outputs[STRUCTURE_OUTPUT][TABLE])


def with_value(data: dict, path: tuple, value) -> dict:
    data = json.loads(json.dumps(data))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


METRIC = ("metrics", "total_bookings")
MALFORMED_ENTRIES = [
    (("generation",), "1", "generation"),
    (("generation",), -1, "generation"),
    (("generation",), True, "generation"),
    (("generation",), 1.5, "generation"),
    (("reset_token",), 5, "reset_token"),
    (("reset_token",), True, "reset_token"),
    (("reset_token",), "", "reset_token"),
    (("profile_type",), 3, "profile_type"),
    (("profile_type",), "weird", "profile_type"),
    (("assets_dir",), None, "assets_dir"),
    (("assets_dir",), 7, "assets_dir"),
    (("warehouse_id",), 5, "warehouse_id"),
    (("skip_builtin_dashboard",), "false", "skip_builtin_dashboard"),
    (("skip_builtin_dashboard",), 0, "skip_builtin_dashboard"),
    (("metrics",), [], "metrics"),
    (METRIC, ["CUSTOM_METRIC_TYPE_AGGREGATE", [":table"], "long"], "metrics.total_bookings"),
    (METRIC, ["ratio", [":table"], "long", "d"], "metrics.total_bookings[0]"),
    (METRIC, ["CUSTOM_METRIC_TYPE_AGGREGATE", ":table", "long", "d"], "metrics.total_bookings[1]"),
    (METRIC, ["CUSTOM_METRIC_TYPE_AGGREGATE", [1], "long", "d"], "metrics.total_bookings[1]"),
    (METRIC, ["CUSTOM_METRIC_TYPE_AGGREGATE", [":table"], 5, "d"], "metrics.total_bookings[2]"),
    (
        METRIC,
        ["CUSTOM_METRIC_TYPE_AGGREGATE", [":table"], "long", None],
        "metrics.total_bookings[3]",
    ),
    (("resetting",), "yes", "resetting"),
    (("no_trigger",), 1, "no_trigger"),
    (("first_trigger",), None, "first_trigger"),
    (("extra",), 1, "extra"),
]


@pytest.mark.parametrize(("path", "value", "field"), MALFORMED_ENTRIES)
def test_a_malformed_entry_is_refused_naming_the_output_monitor_and_field(
    settled, path, value, field
):
    data = with_value(copy.deepcopy(settled), path, value)
    with pytest.raises(RecordError) as raised:
        parse_entry(TABLE, json.dumps(data))
    message = str(raised.value)
    assert message.startswith(f"stack output 'monitor_structure': monitor {TABLE}: {field}: ")
    assert "refusing to guess" in message and "Nothing was registered" in message


@pytest.mark.parametrize(
    "raw", ["{", "[1]", "7", "null", '"text"'], ids=["bad-json", "array", "number", "null", "str"]
)
def test_an_entry_that_is_not_a_json_object_is_refused(raw):
    with pytest.raises(RecordError, match=f"monitor {TABLE}: "):
        parse_entry(TABLE, raw)


@pytest.mark.parametrize("raw", [[], "text", 3, True], ids=["list", "string", "number", "bool"])
def test_a_record_that_is_not_an_object_of_monitors_is_refused(raw):
    with pytest.raises(RecordError, match="stack output 'monitor_structure': must be an object"):
        read_last_structures(raw)


@pytest.mark.parametrize("stack_name", ["dev", "prod"])
@pytest.mark.parametrize(
    ("path", "value"), [(("generation",), "2"), (("reset_token",), 5), (("extra",), 1)]
)
def test_a_malformed_record_stops_the_run_before_anything_is_registered(
    declarations, stack_name, path, value
):
    config = stack_config(stack_name, resets={TABLE: "2026-11-26T10:00:00Z-a1"})
    stack = deployed(declarations, stack=stack_name, config=config)
    before = stack.engine.checkpoint
    structures = dict(before.outputs[STRUCTURE_OUTPUT])
    structures[TABLE] = json.dumps(with_value(json.loads(structures[TABLE]), path, value))
    stack.engine.checkpoint = replace(
        before, outputs={**before.outputs, STRUCTURE_OUTPUT: structures}
    )
    result = stack.up(config=stack_config(stack_name, resets={TABLE: "2026-11-27T10:00:00Z-b2"}))
    assert isinstance(result.program.failure, pulumi.RunError)
    assert f"monitor {TABLE}: {path[0]}: " in str(result.program.failure)
    assert result.program.registrations == [] and result.steps == []
    assert stack.engine.checkpoint.resources == before.resources


def test_an_entry_round_trips(settled):
    data = copy.deepcopy(settled)
    structure = parse_entry(TABLE, json.dumps(data))
    assert json.loads(entry(structure)) == data
    flagged = replace(structure, resetting=True, no_trigger=True, first_trigger=True)
    assert parse_entry(TABLE, entry(flagged)) == flagged


def test_an_entry_without_flags_is_written_as_before(settled):
    structure = parse_entry(TABLE, json.dumps(copy.deepcopy(settled)))
    structure = replace(structure, resetting=False, no_trigger=False, first_trigger=False)
    assert set(json.loads(entry(structure))) == {
        "profile_type",
        "assets_dir",
        "warehouse_id",
        "skip_builtin_dashboard",
        "reset_token",
        "generation",
        "metrics",
    }


def test_a_missing_generation_reads_as_unknown_not_as_zero(settled):
    data = copy.deepcopy(settled)
    del data["generation"]
    assert parse_entry(TABLE, json.dumps(data)).generation is None


def legacy_engine() -> tuple[Engine, dict]:
    data = json.loads(LEGACY.read_text())
    engine = Engine("prod")
    resources = {
        engine.urn(table): ResourceState(
            engine.urn(table), state["inputs"], state["trigger"], state["protect"]
        )
        for table, state in data["resources"].items()
    }
    engine.checkpoint = Checkpoint(resources, data["outputs"])
    return engine, data


def test_a_record_written_before_this_change_reads_as_before(declarations):
    """A prod stack as main@18b9dad left it (settled, one monitor reset once): no replace, no
    protect change, no warning, and the same record entries."""
    engine, data = legacy_engine()
    config = stack_config("prod", resets=data["config_resets"])
    result = engine.up(program_for(declarations, "prod", config))
    assert result.ok and "replace" not in result.changed.values()
    assert result.program.warnings == [] and result.program.infos == []
    assert all(r.protect for r in result.program.registrations)
    assert {u: s.trigger for u, s in engine.checkpoint.resources.items()} == {
        engine.urn(t): s["trigger"] for t, s in data["resources"].items()
    }
    assert engine.checkpoint.outputs[STRUCTURE_OUTPUT] == data["outputs"][STRUCTURE_OUTPUT]
    assert set(engine.checkpoint.outputs[MONITORS_OUTPUT]) == set(data["outputs"][MONITORS_OUTPUT])


def test_a_record_written_before_this_change_still_sees_its_reset_as_applied():
    data = json.loads(LEGACY.read_text())
    structure = parse_entry(TABLE, data["outputs"][STRUCTURE_OUTPUT][TABLE])
    assert (structure.reset_token, structure.generation) == (data["config_resets"][TABLE], 1)
    assert not (structure.resetting or structure.no_trigger or structure.first_trigger)
