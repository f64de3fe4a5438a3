"""`python -m monitors migrate --stack S --to data_quality|legacy [--yes]`.

Moves every enabled monitor of a stack to the other monitor API without deleting one: the old
resources leave the state (`pulumi state remove`), the same monitors are imported as the other
type, a preview must plan no replace, delete or create (else everything is put back), `pulumi up`
records them, and a history proof compares each monitor's version, dashboard and metric tables
with the facts read before. Run it again after a failure or an interrupt: it continues from where
each monitor stands. Exit codes: 0 done and proven; 1 a step failed or was interrupted part-way
(the message says where each monitor stands and how to go on), or the history proof failed;
2 bad input or environment, nothing changed; 3 refused (nothing changed, or everything put
back); 4 aborted before anything changed.
"""

from __future__ import annotations

import argparse

from monitors.cli import interrupts, options
from monitors.errors import ExitCode
from monitors.naming import APIS


def run(args: argparse.Namespace) -> int:
    """Handler of `migrate`."""
    from monitors.stackops.migrate.command import migrate

    migrate(args.stack, args.to, assume_yes=args.yes, confirm=input, env=options.stack_env(args))
    return ExitCode.OK


def add_command(subparsers: options.Subparsers) -> None:
    """Register `migrate`."""
    parser = subparsers.add_parser(
        "migrate",
        help="move a stack's monitors to the other monitor API without deleting one",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    options.stack(parser)
    parser.add_argument(
        "--to", required=True, choices=APIS, help="the monitor API to move the stack to"
    )
    options.assume_yes(parser)
    options.pulumi_root(parser)
    options.project_dir(parser)
    options.verbose(parser)
    # migrate() turns an interrupt after its first change into an error that says where each
    # monitor stands; one that reaches the command line came before any change.
    interrupts.on_interrupt(
        parser,
        "aborted before this run changed anything. Nothing was changed. Run the same command "
        "again to start (or to go on with a migration already under way).",
    )
    parser.set_defaults(func=run)
