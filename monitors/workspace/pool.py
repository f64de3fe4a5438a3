"""Ask the workspace about many objects at once: a bounded pool of workers, results in the
order asked, and one shared back-off when the workspace says it is throttling.

databricks-sdk already retries every request answered 429 or 503, in the thread that made it:
`_BaseClient.do` wraps `_perform` in `retries.retried`, which sleeps `Retry-After` (from
`errors/customizer.py` `_RetryAfterCustomizer`, 1 s when absent) plus up to 1 s of jitter, on the
client's clock, until `retry_timeout_seconds` runs out. It knows nothing of other threads: eight
workers each learn of the throttling from their own 429. `ThrottleGate` adds what is missing and
nothing more: a 429 or 503 with `Retry-After` closes the gate for that long, every worker's next
request waits at the gate, and the request that saw the 429 is retried by the SDK as before (its
own sleep ends after the gate opens, so it never waits twice).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import requests
from databricks.sdk import WorkspaceClient
from requests.adapters import BaseAdapter

from monitors.workspace.client import Deadline

T = TypeVar("T")
R = TypeVar("R")

_THROTTLED = (429, 503)


class ThrottleGate:
    """Closed for `Retry-After` seconds after any throttled answer; `wait` blocks until it opens
    (never past `deadline`, never once `stopped`)."""

    def __init__(
        self, deadline: Deadline | None = None, now: Callable[[], float] = time.monotonic
    ) -> None:
        self._deadline = deadline
        self._now = now
        self._open_at = 0.0
        self._changed = threading.Condition()
        self.stopped = False
        self.pauses: list[float] = []  # each pause's length, as the workspace asked

    def close_for(self, seconds: float) -> None:
        """Every worker waits `seconds` from now (a longer pause already running stands)."""
        with self._changed:
            self.pauses.append(seconds)
            self._open_at = max(self._open_at, self._now() + seconds)

    def stop(self) -> None:
        """Release every waiting worker (an interrupt, or the workspace stopped answering)."""
        with self._changed:
            self.stopped = True
            self._changed.notify_all()

    def wait(self) -> None:
        """Return once the gate is open, the deadline has passed or the pool is stopped."""
        with self._changed:
            while not self.stopped:
                left = self._open_at - self._now()
                if self._deadline is not None:
                    left = min(left, self._deadline.remaining())
                if left <= 0:
                    return
                self._changed.wait(left)


def retry_after(response: requests.Response) -> float | None:
    """The pause a throttled answer asks for: its `Retry-After` seconds (1 s when absent or
    not a number, as databricks-sdk reads it); None for an answer that is not throttled."""
    if response.status_code not in _THROTTLED:
        return None
    try:
        return max(0.0, float(int(response.headers.get("Retry-After", "1"))))
    except ValueError:
        return 1.0


class GatedAdapter(BaseAdapter):
    """A transport adapter that waits at the gate before each request and closes it on a
    throttled answer; everything else is the wrapped adapter's."""

    def __init__(self, inner: BaseAdapter, gate: ThrottleGate) -> None:
        super().__init__()
        self.inner = inner
        self.gate = gate

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        self.gate.wait()
        response = self.inner.send(request, *args, **kwargs)
        pause = retry_after(response)
        if pause is not None:
            self.gate.close_for(pause)
        return response

    def close(self) -> None:
        self.inner.close()


def share_throttling(client: WorkspaceClient, gate: ThrottleGate) -> bool:
    """Route every request of `client` through `gate`. The SDK's session is private
    (`ApiClient._api_client._session`, a `requests.Session`); when a later SDK moves it, False,
    and each request is still retried by the SDK alone."""
    session = getattr(getattr(client.api_client, "_api_client", None), "_session", None)
    if not isinstance(session, requests.Session):
        return False
    for prefix, adapter in list(session.adapters.items()):
        if isinstance(adapter, GatedAdapter):
            adapter.gate = gate
        else:
            session.mount(prefix, GatedAdapter(adapter, gate))
    return True


def run_bounded(
    items: Sequence[T],
    work: Callable[[T], R],
    workers: int,
    *,
    on_done: Callable[[int, R], None] | None = None,
    gate: ThrottleGate | None = None,
    poll_s: float = 0.2,
) -> list[R]:
    """`work` on every item with at most `workers` at once; results in the order of `items`.

    `on_done(index, result)` runs in the calling thread as results arrive (progress lines). The
    workers are daemon threads: an interrupt in the calling thread (which waits in short,
    interruptible slices) stops them taking more items and releases the gate, and the process
    can exit without waiting for a request in flight. An exception in `work` is re-raised in
    the calling thread once every worker has stopped.
    """
    results: list[Any] = [None] * len(items)
    done: list[tuple[int, R]] = []
    errors: list[BaseException] = []
    next_index = iter(range(len(items)))
    lock = threading.Condition()
    stop = threading.Event()
    active = [0]

    def worker() -> None:
        try:
            while not stop.is_set():
                with lock:
                    index = next(next_index, None)
                if index is None:
                    return
                try:
                    result = work(items[index])
                except BaseException as exc:  # handed to the calling thread
                    with lock:
                        errors.append(exc)
                    stop.set()
                    return
                with lock:
                    results[index] = result
                    done.append((index, result))
                    lock.notify_all()
        finally:
            with lock:
                active[0] -= 1
                lock.notify_all()

    count = max(1, min(workers, len(items)))
    active[0] = count
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    try:
        while True:
            with lock:
                if not done and active[0] > 0:
                    lock.wait(poll_s)
                arrived, done[:] = list(done), []
                finished = active[0] == 0
            for index, result in arrived:
                if on_done is not None:
                    on_done(index, result)
            if finished and not arrived:
                break
    except BaseException:
        stop.set()
        if gate is not None:
            gate.stop()
        raise
    if errors:
        raise errors[0]
    return results
