"""The price of a change: what each monitor the change replaces or makes bigger cost over the
last 30 days (the change report, `plan --against`, when credentials are at hand).

A monitor is priced when it is replaced (its first refreshes recompute history) or updated to do
more on every refresh: granularities, slicing expressions or custom metrics added. The figures
come from `monitors.workspace.cost` (the billing tables, on the stack's SQL warehouse).

Credentials are looked for where the provider finds them without the Pulumi CLI (the stack
file's plain `databricks:*` settings, DATABRICKS_* variables, the ~/.databrickscfg profile):
without a workspace host nothing is sent and the report says cost is not shown and why; with
one, every call is bounded (`PLAN_COST_LIMITS`), and any failure becomes that sentence too.
"""

from __future__ import annotations

import configparser
import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitors.change_report.diff import BodyDiff
from monitors.change_report.report import ChangeReport, MonitorChange, Outcome
from monitors.declared.settings import StackSettings, read_stack_config
from monitors.errors import MonitorsError
from monitors.naming import CONFIG_NAMESPACE, stack_file_name

COST_DAYS = 30
_GROWING_FIELDS = ("granularities", "slicing_exprs", "custom_metrics")


@dataclass(frozen=True)
class PricedChange:
    """A monitor this change replaces or makes bigger, and why it is priced."""

    table: str
    full_table_name: str
    why: str


@dataclass
class CostOfChange:
    """The cost section: shown (figures per priced monitor) or not (and why)."""

    priced: list[PricedChange]
    reason_not_shown: str | None = None
    warehouse: str | None = None
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)  # table -> usage as JSON
    notes: list[str] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        """True when the figures were read."""
        return self.reason_not_shown is None

    def document(self) -> dict[str, Any]:
        """The `cost` member of the change report's JSON."""
        return {
            "days": COST_DAYS,
            "shown": self.shown,
            "reason_not_shown": self.reason_not_shown,
            "warehouse_id": self.warehouse,
            "monitors": {
                p.table: {"why": p.why, **(self.figures.get(p.table) or {})} for p in self.priced
            },
            "notes": self.notes,
        }

    def lines(self) -> list[str]:
        """The section of the text report."""
        title = (
            f"Cost over the last {COST_DAYS} days of the monitors this change replaces or makes "
            "bigger (list prices):"
        )
        if not self.shown:
            return ["", title, f"  not shown: {self.reason_not_shown}"]
        lines = ["", title]
        for priced in self.priced:
            usage = self.figures.get(priced.table, {})
            cost = ", ".join(f"{c} {float(v):.2f}" for c, v in usage.get("list_cost", {}).items())
            dbus = float(usage.get("dbus", "0"))
            lines.append(
                f"  {priced.table}: {dbus:.2f} DBUs"
                + (f" ({cost})" if cost else "")
                + f" -- {priced.why}"
            )
        lines += [f"  {note}" for note in self.notes]
        return lines


def growth(diff: BodyDiff) -> list[str]:
    """What an update adds to every refresh: granularities, slicing expressions, metrics."""
    found: list[str] = []
    if diff.metrics.added:
        found.append(f"custom metrics added ({', '.join(diff.metrics.added)})")
    for change in diff.fields:
        name = change.field.rsplit(".", 1)[-1]
        if name not in _GROWING_FIELDS:
            continue
        before = change.before if isinstance(change.before, list) else []
        after = change.after if isinstance(change.after, list) else []
        added = [str(v) if not isinstance(v, dict) else str(v.get("name")) for v in after]
        added = [v for v, item in zip(added, after, strict=True) if item not in before]
        if added:
            found.append(f"{name.replace('_', ' ')} added ({', '.join(added)})")
    return found


def priced_changes(report: ChangeReport) -> list[PricedChange]:
    """The monitors whose cost a reviewer should see: replaced, or updated to do more."""
    priced: list[PricedChange] = []
    for table, change in report.monitors.items():
        why = _why(change)
        if why:
            priced.append(PricedChange(table, change.table_name, why))
    return priced


def _why(change: MonitorChange) -> str | None:
    if change.outcome is Outcome.REPLACED:
        return "replaced: its first refreshes recompute the metrics from scratch"
    if change.outcome is Outcome.UPDATED:
        grown = growth(change.diff)
        if grown:
            return "updated to do more on every refresh: " + "; ".join(grown)
    return None


def cost_of_change(root: Path, report: ChangeReport) -> CostOfChange | None:
    """The cost section for the report, or None when the change prices nothing. Never raises:
    whatever stops the figures becomes the reason they are not shown."""
    priced = priced_changes(report)
    if not priced:
        return None
    section = CostOfChange(priced)
    try:
        _fill(root, report, section)
    except MonitorsError as exc:
        section.reason_not_shown = str(exc).splitlines()[0]
    except Exception as exc:  # a report must never fail for its cost section
        from monitors.workspace.client import describe_error

        section.reason_not_shown = f"the billing tables could not be read: {describe_error(exc)}"
    return section


def _fill(root: Path, report: ChangeReport, section: CostOfChange) -> None:
    from monitors.declared.settings import settings_from_config
    from monitors.workspace.cost_run import warehouse_of

    config = read_stack_config(report.stack, root)
    settings: StackSettings = settings_from_config(
        report.stack, config, stack_file_name(report.stack)
    )
    provider = _provider_settings(report.stack, config)
    missing = no_credentials(provider)
    if missing:
        section.reason_not_shown = missing
        return
    warehouse = warehouse_of(settings)
    if warehouse is None:
        section.reason_not_shown = (
            "no SQL warehouse to read the billing tables on (the stack sets neither "
            f"{CONFIG_NAMESPACE}:warehouseId nor {CONFIG_NAMESPACE}:alerts.warehouse_id); "
            f"run `monitors cost --stack {report.stack} --warehouse-id <id>`"
        )
        return
    _read(provider, report, section, warehouse)


def _provider_settings(stack: str, config: dict[str, Any]) -> Any:
    from monitors.workspace.credentials import settings_from_config as provider_from_config

    return provider_from_config(config, stack_file_name(stack))


def no_credentials(provider: Any) -> str | None:
    """Why no workspace can be asked (no host anywhere the SDK would look), or None. Reads
    only the settings, the environment and the profile file: no network."""
    from monitors.workspace.client import config_file_path, known_host

    if known_host(provider):
        return None
    profile = provider.get("profile") or os.environ.get("DATABRICKS_CONFIG_PROFILE") or "DEFAULT"
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    with contextlib.suppress(OSError, UnicodeError, configparser.Error):
        parser.read(os.path.expanduser(config_file_path(provider)), encoding="utf-8")
    section = (
        parser.defaults()
        if profile == "DEFAULT"
        else (parser[profile] if parser.has_section(profile) else {})
    )
    if section.get("host"):
        return None
    return (
        "no Databricks credentials found (no databricks:host in the stack file, no "
        f"DATABRICKS_HOST, no host in the [{profile}] profile of ~/.databrickscfg)"
    )


def _read(
    provider: Any, report: ChangeReport, section: CostOfChange, warehouse: tuple[str, str]
) -> None:
    from monitors.workspace.client import PLAN_COST_LIMITS, Deadline, connect
    from monitors.workspace.cost import CORRECTIONS, LIST_PRICE_NOTE, REPORTING_DELAY, CostTarget
    from monitors.workspace.cost_run import read_costs

    deadline = Deadline(PLAN_COST_LIMITS.total_s)
    connection = connect(provider, PLAN_COST_LIMITS, deadline)
    targets = [CostTarget(p.table, p.full_table_name) for p in section.priced]
    costs = read_costs(
        connection.client,
        targets,
        stack=report.stack,
        days=COST_DAYS,
        warehouse_id=warehouse[0],
        warehouse_setting=warehouse[1],
        budget_s=PLAN_COST_LIMITS.total_s / 2,
    )
    section.warehouse = warehouse[0]
    for monitor in costs.monitors:
        section.figures[monitor.table] = monitor.usage.as_json()
    section.notes = [f"Reporting delay: {REPORTING_DELAY}.", f"{CORRECTIONS}; {LIST_PRICE_NOTE}."]
