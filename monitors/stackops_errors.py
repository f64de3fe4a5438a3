"""Errors of the stack operations (reset, adopt, urns), each carrying the exit code it ends with.

Exit codes are distinct so CI can tell a refusal from an abort from a failure:
2 bad input or environment (nothing changed), 3 refused (nothing changed), 4 aborted by the
user (nothing changed), 1 the operation ran and failed (the message says what state it left).
"""

from __future__ import annotations

from monitors.errors import MonitorsError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_REFUSED = 3
EXIT_ABORTED = 4


class StackOpsError(MonitorsError):
    """A stack operation could not start or complete; `exit_code` says which kind."""

    exit_code = EXIT_INVALID


class CliNotFoundError(StackOpsError):
    """No runnable `pulumi` where we looked for it."""


class CliTooOldError(StackOpsError):
    """The Pulumi CLI is older than the features the program relies on."""


class StackMissingError(StackOpsError):
    """The stack does not exist in the logged-in backend."""


class UnknownTableError(StackOpsError):
    """A table that is not a declared monitor enabled in the stack."""


class RefusedError(StackOpsError):
    """The preview showed something the operation must not do; nothing was applied."""

    exit_code = EXIT_REFUSED


class AbortedError(StackOpsError):
    """The user declined the confirmation; nothing was applied."""

    exit_code = EXIT_ABORTED


class OperationFailedError(StackOpsError):
    """A Pulumi command failed part-way; the message describes the resulting state."""

    exit_code = EXIT_FAILED
