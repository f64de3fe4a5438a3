"""What a verify check answers, shared by the checks of monitors (`verify`) and of alerts
(`alerts`): its mark, its result, how a row of marks is laid out, and when to stop checking."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from monitors.errors import WorkspaceUnreachableError
from monitors.workspace.client import describe_error, is_unreachable


class CheckStatus(Enum):
    """The mark a check gets."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    SKIP = "skip"


# How each mark shows in a text table.
MARKS = {
    CheckStatus.PASS: "ok",
    CheckStatus.FAIL: "FAIL",
    CheckStatus.WARN: "warn",
    CheckStatus.SKIP: "-",
}


@dataclass(frozen=True)
class CheckResult:
    """One check of one monitor: its key, mark and a sentence saying why."""

    name: str
    status: CheckStatus
    detail: str = ""


class Checked:
    """What every checked item (a monitor, an alert) answers from its `checks`."""

    checks: tuple[CheckResult, ...]

    @property
    def ok(self) -> bool:
        """True when no check failed (warnings and skips do not fail)."""
        return all(c.status is not CheckStatus.FAIL for c in self.checks)

    def check(self, name: str) -> CheckResult:
        """The result of the check with key `name`."""
        return next(c for c in self.checks if c.name == name)


class UnreadableAnswer(Exception):
    """An answer of the workspace a check cannot read (a row longer than its schema, a list
    that is a string); the message says how it is malformed, and fails that check only."""


def join_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    """One row of a text table, each cell padded to its column's width."""
    return "  ".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True)).rstrip()


def raise_if_unreachable(err: Exception) -> None:
    """WorkspaceUnreachableError when `err` says the workspace stopped answering: the checks
    still to run would each wait out their own timeouts."""
    if is_unreachable(err):
        raise WorkspaceUnreachableError(
            f"the workspace stopped answering: {describe_error(err)}"
        ) from None
