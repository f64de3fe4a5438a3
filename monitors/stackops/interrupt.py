"""Waiting for a Pulumi command through Ctrl-C, so an interrupted update can be reported truly.

A Ctrl-C in a terminal reaches the whole foreground process group: the `pulumi` CLI gets it too
and cancels gracefully, finishing the steps it started and saving the state (pulumi/pulumi
pkg/backend/cancellation_scope.go; SIGTERM is handled the same way, a second signal terminates
at once). Python raises KeyboardInterrupt in the main thread at the same moment, long before the
CLI is done. So the command runs in a worker thread while the main thread waits; the first
interrupt is reported and the wait goes on, so that what follows reads the state the CLI saved;
a second one stops waiting.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

POLL_SECONDS = 0.05
STOP_WAITING_AFTER = 2


@dataclass(frozen=True)
class Waited:
    """How a command run by `run_interruptibly` ended."""

    error: BaseException | None
    interrupts: int
    finished: bool

    @property
    def interrupted(self) -> bool:
        return self.interrupts > 0


def run_interruptibly(work: Callable[[], object], on_interrupt: Callable[[int], None]) -> Waited:
    """Run `work` in a daemon thread and wait for it, through interrupts.

    `on_interrupt(n)` is called for the n-th KeyboardInterrupt while waiting; after
    STOP_WAITING_AFTER of them the wait ends with `finished` False (the CLI may still run).
    """
    errors: list[BaseException] = []
    # The wait is on an Event, not Thread.join: on CPython 3.11 a KeyboardInterrupt inside
    # join() can mark a still-running thread as stopped (threading._wait_for_tstate_lock
    # releases the thread's lock when interrupted), so is_alive() would lie.
    done = threading.Event()

    def target() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the waiting thread
            errors.append(exc)
        finally:
            done.set()

    threading.Thread(target=target, name="pulumi-command", daemon=True).start()
    interrupts = 0
    while True:
        try:
            while not done.wait(POLL_SECONDS):
                pass
            break
        except KeyboardInterrupt:
            interrupts += 1
            if interrupts >= STOP_WAITING_AFTER:
                break
            on_interrupt(interrupts)
    return Waited(errors[0] if errors else None, interrupts, done.is_set())


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM (a CI runner cancelling the job) acts as Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
