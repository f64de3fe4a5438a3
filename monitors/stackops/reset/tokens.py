"""Reset tokens in a stack's config: making them, writing them, and undoing the write exactly.

A reset is a config change (`lakehouse-monitors:resets.<table>.token`) that the program turns
into a replacement. The write goes through the CLI (`pulumi config set --path`) like any other
config change; if the reset then stops before `up`, the stack file is put back byte for byte,
so a refused or aborted reset leaves no trace.
"""

from __future__ import annotations

import secrets
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pulumi.automation import ConfigValue, Stack

from monitors.atomic import write_bytes
from monitors.declared.settings import ResetRequest, read_stack_config, stack_file
from monitors.naming import (
    CONFIG_NAMESPACE,
    RESETS_KEY,
    reset_purge_key,
    reset_token_key,
    short_stack,
)


def new_token(now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> str:
    """A fresh token: UTC time plus a short random suffix, e.g. `2026-11-26T17:02:11Z-3f9a`."""
    return f"{now().strftime('%Y-%m-%dT%H:%M:%SZ')}-{secrets.token_hex(2)}"


class StackFileChangedError(OSError):
    """The stack file changed after the reset's last write: something else edited it, and
    putting the old bytes back would throw that edit away."""


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


@dataclass
class ConfigSnapshot:
    """The stack file's bytes before a reset wrote to it (None if it did not exist), and as the
    reset's last completed write left them (`expected`; unknown while a write is under way)."""

    path: Path
    content: bytes | None
    expected: bytes | None = None
    known: bool = True

    @classmethod
    def take(cls, stack: str, project_root: Path) -> ConfigSnapshot:
        path = stack_file(short_stack(stack), project_root)
        content = _read(path)
        return cls(path, content, content)

    def writing(self) -> None:
        """A write through the CLI starts: until it returns, the file's next bytes are unknown."""
        self.known = False

    def wrote(self) -> None:
        """The write returned: what the file holds now is the reset's own doing."""
        self.expected, self.known = _read(self.path), True

    def is_back(self) -> bool:
        """True when the file holds exactly what it held before the reset."""
        return _read(self.path) == self.content

    def restore(self) -> None:
        """Put the file back exactly as it was, unless it already is, or something else changed
        it since the reset's last write (StackFileChangedError: that change is kept)."""
        current = _read(self.path)
        if current == self.content:
            return
        if self.known and current != self.expected:
            raise StackFileChangedError(
                "it was changed by something else after the reset wrote to it; that change was "
                "kept, not overwritten"
            )
        if self.content is None:
            self.path.unlink(missing_ok=True)
        else:
            write_bytes(self.path, self.content)


def write_reset(
    stack: Stack, project_root: Path, table: str, token: str, *, purge: bool
) -> list[str]:
    """Write one table's reset request with `config set --path`; return the keys written."""
    raw = read_stack_config(short_stack(stack.name), project_root).get(
        f"{CONFIG_NAMESPACE}:{RESETS_KEY}"
    )
    shorthand = raw.get(table) if isinstance(raw, dict) else None
    if isinstance(shorthand, str | int) and not isinstance(shorthand, bool):
        # The bare-token shorthand (`dim_host: 2026-...`, or `dim_host: 123`, which
        # `config set --path` stores as a number) cannot take sub-keys: drop it first.
        stack.remove_config(f"{RESETS_KEY}.{table}", path=True)
    token_key = reset_token_key(table)
    purge_key = reset_purge_key(table)
    stack.set_config(token_key, ConfigValue(token), path=True)
    stack.set_config(purge_key, ConfigValue("true" if purge else "false"), path=True)
    return [token_key, purge_key]


def undo_commands(stack: str, written: Mapping[str, ResetRequest | None]) -> list[str]:
    """The `pulumi config` commands that take back the reset requests a reset wrote.

    `written` maps each table whose request was written to the request it replaced (None if
    there was none); putting that one back (or removing the table's entry) leaves the program
    with nothing new to apply.
    """
    short = short_stack(stack)
    commands: list[str] = []
    for table, before in written.items():
        if before is None:
            commands.append(f"pulumi config rm --stack {short} --path '{RESETS_KEY}.{table}'")
            continue
        commands.append(
            f"pulumi config set --stack {short} --path '{reset_token_key(table)}' -- "
            + shlex.quote(before.token)
        )
        commands.append(
            f"pulumi config set --stack {short} --path '{reset_purge_key(table)}' -- "
            + ("true" if before.purge else "false")
        )
    return commands
