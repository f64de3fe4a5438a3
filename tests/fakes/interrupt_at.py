"""Run `monitors ARGS...` and deliver a real SIGINT to it at a chosen moment.

    python tests/fakes/interrupt_at.py MOMENT -- ARGS...

MOMENT is one of
  none                      no signal from here (the fake CLI's `interrupt_commands` send one);
  import:MODULE             when MODULE starts being imported (the command's modules loading);
  call:MODULE:QUALNAME      when that function or method is called, in whichever thread
                            (`call:sys:exit`: as the process exits with the command's result).
The signal is sent once, with `os.kill` to this process only, as a terminal's Ctrl-C reaches it
(the Pulumi CLI's own share of a Ctrl-C is the fake CLI's `interrupt_commands`). Python raises
KeyboardInterrupt in the main thread at its next check, wherever that thread then is: inside the
import, in the call, or in a wait for a worker thread. Then `monitors` runs exactly as
`python -m monitors` runs it (runpy, `__main__`).
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.util
import os
import runpy
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

_sent = threading.Event()


def interrupt() -> None:
    """Send SIGINT to this process, once."""
    if not _sent.is_set():
        _sent.set()
        os.kill(os.getpid(), signal.SIGINT)


class _InterruptOnImport(importlib.abc.MetaPathFinder):
    """Interrupts when `name` starts being imported; finds nothing itself."""

    def __init__(self, name: str) -> None:
        self.name = name

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: Any = None) -> None:
        if fullname == self.name:
            interrupt()


class _PatchAfterLoad(importlib.abc.MetaPathFinder):
    """Wraps `qualname` of module `name` right after the module is executed."""

    def __init__(self, name: str, qualname: str) -> None:
        self.name, self.qualname = name, qualname

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return None
        loader = spec.loader
        original_exec = loader.exec_module  # type: ignore[attr-defined]

        def exec_module(module: ModuleType) -> None:
            original_exec(module)
            patch(module, self.qualname)

        loader.exec_module = exec_module  # type: ignore[attr-defined]
        return spec


def patch(module: ModuleType, qualname: str) -> None:
    """Replace `module.<qualname>` by a wrapper that interrupts as it is called."""
    *owners, name = qualname.split(".")
    holder: Any = module
    for owner in owners:
        holder = getattr(holder, owner)
    original: Callable[..., Any] = getattr(holder, name)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        interrupt()
        return original(*args, **kwargs)

    setattr(holder, name, wrapper)


def main(argv: list[str]) -> None:
    moment, separator, *command = argv
    assert separator == "--", __doc__
    kind, _, where = moment.partition(":")
    if kind == "import":
        sys.meta_path.insert(0, _InterruptOnImport(where))
    elif kind == "call":
        module, _, qualname = where.partition(":")
        if module in sys.modules:
            patch(sys.modules[module], qualname)
        else:
            sys.meta_path.insert(0, _PatchAfterLoad(module, qualname))
    sys.path[0] = os.getcwd()  # as `python -m` has it: the project, not this script's folder
    sys.argv = ["monitors", *command]
    runpy.run_module("monitors", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
