"""`python -m monitors schema [--write]`: the JSON Schema editors check declarations against."""

from __future__ import annotations

import argparse
import sys

from monitors.cli import options


def run(args: argparse.Namespace) -> int:
    """Handler of `schema`: print it, or write the committed file."""
    from monitors.atomic import write_text
    from monitors.spec.schema import SCHEMA_PATH, schema_text

    if args.write:
        write_text(SCHEMA_PATH, schema_text())
        print(f"wrote {SCHEMA_PATH}")
    else:
        sys.stdout.write(schema_text())
    return 0


def add_command(subparsers: options.Subparsers) -> None:
    """Register `schema`."""
    parser = subparsers.add_parser("schema", help="print or write the declaration JSON Schema")
    parser.add_argument("--write", action="store_true", help="write monitor.schema.json")
    parser.set_defaults(func=run)
