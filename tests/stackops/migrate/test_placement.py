"""Reading a migration's progress back from a checkpoint and a record, and the dependents that
`pulumi state remove` takes out with a monitor (pkg/resource/graph OnlyDependsOn)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from pulumi.automation import Deployment

from monitors.desired.record import LastDeployment
from monitors.desired.replacement import Structure
from monitors.naming import ALERT_RESOURCE_TYPE, API_LEGACY, alert_urn, monitor_urn
from monitors.stackops.migrate.placement import (
    Dependent,
    Placement,
    dependents,
    not_reimportable,
    placements,
    recorded_alerts,
    root_urn,
    unknown_to,
)
from tests.helpers.migrate import DQ

TABLE = "dim_host"
OLD, NEW = monitor_urn("dev", TABLE), monitor_urn("dev", TABLE, DQ)
STRUCTURE = Structure(
    profile_type="snapshot",
    assets_dir="/a",
    warehouse_id=None,
    skip_builtin_dashboard=False,
    metrics={},
)


def checkpoint(*resources: dict[str, Any], pending: list[dict] | None = None) -> Deployment:
    deployment: dict[str, Any] = {"resources": list(resources)}
    if pending:
        deployment["pending_operations"] = pending
    return Deployment(version=3, deployment=deployment)


def last(api: str | None, applied: bool = True) -> LastDeployment:
    if api is None:
        return LastDeployment()
    return LastDeployment({TABLE: replace(STRUCTURE, api=api)}, {TABLE} if applied else set())


@pytest.mark.parametrize(
    ("state", "record", "expected"),
    [
        ([{"urn": OLD}], API_LEGACY, Placement.SOURCE),
        ([], API_LEGACY, Placement.REMOVED),
        ([{"urn": NEW}], API_LEGACY, Placement.IMPORTED),
        ([{"urn": NEW}], (DQ, False), Placement.IMPORTED),  # its registration did not complete
        ([{"urn": NEW}], DQ, Placement.RECORDED),
        ([{"urn": NEW}], None, Placement.IMPORTED),
        ([{"urn": OLD}, {"urn": NEW}], API_LEGACY, Placement.BOTH),
        ([{"urn": OLD, "pendingReplacement": True}], API_LEGACY, Placement.UNSETTLED),
        ([{"urn": NEW}, "creating"], DQ, Placement.UNSETTLED),
    ],
)
def test_each_state_and_record_is_one_placement(state, record, expected):
    resources = [r for r in state if isinstance(r, dict)]
    pending = [{"type": op, "resource": {"urn": NEW}} for op in state if isinstance(op, str)]
    api, applied = record if isinstance(record, tuple) else (record, True)
    found = placements(
        checkpoint(*resources, pending=pending), "dev", [TABLE], DQ, last(api, applied)
    )
    assert found == {TABLE: expected}


def test_every_placement_says_which_type_holds_the_monitor():
    assert (
        Placement.SOURCE.describe(DQ) == "in the state as databricks.QualityMonitor: not moved yet"
    )
    assert "not imported as databricks.QualityMonitor yet" in Placement.REMOVED.describe(API_LEGACY)
    assert all(p.describe(DQ) for p in Placement)


A1, A2 = alert_urn("dev", TABLE, "a1"), alert_urn("dev", TABLE, "a2")


@pytest.mark.parametrize(
    "edge",
    [
        {"dependencies": [OLD]},
        {"propertyDependencies": {"queryText": [OLD]}},
        {"parent": OLD},
        {"deletedWith": OLD},
        {"replaceWith": [OLD]},
    ],
)
def test_a_dependent_is_found_through_each_kind_of_edge_and_its_own_dependents_too(edge):
    found = dependents(
        checkpoint({"urn": OLD}, {"urn": A1, **edge}, {"urn": A2, "dependencies": [A1]}), OLD
    )
    assert [r["urn"] for r in found] == [A1, A2]


def test_only_resources_after_the_monitor_can_depend_on_it():
    found = dependents(checkpoint({"urn": A1, "dependencies": [OLD]}, {"urn": OLD}), OLD)
    assert found == []
    assert dependents(checkpoint({"urn": A1}), OLD) == []


def alert(**extra: Any) -> dict[str, Any]:
    return {"urn": A1, "custom": True, "type": ALERT_RESOURCE_TYPE, "id": "a-1", **extra}


@pytest.mark.parametrize(
    ("resource", "why"),
    [
        (alert(), None),
        (alert(parent=root_urn("dev")), None),
        (
            alert(provider="urn:pulumi:dev::p::pulumi:providers:databricks::default_1_118_0::x"),
            None,
        ),
        (alert(custom=False), "it is a component resource, which has no ID to import"),
        (alert(parent=OLD), f"it has a parent ({OLD})"),
        (alert(type="aws:s3/bucket:Bucket"), "its type aws:s3/bucket:Bucket is not a Databricks"),
        (
            alert(provider="urn:pulumi:dev::p::pulumi:providers:databricks::ws2::x"),
            "it uses an explicit provider, not the default one",
        ),
        (alert(id=""), "it has no ID"),
    ],
)
def test_what_an_import_file_could_not_bring_back_is_named(resource, why):
    found = not_reimportable(resource, "dev")
    assert found is None if why is None else found is not None and found.startswith(why)


def test_alerts_are_found_again_by_the_ids_the_stack_outputs_recorded():
    outputs = {
        "alerts": {
            f"{TABLE}.a2": {"id": "id-2", "display_name": "x"},
            f"{TABLE}.a1": {"id": "id-1", "display_name": "x"},
            "dim_user.b": {"id": "id-3"},
            f"{TABLE}.failed": {"id": None},
        }
    }
    assert recorded_alerts(outputs, "dev", TABLE) == [
        Dependent(A1, ALERT_RESOURCE_TYPE, f"{TABLE}.a1", "id-1", protect=False),
        Dependent(A2, ALERT_RESOURCE_TYPE, f"{TABLE}.a2", "id-2", protect=False),
    ]
    assert recorded_alerts({}, "dev", TABLE) == []


def test_a_restore_point_only_drops_what_the_migration_added():
    before = checkpoint({"urn": OLD}, {"urn": A1})
    now = checkpoint({"urn": NEW}, {"urn": A1}, {"urn": "urn:x"})
    assert unknown_to(before, now, [NEW]) == ["urn:x"]
