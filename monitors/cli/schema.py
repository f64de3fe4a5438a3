"""`monitors schema [--write]`: the JSON Schema editors check declarations against (its output is
a JSON document already: the schema itself)."""

from __future__ import annotations

import argparse
import sys

from monitors.cli import options
from monitors.errors import ExitCode

EXIT_CODES = (
    (ExitCode.OK, "printed, or written to monitors/declarations/monitor.schema.json"),
    (ExitCode.FAILED, "the schema file could not be written"),
    (ExitCode.INVALID, "bad usage"),
    (ExitCode.ABORTED, "interrupted"),
)


def run(args: argparse.Namespace) -> int:
    """Handler of `schema`: print it, or write the committed file."""
    from monitors.atomic import write_text
    from monitors.declared.schema import SCHEMA_PATH, schema_text

    if args.write:
        write_text(SCHEMA_PATH, schema_text())
        print(f"wrote {SCHEMA_PATH}")
    else:
        sys.stdout.write(schema_text())
    return 0


def add_command(subparsers: options.Subparsers) -> None:
    """Register `schema`."""
    parser = subparsers.add_parser(
        "schema",
        help="print or write the declaration JSON Schema",
        description="Print the JSON Schema that declarations follow (editors validate YAML "
        "against it), or write it to the committed file with --write.",
    )
    parser.add_argument("--write", action="store_true", help="write monitor.schema.json")
    options.verbose(parser)
    parser.set_defaults(func=run)
