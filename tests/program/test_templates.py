"""Templates under Pulumi's mocks, through the real entry point: a table declared by a template is
the very resource its own file would register, pattern tables come from the provider's listing,
and a table that leaves the workspace is deleted only where protection allows it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitors.program import entrypoint
from tests.fakes.engine import Engine
from tests.fakes.mock_runtime import ProgramRun, run_program
from tests.helpers.alerts import alerting
from tests.helpers.declarations import TABLES, shipped_declarations
from tests.helpers.program import stack_config
from tests.templates import as_templates


def project_root(tmp_path: Path, files: dict[str, dict[str, Any]]) -> Path:
    root = tmp_path / "project"
    directory = root / "monitors" / "declarations"
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.glob("*.yaml"):
        path.unlink()
    for name, data in files.items():
        (directory / f"{name}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return root


def program(root: Path) -> Any:
    return lambda: entrypoint.main(root)


def run(root: Path, stack: str, config: dict[str, Any] | None = None, **kwargs: Any) -> ProgramRun:
    return run_program(program(root), stack=stack, config=config or stack_config(stack), **kwargs)


def by_name(found: ProgramRun) -> list[Any]:
    return sorted(found.registrations, key=lambda r: (r.type, r.name))


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_moving_tables_into_templates_changes_no_registration_and_no_record(tmp_path, stack):
    own = shipped_declarations()
    config = alerting(stack)
    before = run(project_root(tmp_path / "own", own), stack, config)
    after = run(
        project_root(tmp_path / "templates", as_templates(own)), stack, config, tables=TABLES
    )
    assert sorted(r.name for r in after.registrations if r.name in TABLES) == TABLES
    # Alerts register as their monitor's outputs resolve: the order is the runtime's, not ours.
    assert by_name(after) == by_name(before)
    assert after.stack_outputs == before.stack_outputs


def test_a_template_moved_back_into_own_files_is_no_change_on_a_deployed_stack(tmp_path):
    own = shipped_declarations()
    engine = Engine("dev")
    engine.tables = TABLES
    templates = project_root(tmp_path / "templates", as_templates(own))
    for _ in range(2):  # a settled stack
        assert engine.up(program(templates), config=stack_config("dev")).ok
    back = engine.preview(program(project_root(tmp_path / "own", own)), config=stack_config("dev"))
    assert back.ok and back.changed == {}


def test_a_pattern_declares_each_matching_table_of_the_workspace(tmp_path):
    facts = copy.deepcopy(shipped_declarations()["fact_booking_daily"])
    root = project_root(tmp_path, {"facts": {"tables": {"like": "fact\\_*"}, **facts}})
    found = run(root, "dev", tables=[*TABLES, "fact_new", "factory_x"])
    monitors = sorted(r.name for r in found.registrations if r.type.endswith("QualityMonitor"))
    assert monitors == ["fact_booking_daily", "fact_new", "fact_property_engagement"]


def test_alerts_of_a_template_are_registered_for_each_table_under_its_own_name(tmp_path):
    facts = copy.deepcopy(shipped_declarations()["fact_booking_daily"])
    root = project_root(tmp_path, {"facts": {"tables": {"like": "fact%"}, **facts}})
    found = run(root, "dev", alerting("dev"), tables=["fact_a", "fact_b"])
    assert sorted(found.alerts()) == [
        "fact_a.bookings_volume_drop",
        "fact_a.cancellation_spike",
        "fact_b.bookings_volume_drop",
        "fact_b.cancellation_spike",
    ]


def test_a_failed_table_listing_stops_the_run_before_anything_is_registered(tmp_path):
    facts = copy.deepcopy(shipped_declarations()["fact_booking_daily"])
    root = project_root(tmp_path, {"facts": {"tables": {"like": "fact%"}, **facts}})
    failed = run(root, "dev", tables=None, expect_failure=True)
    assert "could not list the tables of wanderbricks_dev.wanderbricks_gold" in str(failed.failure)
    assert [r for r in failed.registrations if r.type.endswith("QualityMonitor")] == []


def test_a_stack_without_patterns_never_lists_the_tables(tmp_path):
    own = shipped_declarations()
    listed = run(project_root(tmp_path, own), "dev", tables=None)  # a listing would fail
    assert sorted(r.name for r in listed.registrations if r.name in TABLES) == TABLES


def dropped_table(tmp_path: Path, stack: str) -> tuple[Engine, Any]:
    facts = copy.deepcopy(shipped_declarations()["fact_booking_daily"])
    root = project_root(tmp_path, {"facts": {"tables": {"like": "fact%"}, **facts}})
    config = stack_config(stack)
    config.pop("lakehouse-monitors:enabled", None)  # prod lists its five tables
    engine = Engine(stack)
    engine.tables = ["fact_a", "fact_b"]
    for _ in range(2):
        assert engine.up(program(root), config=config).ok
    engine.tables = ["fact_a"]
    return engine, engine.preview(program(root), config=config)


def test_a_table_dropped_from_the_workspace_is_deleted_in_dev_and_the_preview_says_so(tmp_path):
    engine, preview = dropped_table(tmp_path, "dev")
    assert preview.changed == {engine.urn("fact_b"): "delete"}
    (warning,) = [w for w in preview.program.warnings if "fact_b" in w]
    assert "wanderbricks_dev.wanderbricks_gold.fact_b is no longer in the workspace" in warning
    assert "DELETED" in warning and "history is lost" in warning


def test_a_table_dropped_from_the_workspace_is_never_deleted_in_prod(tmp_path):
    engine, preview = dropped_table(tmp_path, "prod")
    assert any("fact_b" in e and "protected" in e for e in preview.errors)
    (warning,) = [w for w in preview.program.warnings if "fact_b" in w]
    assert "pulumi state unprotect" in warning
    assert engine.checkpoint.resources[engine.urn("fact_b")].protect
