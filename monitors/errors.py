"""Errors by meaning, each carrying the exit code the `monitors` command ends with.

One base (`MonitorsError`), one enum of exit codes; callers catch meanings, and the CLI maps any
error to its code in one place. Every message names where the problem is (file, monitor, field,
or the stack and what to do), so the CLI prints it without a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Every exit code of the `monitors` command; 3 and 4 belong to the stack operations, 5 to
    the bounded waits of `refresh` and `cost`, 10 and up to the change report."""

    OK = 0
    FAILED = 1
    INVALID = 2
    REFUSED = 3
    ABORTED = 4
    TIMED_OUT = 5
    REPLACEMENTS = 10
    BAD_REF = 11

    @property
    def meaning(self) -> str:
        """What the code means for every command (a command's EXIT_CODES say it for itself)."""
        return EXIT_CODE_MEANINGS[self]


EXIT_CODE_MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "done: the command did what it was asked",
    ExitCode.FAILED: "the command ran and failed (a check failed, a Pulumi command failed or was "
    "interrupted part-way, the workspace did not answer); the message says where things stand",
    ExitCode.INVALID: "bad input or environment (usage, declarations, stack file, credentials, no "
    "terminal to confirm): nothing changed",
    ExitCode.REFUSED: "a preview showed what the operation must not do: nothing changed, or "
    "everything was put back",
    ExitCode.ABORTED: "declined at the confirmation, or interrupted before anything changed",
    ExitCode.TIMED_OUT: "a bounded wait ran out (refresh --wait, a SQL warehouse that did not "
    "start): what was started is still running; the message says how to follow it",
    ExitCode.REPLACEMENTS: "the change report: monitors or alerts are replaced or deleted, or "
    "protection is switched off: approval needed",
    ExitCode.BAD_REF: "the change report: the git ref cannot be read",
}


class MonitorsError(Exception):
    """Base class: an error a user can fix, reported without a traceback by the CLI."""

    exit_code: ExitCode = ExitCode.INVALID


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: which monitor, which field, and why."""

    field: str
    message: str
    monitor: str | None = None

    def describe(self, file: str) -> str:
        """Render as `file: monitor M: field: message`, the form every error uses."""
        where = f"{file}: monitor {self.monitor}" if self.monitor else file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


# ---------------------------------------------------------------------------- bad input


class DeclarationError(MonitorsError):
    """One or more problems in files that declare monitors or stack settings."""

    def __init__(self, file: str, problems: Sequence[Problem]) -> None:
        self.file = file
        self.problems = tuple(problems)
        super().__init__("\n".join(p.describe(file) for p in self.problems))


class StackConfigError(DeclarationError):
    """A stack's `Pulumi.<stack>.yaml` is missing or holds invalid settings."""


class DeclarationErrors(MonitorsError):
    """Problems in several declaration files, reported together."""

    def __init__(self, errors: Sequence[DeclarationError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


class UnknownTableError(MonitorsError):
    """A table that is not a declared monitor enabled in the stack."""


class RecordError(MonitorsError):
    """The stack's record of its last deployment (a stack output) cannot be read safely."""


class BackendMismatchError(MonitorsError):
    """Monitors the stack deployed through one monitor API, while its `api` setting names the
    other: registering them would delete and recreate them, so nothing is registered."""


# ---------------------------------------------------------------------------- the workspace


class CredentialsError(MonitorsError):
    """No usable credentials for the workspace; the message lists every source tried."""


class UnsafeNameError(MonitorsError):
    """A table name or id that is not a plain identifier, refused before it reaches a URL."""


class WorkspaceUnreachableError(MonitorsError):
    """The workspace did not answer (refused, timed out, or the time budget ran out)."""

    exit_code = ExitCode.FAILED


class IdLookupError(MonitorsError):
    """The provider's lookup of a table or schema returned no UUID (data quality backend)."""


class TimedOutError(MonitorsError):
    """A bounded wait ran out (a SQL warehouse that did not start in time); the message says
    what is still running and how to go on."""

    exit_code = ExitCode.TIMED_OUT


class CostQueryError(MonitorsError):
    """`cost`: the billing tables could not be read (no warehouse, no access, a failed or
    unreadable statement); the message says why and what to do."""

    exit_code = ExitCode.FAILED


class ExportError(MonitorsError):
    """`export`: the workspace answered a question every table depends on with an error."""

    exit_code = ExitCode.FAILED


class ListingError(MonitorsError):
    """The workspace answered a listing (a schema's tables) with an error or a malformed page."""

    exit_code = ExitCode.FAILED


# ---------------------------------------------------------------------------- the change report


class GitRefError(MonitorsError):
    """The ref cannot be read: git missing, not a repository, or no such commit."""

    exit_code = ExitCode.BAD_REF


class SideInvalidError(MonitorsError):
    """One side's declarations or stack file are invalid; every line names the side."""

    def __init__(self, lines: tuple[str, ...]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))

    @classmethod
    def at(cls, label: str, message: str) -> SideInvalidError:
        """Prefix every line of `message` with the side, e.g. `at origin/main: `."""
        return cls(tuple(f"{label}: {line}" for line in message.splitlines()))


# ---------------------------------------------------------------------------- stack operations


class StackOpsError(MonitorsError):
    """A stack operation could not start or complete; `exit_code` says which kind."""


class CliNotFoundError(StackOpsError):
    """No runnable `pulumi` where we looked for it."""


class CliTooOldError(StackOpsError):
    """The Pulumi CLI is older than the features the program relies on."""


class StackMissingError(StackOpsError):
    """The stack does not exist in the logged-in backend."""


class RefusedError(StackOpsError):
    """The preview showed something the operation must not do; nothing was applied."""

    exit_code = ExitCode.REFUSED


class AbortedError(StackOpsError):
    """The user declined the confirmation; nothing was applied."""

    exit_code = ExitCode.ABORTED


class NoTerminalError(StackOpsError):
    """A command must ask for confirmation, but stdin is not a terminal (CI, a pipe): it never
    waits on a stdin nobody types into; `--yes` is the way to go on without asking."""


class OperationFailedError(StackOpsError):
    """A Pulumi command failed part-way; the message describes the resulting state."""

    exit_code = ExitCode.FAILED
