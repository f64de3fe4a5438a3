"""A reset that stops before its update leaves no trace: the stack file is put back; if that fails,
the error says which reset requests are still in it and how to remove them."""

from __future__ import annotations

from collections.abc import Mapping

from monitors.declared.settings import ResetRequest
from monitors.errors import MonitorsError, OperationFailedError
from monitors.stackops.reset.tokens import ConfigSnapshot, StackFileChangedError, undo_commands


def restore(
    snapshot: ConfigSnapshot,
    stack: str,
    written: Mapping[str, ResetRequest | None],
    tokens: Mapping[str, str],
    purge: bool,
    cause: BaseException,
) -> None:
    """Put the stack file back; if that fails, say so with the tokens and how to remove them."""
    if not written:  # nothing was written (a reused token): nothing to put back
        return
    try:
        snapshot.restore()
    except OSError as exc:
        fix = (
            "keep the other change"
            if isinstance(exc, StackFileChangedError)
            else "fix the file's permissions or free space first"
        )
        raise left_behind(snapshot, stack, written, tokens, purge, cause, str(exc), fix) from None


def interrupted_restore(
    snapshot: ConfigSnapshot,
    stack: str,
    written: Mapping[str, ResetRequest | None],
    tokens: Mapping[str, str],
    purge: bool,
    cause: BaseException,
) -> OperationFailedError | None:
    """Putting the stack file back was interrupted: None if it is back all the same (the write
    is atomic), else the error saying which reset requests are still in it."""
    if not written or snapshot.is_back():
        return None
    reason = "you interrupted while it was being put back"
    fix = "you stopped the reset before it could"
    return left_behind(snapshot, stack, written, tokens, purge, cause, reason, fix)


def left_behind(
    snapshot: ConfigSnapshot,
    stack: str,
    written: Mapping[str, ResetRequest | None],
    tokens: Mapping[str, str],
    purge: bool,
    cause: BaseException,
    reason: str,
    fix: str,
) -> OperationFailedError:
    """The error for a stack file not put back: why the reset stopped, the requests still in the
    file, and the commands that take them out."""
    if isinstance(cause, MonitorsError):
        what = str(cause)
    elif isinstance(cause, KeyboardInterrupt | EOFError):
        what = "interrupted before the update started; nothing was applied"
    else:
        what = f"{type(cause).__name__}: {cause}"
    left = "\n".join(
        f"  {t}: token {tokens[t]!r}, purge {'true' if purge else 'false'}"
        for t in written
        if t in tokens
    )
    undo = "\n".join(f"  {c}" for c in undo_commands(stack, written))
    return OperationFailedError(
        f"{what}\nBUT the stack file {snapshot.path} could not be put back ({reason}), so the "
        "reset requests written are still in it, and the next `pulumi up` would apply "
        f"them:\n{left}\nRemove them ({fix}), or "
        f"restore the file from version control:\n{undo}"
    )
