"""A stack never switches monitor API silently; `migrate`'s import-then-preview passes.

Played through the engine model (tests/fakes/engine.py): a monitor registered as the other type
would be a create of a new URN and a delete of the old one, so the program stops before
registering anything, naming the migrate command. The migration contract of
monitors/desired/backend.py is played by hand here: the legacy resources leave the state without
a delete, the same monitors are imported as DataQualityMonitor (null trigger, protected, as
`pulumi import` records them), and the program, told `migratingTo`, plans nothing.
"""

from __future__ import annotations

import json

from monitors.desired.record import STRUCTURE_OUTPUT
from monitors.naming import (
    API_DATA_QUALITY,
    RESOURCE_TYPE,
    anomaly_urn,
    monitor_table,
    monitor_urn,
)
from tests.change_table import TABLES
from tests.fakes.engine import Checkpoint, ResourceState, resource_urn
from tests.helpers.program import Deployed, deployed, program_for, stack_config
from tests.program.test_production_safety import rename_total_guests

DQ = {"api": API_DATA_QUALITY}
MIGRATING = {"api": API_DATA_QUALITY, "migratingTo": API_DATA_QUALITY}
TABLE = "fact_booking_daily"


def record_apis(stack: Deployed) -> dict[str, str]:
    """Each monitor's backend as the stack's record says (absent: legacy)."""
    record = stack.engine.checkpoint.outputs[STRUCTURE_OUTPUT]
    return {t: json.loads(raw).get("api", "legacy") for t, raw in record.items()}


def import_as_data_quality(stack: Deployed, config: dict) -> None:
    """What migrate does to the state: `pulumi state delete` of each legacy monitor (no delete
    call) and `pulumi import` of the same monitor as a DataQualityMonitor, with the inputs the
    program declares (an import fails otherwise), a null trigger and `protect` on."""
    evaluation = stack.engine.evaluate(
        program_for(stack.declarations, stack.stack, config), preview=True
    )
    assert evaluation.failure is None, evaluation.failure
    old = stack.engine.checkpoint
    resources = {
        urn: state for urn, state in old.resources.items() if urn.split("::")[2] != RESOURCE_TYPE
    }
    for reg in evaluation.registrations:
        urn = resource_urn(stack.stack, reg)
        if urn is not None:
            resources[urn] = ResourceState(urn, dict(reg.inputs), None, protect=True)
    stack.engine.checkpoint = Checkpoint(resources, old.outputs)
    stack.engine.api = API_DATA_QUALITY


def test_switching_a_deployed_stack_to_data_quality_stops_before_registering_anything(
    declarations,
):
    stack = deployed(declarations)
    before = stack.engine.checkpoint
    result = stack.up(config=stack_config("dev", **DQ))
    assert not result.ok and result.steps == []
    assert result.program.registrations == [] or all(
        r.type == "pulumi:pulumi:StackReference" for r in result.program.registrations
    )
    (error,) = result.errors
    assert "deployed monitor(s) dim_host, dim_property, dim_user" in error
    assert "through the legacy Lakehouse Monitoring API (databricks.QualityMonitor)" in error
    assert "`monitors migrate --stack dev --to data_quality`" in error
    assert "`lakehouse-monitors:api: legacy`" in error
    assert stack.engine.checkpoint == before


def test_the_preview_of_a_switch_stops_too(declarations):
    stack = deployed(declarations, stack="prod")
    preview = stack.preview(config=stack_config("prod", **DQ))
    assert preview.steps == [] and "Nothing was registered" in preview.errors[0]


def test_switching_back_from_data_quality_stops_too(declarations):
    stack = deployed(declarations, config=stack_config("dev", **DQ))
    result = stack.up(config=stack_config("dev"))
    assert result.steps == []
    assert (
        "through the Data Quality Monitoring API (databricks.DataQualityMonitor)"
        in (result.errors[0])
    )
    assert "--to legacy" in result.errors[0]


def test_a_new_stack_may_start_on_data_quality(declarations):
    stack = deployed(declarations, config=stack_config("dev", **DQ))
    assert set(record_apis(stack).values()) == {API_DATA_QUALITY}
    assert all(stack.trigger(t) == 0 for t in TABLES)


def test_a_legacy_stack_records_no_api_field(declarations):
    stack = deployed(declarations)
    record = stack.engine.checkpoint.outputs[STRUCTURE_OUTPUT]
    assert all("api" not in json.loads(raw) for raw in record.values())


def test_a_migration_imports_every_monitor_and_replaces_deletes_and_creates_nothing(
    declarations,
):
    stack = deployed(declarations, stack="prod")
    import_as_data_quality(stack, stack_config("prod", **MIGRATING))
    preview = stack.preview(config=stack_config("prod", **MIGRATING))
    assert preview.ok and preview.changed == {}
    result = stack.up(config=stack_config("prod", **MIGRATING))
    assert result.ok and result.changed == {}
    assert record_apis(stack) == dict.fromkeys(TABLES, API_DATA_QUALITY)
    assert all(stack.trigger(t) == 0 and stack.protected(t) for t in TABLES)
    assert any("is migrating to the Data Quality" in i for i in result.program.infos)
    done = stack.up(config=stack_config("prod", **DQ))  # migrate removes the marker
    assert done.ok and done.changed == {}


def test_after_a_migration_the_replace_rule_works_on_the_new_backend(declarations):
    stack = deployed(declarations)
    import_as_data_quality(stack, stack_config("dev", **MIGRATING))
    assert stack.up(config=stack_config("dev", **MIGRATING)).ok
    renamed = rename_total_guests(declarations)
    result = stack.up(renamed, stack_config("dev", **DQ))
    assert result.ok and result.changed == {stack.urn(TABLE): "replace"}


def test_a_structural_change_made_during_a_migration_is_held_back_one_run(declarations):
    stack = deployed(declarations)
    import_as_data_quality(stack, stack_config("dev", **MIGRATING))
    renamed = rename_total_guests(declarations)
    held = stack.up(renamed, stack_config("dev", **MIGRATING))
    assert held.ok and held.changed == {}
    assert held.program.monitor(TABLE).ignore_changes == ("*",)
    assert any(f"monitor '{TABLE}' needs a replace" in w for w in held.program.warnings)
    after = stack.up(renamed, stack_config("dev", **DQ))
    assert after.ok and after.changed == {stack.urn(TABLE): "replace"}


def test_the_migration_marker_lets_only_records_of_the_other_backend_migrate(declarations):
    stack = deployed(declarations)
    import_as_data_quality(stack, stack_config("dev", **MIGRATING))
    first = stack.up(config=stack_config("dev", **MIGRATING))
    again = stack.up(config=stack_config("dev", **MIGRATING))  # marker left in place: harmless
    assert first.ok and again.ok and again.changed == {}
    assert not any("is migrating" in i for i in again.program.infos)


def test_a_monitors_urn_names_its_backends_type_and_both_read_back_as_the_table():
    legacy, dq = monitor_urn("dev", TABLE), monitor_urn("dev", TABLE, API_DATA_QUALITY)
    assert legacy == f"urn:pulumi:dev::lakehouse-monitors::{RESOURCE_TYPE}::{TABLE}"
    assert dq == (
        "urn:pulumi:dev::lakehouse-monitors::"
        f"databricks:index/dataQualityMonitor:DataQualityMonitor::{TABLE}"
    )
    assert monitor_table(legacy) == monitor_table(dq) == TABLE
    assert monitor_table(anomaly_urn("dev")) is None
