"""`python -m monitors plan --stack S`: each monitor exactly as it would be sent, no CLI needed.

It validates declarations and stack settings the way the program does and prints, per monitor,
the API body with its protection and replace settings. Whether a monitor is replaced is decided
against the last deployment at `pulumi preview`; `--against REF` compares with a git ref instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from monitors.loader import DECLARATIONS_DIR
from monitors.naming import monitor_urn
from monitors.program import Plan, make_plan
from monitors.project import load_project
from monitors.settings import PROJECT_ROOT


def plan_document(plan: Plan) -> dict[str, Any]:
    """The stable JSON form of a stack's plan."""
    settings = plan.project.settings
    monitors: dict[str, Any] = {}
    for table, request in plan.requests.items():
        reset = settings.resets.get(table)
        monitors[table] = {
            "table_name": settings.full_table_name(table),
            "urn": monitor_urn(settings.stack, table),
            "protect": settings.protect,
            "delete_before_replace": True,
            "reset": reset.model_dump() if reset else None,
            "request": request,
        }
    return {
        "stack": settings.stack,
        "protect": settings.protect,
        "refresh_after_update": settings.refresh_after_update,
        "monitors": monitors,
    }


def render_plan(document: dict[str, Any], out: TextIO) -> None:
    """Human-readable plan: a header per monitor, then its API body as JSON."""
    protect = "on" if document["protect"] else "off"
    print(
        f"Stack {document['stack']}: {len(document['monitors'])} monitors, protection {protect}",
        file=out,
    )
    for table, monitor in document["monitors"].items():
        reset = monitor["reset"]
        print(f"\n== {table}", file=out)
        print(f"   urn: {monitor['urn']}", file=out)
        print(
            f"   protect: {str(monitor['protect']).lower()}   delete_before_replace: true   "
            f"reset token: {reset['token'] if reset else 'none'}"
            + (" (purge)" if reset and reset["purge"] else ""),
            file=out,
        )
        print(
            "   replace: decided at `pulumi preview` against the last deployment "
            "(rename, input_columns/type/output type, profile type, create-only fields, "
            "new reset token)",
            file=out,
        )
        print(f"   POST /api/2.1/unity-catalog/tables/{monitor['table_name']}/monitor", file=out)
        body = json.dumps(monitor["request"], indent=2)
        print("\n".join("   " + line for line in body.splitlines()), file=out)


def run_plan(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Handler of `plan`: exit 0 when everything is valid."""
    out = out or sys.stdout
    if getattr(args, "against", None):
        from monitors.change_report import run_change_report

        return run_change_report(args, out)
    root = Path(args.repo)
    declarations = root / DECLARATIONS_DIR.relative_to(PROJECT_ROOT)
    document = plan_document(make_plan(load_project(args.stack, root, declarations)))
    if args.json:
        json.dump(document, out, indent=2)
        out.write("\n")
    else:
        render_plan(document, out)
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register `plan`."""
    parser = subparsers.add_parser(
        "plan",
        help="validate declarations and print each monitor as it would be sent",
        description=__doc__,
    )
    parser.add_argument("--stack", required=True, help="stack name, e.g. dev or prod")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--against",
        metavar="GIT_REF",
        help="report what changes relative to the declarations and settings at GIT_REF",
    )
    parser.add_argument(
        "--repo",
        type=Path,
        default=PROJECT_ROOT,
        metavar="DIR",
        help="the project checkout to read (default: this one)",
    )
    parser.set_defaults(func=run_plan)
