"""`lakehouse-monitors:readers` under the mock runtime: what is registered for each reader, on
both backends, and what removing one or protecting the stack does (tests/fakes/engine.py)."""

from __future__ import annotations

from typing import Any

import pytest

from monitors.naming import (
    GRANT_RESOURCE_TYPE,
    PERMISSIONS_RESOURCE_TYPE,
    dashboard_permissions_urn,
    reader_grant_urn,
)
from tests.fakes.mock_runtime import ProgramRun
from tests.helpers.declarations import TABLES
from tests.helpers.program import Deployed, deploy_once, deployed, stack_config

SP = "6f1c0b8e-2a4d-4c1e-9b7a-0d3e5f7a9c21"
READERS = {"groups": ["data-analysts"], "users": ["ana@x.example"], "servicePrincipals": [SP]}
BACKENDS = ("legacy", "data_quality")


def _config(stack: str, api: str, **settings: Any) -> dict[str, Any]:
    if api != "legacy":
        settings["api"] = api
    return stack_config(stack, **settings)


def _grants(run: ProgramRun) -> dict[str, dict[str, Any]]:
    return {r.name: r.inputs for r in run.registrations if r.type == GRANT_RESOURCE_TYPE}


def _dashboards(run: ProgramRun) -> dict[str, dict[str, Any]]:
    return {r.name: r.inputs for r in run.registrations if r.type == PERMISSIONS_RESOURCE_TYPE}


def _up_twice(declarations: dict, stack: str, config: dict) -> Deployed:
    """A stack deployed twice: the second run grants the dashboards the first one reported."""
    result = deployed(declarations, stack=stack, config=config, settled=False)
    second = result.up()
    assert second.ok, second.errors
    return result


def _held(stack: Deployed, type_token: str) -> dict[str, Any]:
    return {
        urn: state
        for urn, state in stack.engine.checkpoint.resources.items()
        if state.type == type_token
    }


@pytest.mark.parametrize("api", BACKENDS)
def test_each_reader_gets_use_schema_and_select_on_the_output_schema(declarations, api):
    run = deploy_once(declarations, config=_config("dev", api, readers=READERS))
    schema = "wanderbricks_dev.wanderbricks_gold_monitoring"
    assert _grants(run) == {
        f"reader-schema:{p}": {
            "schema": schema,
            "principal": p,
            "privileges": ["SELECT", "USE_SCHEMA"],
        }
        for p in ("data-analysts", "ana@x.example", SP)
    }


def test_use_catalog_is_granted_only_when_the_stack_asks(declarations):
    without = deploy_once(declarations, config=stack_config("dev", readers=READERS))
    assert not [n for n in _grants(without) if n.startswith("reader-catalog:")]
    with_catalog = deploy_once(
        declarations, config=stack_config("dev", readers={**READERS, "useCatalog": True})
    )
    catalog_grants = {n: i for n, i in _grants(with_catalog).items() if "catalog:" in n}
    assert catalog_grants == {
        f"reader-catalog:{p}": {
            "catalog": "wanderbricks_dev",
            "principal": p,
            "privileges": ["USE_CATALOG"],
        }
        for p in ("data-analysts", "ana@x.example", SP)
    }


@pytest.mark.parametrize("api", BACKENDS)
def test_dashboard_access_follows_the_dashboard_the_monitor_reported(declarations, api):
    config = _config("dev", api, readers=READERS)
    first = deploy_once(declarations, config=config, last=None)
    assert _dashboards(first) == {}, "no monitor has reported a dashboard before its first run"
    assert any("no dashboard reported yet by monitor(s)" in i for i in first.infos)
    second = deploy_once(declarations, config=config, last=first)
    reported = {t: first.stack_outputs["monitors"][t]["dashboard_id"] for t in TABLES}
    assert _dashboards(second) == {
        f"reader-dashboard:{t}": {
            "dashboardId": reported[t],
            "accessControls": [
                {"groupName": "data-analysts", "permissionLevel": "CAN_READ"},
                {"userName": "ana@x.example", "permissionLevel": "CAN_READ"},
                {"servicePrincipalName": SP, "permissionLevel": "CAN_READ"},
            ],
        }
        for t in TABLES
    }


@pytest.mark.parametrize("reported", ["", None])
def test_a_monitor_with_no_dashboard_id_yet_gets_no_dashboard_access_and_no_error(
    declarations, reported
):
    config = stack_config("dev", readers=READERS)
    first = deploy_once(declarations, config=config)
    outputs = dict(first.stack_outputs)
    outputs["monitors"] = {
        t: {**entry, "dashboard_id": reported} for t, entry in outputs["monitors"].items()
    }
    first.stack_outputs = outputs
    second = deploy_once(declarations, config=config, last=first)
    assert _dashboards(second) == {}
    assert second.errors == []
    assert len(_grants(second)) == 3


def test_removing_a_reader_deletes_only_its_grants_and_keeps_the_others(declarations):
    stack = _up_twice(declarations, "dev", stack_config("dev", readers=READERS))
    grants_before = set(_held(stack, GRANT_RESOURCE_TYPE))
    dashboards_before = set(_held(stack, PERMISSIONS_RESOURCE_TYPE))
    fewer = {"groups": ["data-analysts"], "servicePrincipals": [SP]}
    result = stack.up(config=stack_config("dev", readers=fewer))
    assert result.ok, result.errors
    gone = reader_grant_urn("dev", "schema", "ana@x.example")
    assert result.changed.get(gone) == "delete"
    assert set(_held(stack, GRANT_RESOURCE_TYPE)) == grants_before - {gone}
    assert set(_held(stack, PERMISSIONS_RESOURCE_TYPE)) == dashboards_before
    for table in TABLES:
        urn = dashboard_permissions_urn("dev", table)
        assert result.changed.get(urn) == "update"
        assert stack.engine.checkpoint.resources[urn].inputs["accessControls"] == [
            {"groupName": "data-analysts", "permissionLevel": "CAN_READ"},
            {"servicePrincipalName": SP, "permissionLevel": "CAN_READ"},
        ]
    others = {u: op for u, op in result.changed.items() if "Permissions" not in u and u != gone}
    assert others == {}, "no monitor, alert or other grant changes"


def test_readers_resources_are_protected_in_a_protected_stack(declarations):
    stack = _up_twice(declarations, "prod", stack_config("prod", readers=READERS))
    held = {**_held(stack, GRANT_RESOURCE_TYPE), **_held(stack, PERMISSIONS_RESOURCE_TYPE)}
    assert len(held) == 3 + len(stack.declarations)
    assert all(state.protect for state in held.values())


def test_removing_a_reader_in_a_protected_stack_is_refused_and_says_how(declarations):
    stack = _up_twice(declarations, "prod", stack_config("prod", readers=READERS))
    result = stack.up(config=stack_config("prod", readers={"groups": ["data-analysts"]}))
    gone = reader_grant_urn("prod", "schema", "ana@x.example")
    assert any(gone in e and "protected" in e for e in result.errors)
    assert any(
        f"pulumi state unprotect --stack prod '{gone}'" in w for w in result.program.warnings
    )


def test_a_stack_without_readers_registers_no_grant_and_keeps_its_outputs(declarations):
    run = deploy_once(declarations, config=stack_config("dev"))
    assert _grants(run) == {} and _dashboards(run) == {}
    assert "readers" not in run.stack_outputs


def test_dashboard_access_moves_unprotected_when_a_replaced_monitor_reports_a_new_dashboard(
    declarations,
):
    config = stack_config("prod", readers=READERS)
    first = deploy_once(declarations, stack="prod", config=config)
    second = deploy_once(declarations, stack="prod", config=config, last=first)
    outputs = dict(second.stack_outputs)
    outputs["monitors"] = {
        t: {
            **e,
            "dashboard_id": f"new-{e['dashboard_id']}" if t == "dim_host" else e["dashboard_id"],
        }
        for t, e in outputs["monitors"].items()
    }
    second.stack_outputs = outputs
    third = deploy_once(declarations, stack="prod", config=config, last=second)
    protect = {
        r.name: r.protect for r in third.registrations if r.type == PERMISSIONS_RESOURCE_TYPE
    }
    assert protect.pop("reader-dashboard:dim_host") is False
    assert all(protect.values())
    assert any("'dim_host' has a new dashboard" in w for w in third.warnings)


def test_a_protected_readers_grant_is_revoked_once_unprotected(declarations):
    stack = _up_twice(declarations, "prod", stack_config("prod", readers=READERS))
    fewer = stack_config("prod", readers={"groups": ["data-analysts"], "servicePrincipals": [SP]})
    gone = reader_grant_urn("prod", "schema", "ana@x.example")
    stack.engine.checkpoint = stack.engine.checkpoint.unprotect(gone)
    result = stack.up(config=fewer)
    assert result.ok, result.errors
    assert result.changed.get(gone) == "delete"
    assert gone not in stack.engine.checkpoint.resources


def test_removing_the_readers_setting_revokes_everything_it_granted_and_says_so(declarations):
    stack = _up_twice(declarations, "dev", stack_config("dev", readers=READERS))
    result = stack.up(config=stack_config("dev"))
    assert result.ok, result.errors
    assert _held(stack, GRANT_RESOURCE_TYPE) == {}
    assert _held(stack, PERMISSIONS_RESOURCE_TYPE) == {}
    revoked = [w for w in result.program.warnings if w.startswith("readers:")]
    assert len(revoked) == 3 + len(TABLES)
    assert not [w for w in revoked if "unprotect" in w], "an unprotected stack needs no step"


def test_plan_lists_each_readers_grant_as_the_program_registers_it(capsys, tmp_path, declarations):
    import json
    import shutil

    from monitors.cli.main import main
    from tests.helpers.program import ROOT

    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "monitors" / "declarations", tmp_path / "monitors" / "declarations")
    stack_file = tmp_path / "Pulumi.prod.yaml"
    stack_file.write_text(
        stack_file.read_text()
        + "  lakehouse-monitors:readers:\n    groups: [data-analysts]\n    useCatalog: true\n"
    )
    assert main(["plan", "--stack", "prod", "--project-dir", str(tmp_path), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    run = deploy_once(
        declarations,
        stack="prod",
        config=stack_config("prod", readers={"groups": ["data-analysts"], "useCatalog": True}),
    )
    registered = {
        r.name: (r.inputs, r.protect) for r in run.registrations if r.type == GRANT_RESOURCE_TYPE
    }
    planned = {g.pop("name"): (g, g.pop("protect")) for g in document["readers"]["grants"]}
    assert planned == registered
    assert document["readers"]["dashboard_permission"] == "CAN_READ"
