"""A stack ready to migrate: the fake CLI's state and scripted runs, and the fake workspace; and
a migration run to its end (`migrated`), which tests that only look at the result share.

The workspace (tests/fakes/workspace.py) holds each table's one monitor, which both APIs read;
the fake CLI (tests/fakes/pulumi_cli) holds the stack's state, with each monitor as a
`databricks.QualityMonitor` (and, with alerts, the AlertV2 resources that depend on them), its
outputs as the program records them, what `pulumi import` finds in the cloud, and one scripted
answer per `pulumi preview` (the check before anything changes, then the one after the import)
and for `pulumi up`.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitors.desired.alert_record import ALERTS_OUTPUT
from monitors.desired.record import MONITORS_OUTPUT, STRUCTURE_OUTPUT
from monitors.naming import (
    ALERT_RESOURCE_TYPE,
    API_DATA_QUALITY,
    API_LEGACY,
    RESOURCE_TYPES,
    alert_display_name,
    alert_urn,
    anomaly_urn,
    monitor_urn,
)
from monitors.stackops.common import Env
from monitors.stackops.migrate.command import migrate
from monitors.stackops.migrate.context import MigrateReport
from monitors.stackops.migrate.journal import journal_path
from tests.fakes.workspace import FakeWorkspace
from tests.helpers.console import Console
from tests.helpers.declarations import TABLES
from tests.helpers.fake_cli import CATALOG, FakePulumi, deployed_outputs, fake_pulumi, full_name
from tests.helpers.project_copy import copy_project

DQ = API_DATA_QUALITY
# The shipped alerts (monitors/declarations), by the monitor they watch.
ALERTS = {
    "dim_host": ["missing_host_emails"],
    "fact_booking_daily": ["bookings_volume_drop", "cancellation_spike"],
    "fact_property_engagement": ["click_tracking_broken"],
}
VERSION = 3  # each monitor's monitor_version before the migration


def output_schema(stack: str) -> str:
    return f"{CATALOG[stack]}.wanderbricks_gold_monitoring"


def alert_keys() -> list[tuple[str, str]]:
    return [(t, a) for t, names in ALERTS.items() for a in names]


def alert_id(table: str, alert: str) -> str:
    return f"alert-{table}-{alert}"


@dataclass
class Scene:
    """One stack's migration scenario; `install()` writes it for the fake CLI."""

    fake: FakePulumi
    project: Path
    workspace: FakeWorkspace
    stack: str = "dev"
    api: str = API_LEGACY  # the backend the stack is on before the migration
    alerts: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def target(self) -> str:
        return DQ if self.api == API_LEGACY else API_LEGACY

    @property
    def protect(self) -> bool:
        return self.stack == "prod"

    def monitor(self, table: str, api: str | None = None) -> dict[str, Any]:
        """A monitor as `pulumi stack export` shows it (of the stack's backend by default)."""
        api = api or self.api
        name = full_name(self.stack, table)
        inputs = (
            {"tableName": name}
            if api == API_LEGACY
            else {"objectType": "table", "objectId": self.workspace.table_id_of(name)}
        )
        return {
            "urn": monitor_urn(self.stack, table, api),
            "custom": True,
            "id": name if api == API_LEGACY else "missing ID",
            "type": RESOURCE_TYPES[api],
            "inputs": inputs,
            "outputs": inputs,
            "protect": self.protect,
            "dependencies": [],
        }

    def alert(self, table: str, alert: str, api: str | None = None) -> dict[str, Any]:
        return {
            "urn": alert_urn(self.stack, table, alert),
            "custom": True,
            "id": alert_id(table, alert),
            "type": ALERT_RESOURCE_TYPE,
            "inputs": {"displayName": self.display_name(table, alert)},
            "outputs": {"displayName": self.display_name(table, alert)},
            "protect": self.protect,
            "dependencies": [monitor_urn(self.stack, table, api or self.api)],
        }

    def display_name(self, table: str, alert: str) -> str:
        return alert_display_name(self.stack, table, alert, "warning")

    def resources(self, api: str | None = None) -> list[dict[str, Any]]:
        """The stack's state: each monitor, followed by the alerts that depend on it."""
        found = []
        for table in TABLES:
            found.append(self.monitor(table, api))
            if self.alerts:
                found += [self.alert(table, a, api) for a in ALERTS.get(table, [])]
        return found

    def urns(self, api: str | None = None) -> list[str]:
        return [r["urn"] for r in self.resources(api)]

    def outputs(self, api: str | None = None) -> dict[str, Any]:
        """The stack outputs a completed update on `api` recorded."""
        api = api or self.api
        recorded = deployed_outputs(self.project, self.stack, **{t: _on(api) for t in TABLES})
        for table in TABLES:
            name = full_name(self.stack, table)
            info = self.workspace.monitors[name]
            recorded[MONITORS_OUTPUT][table].update(
                status="MONITOR_STATUS_ACTIVE",
                dashboard_id=info.get("dashboard_id"),
                profile_metrics_table_name=info["profile_metrics_table_name"],
                drift_metrics_table_name=info["drift_metrics_table_name"],
            )
        if self.alerts:
            recorded[ALERTS_OUTPUT] = {
                f"{t}.{a}": {"id": alert_id(t, a), "display_name": self.display_name(t, a)}
                for t, a in alert_keys()
            }
        return recorded

    def same(self, api: str) -> list[dict[str, Any]]:
        """Every resource `same` in a preview or update on `api`."""
        return [{"op": "same", "urn": urn} for urn in self.urns(api)]

    def cloud(self) -> dict[str, Any]:
        """What `pulumi import` reads, by import ID: each monitor as either type, each alert."""
        found: dict[str, Any] = {}
        for table in TABLES:
            name = full_name(self.stack, table)
            found[name] = {"tableName": name}
            found[f"table,{self.workspace.table_id_of(name)}"] = {"objectType": "table"}
        for table, alert in alert_keys():
            found[alert_id(table, alert)] = {"displayName": self.display_name(table, alert)}
        return found

    def install(self, **overrides: Any) -> None:
        """Write the scenario: the stack as deployed on `api`, runs that change nothing."""
        if self.api != API_LEGACY:
            self.set_config(api=self.api)
        if self.alerts:
            self.set_config(alerts=copy.deepcopy(_ALERTING))
        stacks = copy.deepcopy(self.fake.scenario.get("stacks", {}))
        stacks[self.stack] = {"resources": self.resources(), "outputs": self.outputs()}
        scenario: dict[str, Any] = {
            "stacks": stacks,
            "cloud": self.cloud(),
            "preview": [{"steps": self.same(self.api)}, {"steps": self.same(self.target)}],
            "up": {"steps": self.same(self.target), "outputs": self.outputs(self.target)},
            **self.extra,
            **overrides,
        }
        self.fake.write(**scenario)

    def add_anomaly_detection(self) -> dict[str, Any]:
        """The schema-level anomaly detection monitor, as another resource in the state."""
        anomaly = {
            "urn": anomaly_urn(self.stack),
            "custom": True,
            "id": "missing ID",
            "type": RESOURCE_TYPES[DQ],
            "inputs": {"objectType": "schema"},
            "protect": self.protect,
        }
        world = self.fake.world()
        world["stacks"][self.stack]["resources"].append(anomaly)
        self.fake.write(**world)
        return anomaly

    # ---- the stack file and the journal -----------------------------------------------

    @property
    def stack_file(self) -> Path:
        return self.project / f"Pulumi.{self.stack}.yaml"

    def config(self) -> dict[str, Any]:
        return dict(yaml.safe_load(self.stack_file.read_text())["config"])

    def set_config(self, **values: Any) -> None:
        document = yaml.safe_load(self.stack_file.read_text())
        for key, value in values.items():
            document["config"][f"lakehouse-monitors:{key}"] = value
        self.stack_file.write_text(yaml.safe_dump(document, sort_keys=False))

    @property
    def journal(self) -> Path:
        return journal_path(self.project, self.stack)

    # ---- what the fake CLI holds now ---------------------------------------------------

    def state(self) -> list[dict[str, Any]]:
        return self.fake.resources(self.stack)

    def state_urns(self) -> list[str]:
        return [r["urn"] for r in self.state()]

    def state_outputs(self) -> dict[str, Any]:
        return dict(self.fake.world()["stacks"][self.stack].get("outputs", {}))


_ALERTING: dict[str, Any] = {
    "warehouse_id": "0123456789abcdef",
    "schedule": {"quartz_cron_expression": "0 30 6 * * ?", "timezone_id": "UTC"},
    "notify": {"emails": ["data-quality@wanderbricks.example"]},
}


def _on(api: str) -> Any:
    return lambda structure: replace(structure, api=api)


def records(outputs: dict[str, Any]) -> dict[str, str]:
    """Each monitor's backend as a record says (absent: legacy)."""
    import json

    return {
        t: json.loads(raw).get("api", API_LEGACY) for t, raw in outputs[STRUCTURE_OUTPUT].items()
    }


class started_workspace:
    """The fake workspace with both stacks' monitors, and the environment pointing at it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
        self.monkeypatch, self.tmp = monkeypatch, tmp
        self.fake = FakeWorkspace()

    def __enter__(self) -> FakeWorkspace:
        for name in list(os.environ):
            if name.startswith(("DATABRICKS_", "ARM_")):
                self.monkeypatch.delenv(name)
        home = self.tmp / "home"
        home.mkdir()
        self.monkeypatch.setenv("HOME", str(home))
        fake = self.fake.start()
        self.monkeypatch.setenv("DATABRICKS_HOST", fake.host)
        self.monkeypatch.setenv("DATABRICKS_TOKEN", fake.token)
        for stack in ("dev", "prod"):
            fake.add_schema(output_schema(stack))
            for table in TABLES:
                name = full_name(stack, table)
                fake.add_monitor(name, output_schema_name=output_schema(stack))
                fake.initialise_monitor(name)
                fake.set_monitor_status(name, "MONITOR_STATUS_ACTIVE", monitor_version=VERSION)
        return fake

    def __exit__(self, *exc: object) -> None:
        self.fake.stop()


@dataclass
class Migrated:
    """A migration that ran to its end, and what it printed."""

    scene: Scene
    report: MigrateReport
    console: Console
    journal_seen: dict[str, object]
    anomaly: dict[str, object] | None = None


def migrated(
    factory: pytest.TempPathFactory,
    stack: str,
    alerts: bool,
    anomaly: bool = False,
    cli_version: str = "3.272.0",
) -> Iterator[Migrated]:
    """`stack` migrated to data_quality in directories and an environment of its own (for a
    fixture to yield from: the workspace stops and the environment is put back after)."""
    tmp = factory.mktemp(f"migrated-{stack}")
    with pytest.MonkeyPatch.context() as mp, started_workspace(mp, tmp) as workspace:
        fake = fake_pulumi(tmp / "fake-cli", mp)
        fake.write(stacks={})
        scene = Scene(fake, copy_project(tmp / "project"), workspace, stack=stack, alerts=alerts)
        scene.install(version=cli_version)
        schema_monitor = scene.add_anomaly_detection() if anomaly else None
        console = Console()
        seen: dict[str, object] = {}

        def out(line: str) -> None:
            console.out(line)
            if line.startswith("Wrote lakehouse-monitors:api"):  # the journal, mid-way
                seen["text"] = scene.journal.read_text()
                seen["mode"] = scene.journal.stat().st_mode & 0o777

        report = migrate(stack, DQ, assume_yes=True, env=Env(scene.project, fake.root, out))
        yield Migrated(scene, report, console, seen, schema_monitor)
