"""`python -m monitors verify --stack S`: the seed's post-run checklist, automated.

Which monitors to expect comes from the declarations; credentials come from where the provider
finds them (the stack's `databricks:host`, DATABRICKS_* variables, ~/.databrickscfg profiles).
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from monitors.cli import options

DEFAULT_TIMEOUT_S = 1800.0


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Handler of `verify`: 0 when every check passes, 1 when any fails."""
    from monitors.spec.project import load_project
    from monitors.spec.settings import read_stack_config
    from monitors.workspace.client import workspace_client
    from monitors.workspace.expected import expected_monitors
    from monitors.workspace.verify import DEFAULT_POLL_S, run_verify

    out = out or sys.stdout
    project = load_project(args.stack, args.project_dir)
    expected = expected_monitors(project, args.table)
    host = read_stack_config(args.stack, args.project_dir).get("databricks:host")
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


def add_command(subparsers: options.Subparsers) -> None:
    """Register `verify`."""
    parser = subparsers.add_parser(
        "verify", help="check deployed monitors against the declarations", description=__doc__
    )
    options.stack(parser)
    options.tables(parser, "only this table (repeatable)")
    parser.add_argument("--wait", action="store_true", help="poll PENDING monitors until ACTIVE")
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds --wait may take"
    )
    options.json_output(parser)
    parser.add_argument("--profile", help="~/.databrickscfg profile to use")
    parser.add_argument("--host", help="workspace URL (default: the stack's databricks:host)")
    options.project_dir(parser)
    parser.set_defaults(func=run)
