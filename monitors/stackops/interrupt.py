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

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

POLL_SECONDS = 0.05
STOP_WAITING_AFTER = 2
T = TypeVar("T")


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


def run_settled(work: Callable[[], T]) -> T:
    """Run one Pulumi CLI command to its end, then let an interrupt that came meanwhile through.

    From the main thread, `work` runs in a worker thread (`run_interruptibly`): an interrupt then
    never unwinds the main thread through `subprocess.Popen` while the Automation API's threads
    still read the command's pipes (each would die with a traceback on the closed pipe), and the
    command has ended, its edit saved or not, before the operation meets the interrupt. Elsewhere
    (already in a worker) `work` just runs. A second interrupt stops waiting.
    """
    if threading.current_thread() is not threading.main_thread():
        return work()
    results: list[T] = []
    waited = run_interruptibly(lambda: results.append(work()), lambda count: None)
    if waited.interrupted:
        raise KeyboardInterrupt
    if waited.error is not None:
        raise waited.error
    return results[0]
