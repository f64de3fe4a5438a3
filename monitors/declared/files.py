"""Reading one input file safely: a regular file, read without blocking, as UTF-8 text.

Every file problem becomes a `FileProblem` with a sentence that follows the file's name
(`x.yaml: is a directory, not a file`), never an OSError traceback. A special file is never
opened for reading in a way that could block (a FIFO would wait forever for a writer): its type
is checked with lstat first, and the open itself is non-blocking and refuses symbolic links.
Symbolic links are refused everywhere, on disk and at a git ref alike: git stores a link's target
path, not the file it points to, so a linked file could not be read at a ref.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

SYMLINK_PROBLEM = (
    "is a symbolic link; it must be a regular file (git stores only the link's target, so "
    "`plan --against` could not read it at a ref): copy the file here instead"
)


def _unprintable(char: str) -> bool:
    code = ord(char)
    return code < 32 or code == 127 or 0xD800 <= code <= 0xDFFF


def printable(name: str) -> str:
    """A file name fit for a one-line message: control characters (a newline in a file name)
    and undecodable bytes written as escapes."""
    return "".join(
        char.encode("unicode_escape", "backslashreplace").decode() if _unprintable(char) else char
        for char in name
    )


class FileProblem(Exception):
    """A file that cannot be used as input; `str()` is the sentence after `file: `."""


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def _not_regular(kind: str) -> FileProblem:
    if kind == "a symbolic link":
        return FileProblem(SYMLINK_PROBLEM)
    return FileProblem(f"is {kind}, not a regular file")


def _os_problem(exc: OSError) -> FileProblem:
    if isinstance(exc, PermissionError):
        return FileProblem("cannot be read: permission denied")
    return FileProblem(f"cannot be read: {exc.strerror or exc}")


def read_bytes(path: Path) -> bytes:
    """The content of a regular file; raises FileProblem for anything else.

    Raises FileNotFoundError (not a FileProblem) when nothing is there, so callers decide
    whether absence is an error.
    """
    try:
        kind = _kind(os.lstat(path).st_mode)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise _os_problem(exc) from None
    if kind is not None:
        raise _not_regular(kind)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise _os_problem(exc) from None
    with os.fdopen(fd, "rb") as handle:
        # Swapped for something else between the lstat and the open: check what was opened.
        kind = _kind(os.fstat(handle.fileno()).st_mode)
        if kind is not None:
            raise _not_regular(kind)
        try:
            return handle.read()
        except OSError as exc:
            raise _os_problem(exc) from None


def decode_text(data: bytes) -> str:
    """UTF-8 text without a byte-order mark (as Pulumi reads stack files:
    `readFileStripUTF8BOM` in sdk/go/common/workspace/loaders.go); anything else is refused."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileProblem(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); save it as UTF-8"
        ) from None


def read_text(path: Path) -> str:
    """A regular file's UTF-8 text; FileProblem for anything else, FileNotFoundError if absent."""
    return decode_text(read_bytes(path))
