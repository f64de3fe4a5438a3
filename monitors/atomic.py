"""Writing a file whole, through a temporary file that nothing planted can divert.

Every file the program writes (the migration journal, exported declarations, a stack file put
back, the JSON Schema, the kept SQL analyses) goes through here; every text it generates is
checked by the one scrubber first (`write_text`), while a user's own bytes put back
(`write_bytes`) are restored exactly.
The temporary file gets a fresh random name next to the target and is created with
`O_CREAT | O_EXCL | O_NOFOLLOW`: a symbolic link or a file already there under that name makes
the open fail instead of being followed or truncated (a fixed name such as `<target>.tmp` can be
planted as a link to any file the user may write). `os.replace` then swaps the entry at the
target path itself: a link there is replaced, never written through.
A reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from monitors import scrubber

_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_ATTEMPTS = 16


def temporary_name(path: Path) -> Path:
    """A fresh hidden name beside `path` (a dot-file, which the declarations loader skips)."""
    return path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")


def _existing_mode(path: Path) -> int | None:
    """The permission bits of the regular file at `path`, None when there is none."""
    try:
        status = os.lstat(path)
    except OSError:
        return None
    return stat.S_IMODE(status.st_mode) if stat.S_ISREG(status.st_mode) else None


def write_bytes(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace `path` with exactly `data`. `mode` defaults to the replaced file's permissions
    (0o666 less the umask for a new file). Raises OSError; leaves no temporary file behind."""
    if mode is None:
        mode = _existing_mode(path)
    for _ in range(_ATTEMPTS):
        temporary = temporary_name(path)
        try:
            descriptor = os.open(temporary, _FLAGS, 0o666 if mode is None else mode)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(errno.EEXIST, "no fresh temporary name could be created", str(path))
    try:
        with os.fdopen(descriptor, "wb") as out:
            if mode is not None:
                os.fchmod(out.fileno(), mode)  # the umask narrowed what os.open was given
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:  # a full disk or a Ctrl-C: no temporary file is left behind
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class WouldShowSecretError(OSError):
    """A text the program generated holds a secret in play (`monitors.scrubber`): the file is
    not written. Masking it instead would corrupt a file meant to be read back exactly (the
    journal's restore point), so the write is refused and the caller says what was not written."""


def write_text(path: Path, text: str, mode: int | None = None) -> None:
    """Replace `path` with `text` as UTF-8 (see `write_bytes`), unless the text holds a secret
    in play: WouldShowSecretError then, and nothing is written."""
    if scrubber.redact(text) != text:
        raise WouldShowSecretError(
            errno.EPERM,
            "it would hold a credential this command was given (the token, a password or a "
            "client secret), so it was not written",
            str(path),
        )
    write_bytes(path, text.encode("utf-8"), mode)
