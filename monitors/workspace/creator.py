"""The legacy monitor API's creator rule, checked before adopt's first `pulumi up`.

The legacy API lets only a monitor's original creator update it ("the caller must be the
original creator of the monitor", databricks-sdk 0.162 `QualityMonitorsAPI.update` docstring;
the Data Quality API checks MANAGE instead), and an adopted monitor always gets an update on the
first `pulumi up`. The API names no creator: `MonitorInfo` has no creator or owner field, nor does
the dashboard (`dashboards.Dashboard`) or a workspace object (`workspace.ObjectInfo`). What it
does show is the monitor's `assets_dir`, which the UI and the Python APIs default to the
creator's home folder (`/Workspace/Users/<creator>/...`, `MonitorInfo.assets_dir` docstring:
"prepopulated to a default user location"). So: a monitor whose assets folder is in another
identity's home was almost certainly created by that identity; anywhere else (e.g.
`/Workspace/Shared/...`) the creator cannot be told.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from databricks.sdk import WorkspaceClient

from monitors.workspace import legacy as workspace

_HOME = re.compile(r"^(?:/Workspace)?/Users/([^/]+)(?:/|$)")


@dataclass(frozen=True)
class CreatorFinding:
    """What the API says about who created one monitor."""

    table: str  # short name
    assets_dir: str | None
    likely_creator: str | None  # the identity whose home holds the assets, if any


def home_owner(path: str | None) -> str | None:
    """`/Workspace/Users/<name>/...` (or `/Users/<name>/...`) -> `<name>`; None elsewhere."""
    found = _HOME.match(path or "")
    return found.group(1) if found else None


def creator_findings(
    client: WorkspaceClient, tables: Mapping[str, str]
) -> tuple[str | None, list[CreatorFinding]]:
    """The identity the client runs as, and per existing monitor (short name -> full table
    name) who likely created it. Monitors that do not exist are left out."""
    me = workspace.current_user_name(client)
    findings = []
    for table, full_name in tables.items():
        monitor = workspace.get_monitor(client, full_name)
        if monitor is None:
            continue
        owner = home_owner(monitor.assets_dir)
        findings.append(CreatorFinding(table, monitor.assets_dir, owner))
    return me, findings


def creator_rule_lines(me: str | None, findings: list[CreatorFinding]) -> list[str]:
    """What adopt tells the user: a warning per monitor created by someone else, and a note for
    the monitors whose creator the API does not reveal. Empty when all look like `me`'s."""
    who = me or "the identity Pulumi runs as"
    others = [
        f for f in findings if f.likely_creator and f.likely_creator.lower() != (me or "").lower()
    ]
    unknown = [f for f in findings if not f.likely_creator]
    lines: list[str] = []
    if others:
        lines.append(
            "WARNING: the legacy monitor API lets only a monitor's creator update it, and the "
            f"first `pulumi up` after adopt updates every adopted monitor. Pulumi runs as {who}; "
            "these monitors look created by someone else (their assets are in that identity's "
            "home folder), so their update will fail:"
        )
        lines += [f"  {f.table}: {f.assets_dir} -> created by {f.likely_creator}" for f in others]
        lines.append(
            "  Run that `pulumi up` with the creator's credentials (databricks:* settings or "
            "DATABRICKS_* variables of that identity), or reset the monitor on purpose "
            "(history lost): see docs/how-to/adopt.md, 'The creator rule'."
        )
    if unknown:
        lines.append(
            f"Note: the API does not say who created {', '.join(f.table for f in unknown)} "
            "(assets outside a user's home folder). Only its creator may update it: if that was "
            f"not {who}, the first `pulumi up` fails on it (see docs/how-to/adopt.md, "
            "'The creator rule')."
        )
    return lines
