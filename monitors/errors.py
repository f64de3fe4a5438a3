"""Errors the monitors package raises for bad input, each naming where the problem is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class MonitorsError(Exception):
    """Base class: an error a user can fix, reported without a traceback by the CLI."""


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


class DeclarationError(MonitorsError):
    """One or more problems in files that declare monitors or stack settings."""

    def __init__(self, file: str, problems: Sequence[Problem]) -> None:
        self.file = file
        self.problems = tuple(problems)
        super().__init__("\n".join(p.describe(file) for p in self.problems))


class StackConfigError(DeclarationError):
    """A stack's `Pulumi.<stack>.yaml` is missing or holds invalid settings."""
