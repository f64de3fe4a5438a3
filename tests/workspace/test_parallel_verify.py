"""verify checks monitors in a bounded pool: the report keeps the declared order, a throttled
answer pauses every worker once (never on top of the SDK's own retry), and an interrupt or a
workspace that stops answering stops every worker."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
import requests

from monitors.naming import API_DATA_QUALITY
from monitors.workspace import legacy
from monitors.workspace.client import Deadline
from monitors.workspace.expected import ExpectedMonitor
from monitors.workspace.pool import (
    GatedAdapter,
    ThrottleGate,
    retry_after,
    run_bounded,
    share_throttling,
)
from monitors.workspace.verify.checks import verify_monitor
from monitors.workspace.verify.run import verify_monitors
from monitors.workspace.verify.wait import wait_until_active
from tests.helpers.workspace_monitors import SCHEMA

WORKER_COUNTS = (1, 3, 8)


def expected(table: str) -> ExpectedMonitor:
    return ExpectedMonitor(
        table=table,
        full_table_name=f"{SCHEMA}.{table}",
        custom_metric_names=(),
        expects_drift_table=False,
        expects_dashboard=True,
    )


# ---------------------------------------------------------------------------- order


def test_results_come_in_the_order_asked_not_the_order_finished():
    released = [threading.Event() for _ in range(4)]
    finished: list[int] = []

    def work(index: int) -> int:
        if index < 3:
            released[index].wait(5)  # each waits for the one after it to finish
        finished.append(index)
        if index > 0:
            released[index - 1].set()
        return index * 10

    assert run_bounded([0, 1, 2, 3], work, 4) == [0, 10, 20, 30]
    assert finished == [3, 2, 1, 0]


@pytest.mark.parametrize("workers", WORKER_COUNTS)
def test_the_verify_report_keeps_the_declared_order(workspace_client, deploy_monitor, workers):
    tables = [f"table_{i:02d}" for i in range(12)]
    declared = [deploy_monitor(t, time_series=False, metrics=()) for t in reversed(tables)]
    report = verify_monitors(workspace_client, declared, workers=workers)
    assert [m.table for m in report.monitors] == list(reversed(tables))
    assert report.ok


def test_progress_hears_of_every_monitor_once(workspace_client, deploy_monitor):
    declared = [deploy_monitor(f"t{i}", time_series=False, metrics=()) for i in range(6)]
    heard: list[str] = []
    verify_monitors(
        workspace_client, declared, workers=3, on_checked=lambda m: heard.append(m.table)
    )
    assert sorted(heard) == sorted(e.table for e in declared)


@pytest.mark.parametrize("workers", WORKER_COUNTS)
def test_a_poll_of_the_wait_names_the_pending_monitors_in_the_declared_order(
    workspace_client, deploy_monitor, workers
):
    declared = [
        deploy_monitor(f"t{i}", time_series=False, metrics=(), initialise=i % 2 == 0)
        for i in range(8)
    ]
    pending = wait_until_active(workspace_client, declared, timeout_s=0, workers=workers)
    assert pending == ("t1", "t3", "t5", "t7")


# ---------------------------------------------------------------------------- throttling


def test_a_closed_gate_holds_every_worker_until_it_is_released():
    gate = ThrottleGate()
    gate.close_for(3600)
    waiting = [threading.Thread(target=gate.wait, daemon=True) for _ in range(3)]
    for thread in waiting:
        thread.start()
    for thread in waiting:
        thread.join(0.05)
    assert all(thread.is_alive() for thread in waiting)
    gate.stop()
    for thread in waiting:
        thread.join(5)
    assert not any(thread.is_alive() for thread in waiting)


def test_a_gate_never_holds_a_worker_past_the_deadline():
    gate = ThrottleGate(Deadline(0))
    gate.close_for(3600)
    gate.wait()  # returns at once: the deadline has passed


def test_a_longer_pause_already_running_stands():
    now = [100.0]
    gate = ThrottleGate(now=lambda: now[0])
    gate.close_for(30)
    gate.close_for(2)
    assert gate._open_at == 130.0


@pytest.mark.parametrize(
    ("status", "header", "pause"),
    [
        (429, "7", 7.0),
        (503, "2", 2.0),
        (429, None, 1.0),  # absent: the SDK's default of 1 s
        (429, "Wed, 21 Oct 2026 07:28:00 GMT", 1.0),  # not a number: the SDK's default
        (500, "7", None),  # not throttling
        (200, None, None),
    ],
)
def test_the_pause_is_the_one_the_sdk_reads_from_retry_after(status, header, pause):
    response = requests.Response()
    response.status_code = status
    if header is not None:
        response.headers["Retry-After"] = header
    assert retry_after(response) == pause


def test_the_installed_sdk_lets_every_request_pass_the_gate(workspace_client):
    gate = ThrottleGate()
    assert share_throttling(workspace_client, gate)
    session = workspace_client.api_client._api_client._session
    assert all(isinstance(a, GatedAdapter) for a in session.adapters.values())


def test_a_429_closes_the_gate_and_the_sdk_alone_retries_it(
    fake_workspace, workspace_client, deploy_monitor
):
    monitor = deploy_monitor("throttled", time_series=False, metrics=())
    gate = ThrottleGate()
    share_throttling(workspace_client, gate)
    path = f"/api/2.1/unity-catalog/tables/{monitor.full_table_name}/monitor"
    fake_workspace.fail_next("GET", path, status=429, retry_after=0)
    assert legacy.get_monitor(workspace_client, monitor.full_table_name) is not None
    assert gate.pauses == [0.0]
    assert [(c.path, c.status) for c in fake_workspace.api_calls()] == [(path, 429), (path, 200)]


# ---------------------------------------------------------------------------- stopping


def test_an_interrupt_stops_every_worker_and_opens_the_gate():
    gate = ThrottleGate()
    gate.close_for(3600)
    started: list[int] = []

    def work(item: int) -> int:
        started.append(item)
        if item > 0:
            gate.wait()  # held until the interrupt releases the gate
        return item

    def interrupted(index: int, result: int) -> None:
        raise KeyboardInterrupt  # Ctrl-C in the calling thread, as the first result arrives

    with pytest.raises(KeyboardInterrupt):
        run_bounded(list(range(100)), work, 2, on_done=interrupted, gate=gate)
    assert gate.stopped
    assert len(started) < 100


def test_a_workers_error_reaches_the_caller():
    def work(item: int) -> int:
        if item == 3:
            raise ValueError("broken")
        return item

    with pytest.raises(ValueError, match="broken"):
        run_bounded(list(range(10)), work, 4)


@pytest.mark.parametrize("workers", WORKER_COUNTS)
def test_once_the_workspace_stops_answering_no_monitor_waits_its_own_timeouts(
    fake_workspace, workspace_client, workers
):
    fake_workspace.stop()  # every connection refused from now on
    declared = [expected(f"t{i}") for i in range(10)]
    report = verify_monitors(workspace_client, declared, workers=workers)
    assert [m.table for m in report.monitors] == [e.table for e in declared]
    details = [m.check("exists").detail for m in report.monitors]
    assert all(d.startswith("not checked: the workspace stopped answering") for d in details)


@pytest.mark.parametrize("workers", WORKER_COUNTS)
def test_a_spent_time_budget_checks_no_monitor(workspace_client, deploy_monitor, workers):
    declared = [deploy_monitor(f"t{i}", time_series=False, metrics=()) for i in range(5)]
    report = verify_monitors(workspace_client, declared, Deadline(0), workers=workers)
    details = {m.check("exists").detail for m in report.monitors}
    assert details == {"not checked: verify's time budget of 0 s ran out"}


def test_a_data_quality_monitor_is_verified_looking_up_its_table_id_once(
    fake_workspace, workspace_client, deploy_monitor
):
    monitor = replace(deploy_monitor("dq", time_series=False, metrics=()), api=API_DATA_QUALITY)
    assert verify_monitor(workspace_client, monitor).ok
    table = f"/api/2.1/unity-catalog/tables/{monitor.full_table_name}"
    assert [c.path for c in fake_workspace.api_calls()].count(table) == 1
