"""`python -m monitors verify --stack S`: the seed's post-run checklist, automated.

Which monitors to expect comes from the declarations; credentials come from where the provider
finds them (the stack's `databricks:host`, DATABRICKS_* variables, ~/.databrickscfg profiles).
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from monitors.errors import MonitorsError
from monitors.project import Project, load_project
from monitors.settings import read_stack_config
from monitors.validation import DRIFT
from monitors.verify import DEFAULT_POLL_S, ExpectedMonitor, run_verify
from monitors.workspace import workspace_client

DEFAULT_TIMEOUT_S = 1800.0


def expected_monitors(project: Project, tables: list[str] | None = None) -> list[ExpectedMonitor]:
    """What verify checks for each declared monitor (or only the tables asked for)."""
    unknown = sorted(set(tables or []) - set(project.monitors))
    if unknown:
        raise MonitorsError(
            f"unknown table(s) {', '.join(unknown)}; stack '{project.settings.stack}' "
            f"monitors {', '.join(project.monitors)}"
        )
    expected: list[ExpectedMonitor] = []
    for table, spec in project.monitors.items():
        if tables and table not in tables:
            continue
        has_drift = spec.profile_type != "snapshot" or bool(spec.baseline_table_name)
        has_drift = has_drift or any(m.type == DRIFT for m in spec.custom_metrics)
        expected.append(
            ExpectedMonitor(
                table=table,
                full_table_name=project.settings.full_table_name(table),
                custom_metric_names=tuple(m.name for m in spec.custom_metrics if m.type != DRIFT),
                custom_drift_metric_names=tuple(
                    m.name for m in spec.custom_metrics if m.type == DRIFT
                ),
                expects_drift_table=has_drift,
                expects_dashboard=not spec.skip_builtin_dashboard,
            )
        )
    return expected


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Handler of `verify`: 0 when every check passes, 1 when any fails."""
    out = out or sys.stdout
    project = load_project(args.stack)
    expected = expected_monitors(project, args.table)
    host = read_stack_config(args.stack).get("databricks:host")
    client = workspace_client(host=args.host or host, profile=args.profile)
    return run_verify(
        client,
        expected,
        wait=args.wait,
        timeout_s=args.timeout,
        as_json=args.json,
        out=out,
        poll_s=DEFAULT_POLL_S,
    )


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register `verify`."""
    parser = subparsers.add_parser(
        "verify", help="check deployed monitors against the declarations", description=__doc__
    )
    parser.add_argument("--stack", required=True, help="stack name, e.g. dev or prod")
    parser.add_argument("--table", action="append", help="only this table (repeatable)")
    parser.add_argument("--wait", action="store_true", help="poll PENDING monitors until ACTIVE")
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds --wait may take"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--profile", help="~/.databrickscfg profile to use")
    parser.add_argument("--host", help="workspace URL (default: the stack's databricks:host)")
    parser.set_defaults(func=run)
